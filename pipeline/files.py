"""Files: written so that no reader ever sees half of one (write aside, then rename), and on
disk before they are renamed into place (fsync of the file, then of its folder), known by
their SHA-256, and told apart when another process holds a database file's lock.

Without the fsyncs, a power cut or a kernel crash soon after a rename can leave the new name
with no bytes or with only some of them (ext4 and xfs write a renamed file's blocks
asynchronously), even though no process ever saw it half-written: a fetched delivery cut at
a line boundary would then load as a smaller delivery, a report as an empty file. The fsync
of the folder makes the rename itself durable (fsync(2), rename(2); as publish swaps the
analytics file)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def written_aside(path: Path) -> Iterator[Path]:
    """Yield `.<name>.tmp` beside `path` to write; it replaces `path` only when the block ends
    without an error, and is removed otherwise. Dot-files are never taken for deliveries.
    `installed_together` of one file: synced before its rename, its folder after."""
    with installed_together([path]) as tmps:
        yield tmps[path]


@contextmanager
def installed_together(paths: list[Path]) -> Iterator[dict[Path, Path]]:
    """`written_aside` for files that belong together (a report's page, workbook and PDF; a
    publication's exports): yield each path's `.<name>.tmp` to write; they replace the paths
    one after the other once every one is written, and are all removed if the block fails,
    so a failure leaves every path as it was, not a new page beside an old workbook or a
    new table's export beside an old one's (helper-114)."""
    tmps = {path: path.with_name(f".{path.name}.tmp") for path in paths}
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        yield tmps
        for tmp in tmps.values():
            fsync_file(tmp)
        for path, tmp in tmps.items():
            os.replace(tmp, path)
        for folder in {path.parent for path in paths}:
            fsync_dir(folder)
    finally:
        for tmp in tmps.values():
            tmp.unlink(missing_ok=True)


def fsync_file(path: Path) -> None:
    """The file's written bytes on disk (not only in the page cache)."""
    with open(path, "rb") as f:
        os.fsync(f.fileno())


def fsync_dir(path: Path) -> None:
    """The folder's entries on disk: a file created, renamed or removed in it stays so."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    with written_aside(path) as tmp:
        tmp.write_bytes(data)


def write_if_changed(path: Path, data: bytes) -> bool:
    """`write_atomic`, unless the file holds exactly `data` already: then it is left as it is,
    its modification time too (a landing sensor sees nothing new). True when written."""
    if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
        return False
    write_atomic(path, data)
    return True


def stamp_of(path: Path) -> tuple[int, int, int]:
    """A file's size, modification time and status-change time (ns): what tells that it
    changed without reading it. The modification time alone does not: a copy that keeps its
    source's time (`cp -p`, rsync, unzip) or a same-size correction written with `touch -r`
    has the old one. The status-change time is set by the system at every write, rename or
    replacement, and copying tools do not set it (on a Windows share it can be set through
    the file API, which no copying tool does)."""
    st = path.stat()
    return st.st_size, st.st_mtime_ns, st.st_ctime_ns


def sha256_of(path: Path) -> str:
    """A file's SHA-256, as ingest knows a delivery by it and the sample's marker lists it."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# how DuckDB says that another process holds a database file's lock
LOCK_MARKERS = ("Could not set lock", "Conflicting lock")


def is_held_elsewhere(error_text: str) -> bool:
    """The error is DuckDB's (or a dbt run's) 'the file is locked by another process'."""
    return any(m in error_text for m in LOCK_MARKERS)
