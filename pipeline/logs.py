"""The refresh's two logs: a few lines of progress on the console, everything in a file.

The console shows the `bkwh.progress` lines (one per source loaded, the dbt summary, publish,
report, the final summary) and every error of this project's code; the full log (DEBUG:
Dagster's events, dbt's lines, Great Expectations, DuckDB) goes to
`<log dir>/refresh-<time>-<pid>.log`, and `refresh.log` beside it points at the newest one.

Neither repeats a person id: every line, the log records' and what libraries and subprocesses
print alike, has its CPR-shaped numbers hidden (pipeline/privacy.py) before it is written. An
error message can quote the row it failed on.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import sys
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TextIO

from pipeline.privacy import MaskedFormatter, hide_person_ids

progress = logging.getLogger("bkwh.progress")

QUIET = (
    "great_expectations",
    "alembic",
    "dagster",
    "urllib3",
    "httpx",
    "matplotlib",
    "filelock",
)


class _Console(logging.Filter):
    """Progress, and errors and warnings of this project's own code."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("bkwh"):
            return True
        return record.levelno >= logging.WARNING and record.name.startswith("pipeline")


def setup(log_dir: Path | None = None, verbose: bool = False) -> Path | None:
    """Console progress; with `log_dir`, the full log in a new file there (returned)."""
    root = logging.getLogger()
    for h in list(root.handlers):
        root.removeHandler(h)
    root.setLevel(logging.DEBUG)
    # a stream of its own on the terminal: `captured` points fd 1 and 2 at the log file
    console = logging.StreamHandler(_terminal())
    console.setFormatter(MaskedFormatter("%(asctime)s %(message)s", "%H:%M:%S"))
    console.setLevel(logging.DEBUG if verbose else logging.INFO)
    if not verbose:
        console.addFilter(_Console())
    root.addHandler(console)
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.INFO)
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    if log_dir is None:
        return None
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / f"refresh-{datetime.now():%Y%m%dT%H%M%S}-{os.getpid()}.log"
    to_file = logging.FileHandler(path, encoding="utf-8")
    to_file.setLevel(logging.DEBUG)
    to_file.setFormatter(MaskedFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(to_file)
    # Dagster's console logger writes each event to the file itself (through `captured`)
    logging.getLogger("dagster.builtin").propagate = False
    latest = log_dir / "refresh.log"
    with contextlib.suppress(OSError):
        latest.unlink(missing_ok=True)
        latest.symlink_to(path.name)
    return path


@functools.cache
def _terminal() -> TextIO:
    """The console as it was when logging was first set up, on a descriptor of its own."""
    try:
        return os.fdopen(os.dup(sys.__stderr__.fileno()), "w", buffering=1, encoding="utf-8")
    except (AttributeError, OSError, ValueError):  # no real stderr (an embedding host)
        return sys.__stderr__


@contextlib.contextmanager
def captured(path: Path | None) -> Iterator[TextIO | None]:
    """What libraries print (Dagster's console logger, dbt's lines) goes to the log file, and
    so does what their subprocesses print: fd 1 and 2 point at it while the job runs (Dagster's
    log tailers would otherwise print their KeyboardInterrupt on Ctrl-C to the terminal).
    They point at a pipe whose lines are written to the file with person ids hidden."""
    if path is None:
        yield None
        return
    with open(path, "a", encoding="utf-8", buffering=1) as f:
        sys.stdout.flush()
        sys.stderr.flush()
        read_end, write_end = os.pipe()
        pump = threading.Thread(target=_pump, args=(read_end, f), name="log-pump", daemon=True)
        pump.start()
        saved = [os.dup(fd) for fd in (1, 2)]
        writer = open(write_end, "w", encoding="utf-8", buffering=1)  # noqa: SIM115
        try:
            for fd in (1, 2):
                os.dup2(write_end, fd)
            with contextlib.redirect_stdout(writer), contextlib.redirect_stderr(writer):
                yield writer
        finally:
            writer.flush()
            for fd, copy in zip((1, 2), saved, strict=True):
                os.dup2(copy, fd)
                os.close(copy)
            writer.close()
            # the pipe ends when no process holds it open: a subprocess left running (it
            # would be a bug) keeps it open, and is not waited for longer than this
            pump.join(timeout=PUMP_DRAIN_SECONDS)


PUMP_DRAIN_SECONDS = 10


def _pump(read_end: int, out: TextIO) -> None:
    """Copy the pipe's lines to `out`, person ids hidden, until every writer has closed it.
    It never stops reading early: a full pipe would block whoever prints."""
    with open(read_end, encoding="utf-8", errors="replace", newline="") as lines:
        for line in lines:
            with contextlib.suppress(OSError, ValueError):  # `out` closed: drain regardless
                out.write(hide_person_ids(line))
