"""Discover: the landing files of this refresh, which suite each belongs to, which are new.

A file is new unless the same file (its name, hence its delivery key, and its SHA-256) was
loaded before and is still the current delivery of its key. So a re-delivery that brings
back an earlier version after a correction is loaded again and replaces the correction, and
a copy of a loaded file under another name (another period) is examined as what its name
says, not skipped for its content. Its hash is computed once: a file still in landing with
the name, size, modification and status-change time it was loaded with (files.stamp_of) is
known without reading it again, so a refresh with nothing new reads no file. A loaded file
whose stamp changed while its content did not (a landing folder copied or moved) is hashed
once more, and the ingest's discovery records its new stamp.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from pipeline import periods
from pipeline.files import sha256_of, stamp_of
from pipeline.ingest import loadlog
from pipeline.ingest.problems import FileOutcome
from pipeline.privacy import hide_person_ids
from pipeline.suites import SourceSpec, load_specs, source_names, spec_for


def landing_files(
    landing_dir: Path, sources: list[str] | None = None, months: MonthFilter | None = None
) -> list[tuple[str, Path]]:
    """The deliveries in landing, as (source, path), in load order: every file in a source's
    folder except hidden ones and request sidecars (of the given sources and months)."""
    out = []
    folders = sorted(p for p in landing_dir.glob("*") if p.is_dir()) if landing_dir.exists() else []
    known = set(source_names())
    for src_dir in folders:
        # a folder no suite names holds stray files (stray_files): left where they are
        if src_dir.name not in known or (sources and src_dir.name not in sources):
            continue
        for f in sorted(src_dir.iterdir()):
            if (
                f.is_file()
                and not f.name.startswith(".")
                and not f.name.endswith(".request.json")
                and (months is None or months.wants(src_dir.name, f.name))
            ):
                out.append((src_dir.name, f))
    return out


def stray_files(landing_dir: Path) -> list[str]:
    """Files in landing that no source's folder holds, as paths under it: at its top (but
    the sample's marker), in a folder no suite names, or in a subfolder of a source's
    folder. No refresh loads them; `bkwh run` names them, and the plan does not count them
    as new (else every run would start a refresh for them)."""
    from pipeline.config import SAMPLE_MARKER

    if not landing_dir.exists():
        return []
    known = set(source_names())
    stray = []
    for entry in sorted(landing_dir.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_file():
            if entry.name != SAMPLE_MARKER:
                stray.append(entry.name)
            continue
        inside = (
            entry.rglob("*")
            if entry.name not in known
            else (f for sub in sorted(entry.iterdir()) if sub.is_dir() for f in sub.rglob("*"))
        )
        stray += sorted(
            str(f.relative_to(landing_dir))
            for f in inside
            if f.is_file() and not f.name.startswith(".")
        )
    return [hide_person_ids(rel) for rel in stray]  # said, never renamed: no source has them


def file_month(source: str, name: str) -> str | None:
    """The month a landing file is named for, as 'YYYY-MM' ('2024M03' and '2024-03' alike);
    None when the name matches no suite or names no month."""
    found = spec_for(source, name)
    return periods.month_of(found[1].groupdict().get("period")) if found else None


@dataclass(frozen=True)
class MonthFilter:
    """The files of some months: a partitioned run loads and validates only its months.

    A file named for a month outside every partition (before the first, or not yet begun),
    or for no month at all, is taken by every run, so that it is refused rather than left
    unread.
    """

    months: frozenset[str]
    known: frozenset[str]  # every partition's month

    def wants(self, source: str, name: str) -> bool:
        month = file_month(source, name)
        return month is None or month in self.months or month not in self.known


@dataclass
class Delivery:
    """A new landing file, matched to its suite."""

    source: str
    path: Path
    sha: str
    stamp: tuple[int, int, int]  # files.stamp_of, as discovery saw it
    spec: SourceSpec | None
    groups: dict[str, Any] = field(default_factory=dict)
    period: periods.Period | None = None
    unreadable_period: str | None = None  # the period in the name, when it cannot be parsed

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def size(self) -> int:
        return self.stamp[0]

    @property
    def table(self) -> str | None:
        """The table of a many-table source (Jobindsats, StatBank)."""
        return self.groups.get("table")

    @property
    def delivery_key(self) -> str | None:
        """What a re-delivery replaces: '<table>_<period>' or '<period>'."""
        parts = [self.groups[k] for k in ("table", "period") if self.groups.get(k)]
        return "_".join(parts) or None

    @property
    def stream(self) -> str:
        """Deliveries compared with each other for volume: one table's, or the suite's."""
        return self.table or ""


def discover(
    con: duckdb.DuckDBPyConnection,
    landing_dir: Path,
    sources: list[str] | None = None,
    months: MonthFilter | None = None,
    ingesting: bool = False,
) -> tuple[list[Delivery], list[FileOutcome]]:
    """The new deliveries to examine, and an outcome for each file loaded before.
    `ingesting`: the ingest's discovery renames a file whose name holds a CPR-shaped number
    (`without_person_ids`) and records the new stamp of a loaded file it had to hash again;
    the plan's only looks (a sensor's tick must not rename a file a running refresh may be
    reading), and says such a name by its shape."""
    known = loadlog.loaded_files(con)
    new, skipped, restamped = [], [], []
    for source, found in landing_files(landing_dir, sources, months):
        path = without_person_ids(found) if ingesting else found
        stamp = stamp_of(path)
        sha, load = _known_as(known, source, path, stamp, restamped)
        if load is not None:
            skipped.append(
                FileOutcome(
                    source,
                    path.name,
                    "skipped",
                    f"already loaded as batch {load.batch_id} at "
                    f"{load.loaded_at:%Y-%m-%d %H:%M}; nothing loaded again",
                    batch_id=load.batch_id,
                    raw_table=load.raw_table,
                )
            )
            continue
        new.append(delivery(source, path, sha, stamp))
    if ingesting:
        loadlog.restamp(con, restamped)
    return new, skipped


def restamp_loaded(con: duckdb.DuckDBPyConnection, landing_dir: Path) -> None:
    """Record the new stamp of every file in landing whose name has a current load and
    whose content is that load's, wherever its stamp changed (a landing folder copied, a
    load log from before the status-change time): a run of some months or sources sees only
    its own files, while the plan looks at every file and would hash these at every
    refresh. Files of names never loaded are not read, and nothing is renamed."""
    known = loadlog.loaded_files(con)
    restamped: list[tuple[str, str, int, int, int]] = []
    for source, path in landing_files(landing_dir):
        if (source, path.name) in known.current_names:  # never loaded under it: not read
            _known_as(known, source, path, stamp_of(path), restamped)
    loadlog.restamp(con, restamped)


def _known_as(
    known: loadlog.Known,
    source: str,
    path: Path,
    stamp: tuple[int, int, int],
    restamped: list[tuple[str, str, int, int, int]],
) -> tuple[str, loadlog.Load | None]:
    """The file's content hash (read only where its stamp is not known) and its current
    load, if any; a loaded file that had to be read is added to `restamped` with its stamp."""
    sha = known.sha_by_stat.get((source, path.name, *stamp))
    hashed = sha is None
    sha = sha or sha256_of(path)
    load = known.current(source, path.name, sha)
    if load is not None and hashed:
        restamped.append((load.batch_id, path.name, *stamp))
    return sha, load


def without_person_ids(path: Path) -> Path:
    """A landing file whose name holds a CPR-shaped number, renamed in landing to the name's
    shape (`meetings_xxxxxx-xxxx.csv`) before anything reads or records it: its name would
    otherwise reach the load log, the validation pages and the logs in clear. No suite's
    pattern matches a shape, so the file is then refused, and kept in quarantine under that
    name with its content as delivered. Any other file keeps its name."""
    shown = hide_person_ids(path.name)
    if shown == path.name:
        return path
    target, n = path.with_name(shown), 1
    while target.exists():  # two such files with one shape: both kept
        target = path.with_name(f"{Path(shown).stem}.{n}{Path(shown).suffix}")
        n += 1
    path.rename(target)
    return target


def delivery(source: str, path: Path, sha: str, stamp: tuple[int, int, int]) -> Delivery:
    """A landing file matched to its suite and the period its name gives."""
    found = spec_for(source, path.name, load_specs())
    if found is None:
        return Delivery(source, path, sha, stamp, None)
    spec, match = found
    groups = {k: v for k, v in match.groupdict().items() if v is not None}
    period, unreadable = None, None
    if groups.get("period"):
        try:
            period = periods.parse(groups["period"])
        except periods.PeriodError:
            unreadable = groups["period"]
    return Delivery(source, path, sha, stamp, spec, groups, period, unreadable)


def suites_of(source: str) -> list[str]:
    """The file-name patterns of a source's suites, for a message about an unknown name."""
    return [s.file_pattern.pattern for s in load_specs() if s.source == source]
