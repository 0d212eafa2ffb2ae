"""Fetch the benchmark extracts from Jobindsats (STAR) and StatBank (Danmarks Statistik).

Each fetch writes one file per period into `landing/<source>/`, in exactly the format the
sample generator writes (`pipeline.landing_formats`), so ingest, validation and dbt do not
know where a file came from; beside each file goes `<file>.request.json` with what was asked
(table, parameters, API version, URL without the key) and when. A failed fetch writes
nothing: the whole response is read and checked before the first file is renamed into place.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from pipeline import periods
from pipeline.config import extracts_config
from pipeline.fetch.http import FetchError, KeyRefused, NotPublished
from pipeline.files import write_atomic

__all__ = [
    "FetchError",
    "Fetched",
    "KeyRefused",
    "NotPublished",
    "expand_periods",
    "published_subset",
    "refuse_unasked",
    "table_config",
    "write_each_period",
    "write_periods",
    "write_sidecar",
]


@dataclass
class Fetched:
    source: str
    table: str
    files: list[Path] = field(default_factory=list)
    rows: int = 0
    # of `files`, those that held the same bytes already (a month asked again while the
    # source may still revise it, unrevised): left as they were, their sidecars too
    unchanged: list[Path] = field(default_factory=list)

    @property
    def said(self) -> str:
        """What was fetched, as the command and the extract job say it."""
        kept = f", {len(self.unchanged)} of them unchanged" if self.unchanged else ""
        return f"{self.source} {self.table}: {self.rows} rows into {len(self.files)} file(s){kept}"


def expand_periods(spec: str) -> list[str]:
    """'2024M01:2024M03' -> ['2024M01', '2024M02', '2024M03'] (also for 2024QMAT01:…,
    2024Q1:…, 2019:2024); a single id or a comma list stays as it is; Jobindsats' relative
    'latest:12' is passed on to the service as given."""
    spec = spec.strip()
    if spec.startswith("latest:"):
        return [spec]
    if ":" not in spec:
        return [p.strip() for p in spec.split(",") if p.strip()]
    first, last = (p.strip() for p in spec.split(":", 1))
    try:
        kinds = {periods.parse(first).kind, periods.parse(last).kind}
        if len(kinds) > 1 or "-" in first + last:
            raise periods.PeriodError("two kinds")
        return periods.expand(first, last)
    except periods.PeriodError as e:
        if "ends before it starts" in str(e):
            raise FetchError(f"period range {spec!r} ends before it starts") from None
        raise FetchError(
            f"period range {spec!r}: expected two periods of one kind, like 2024M01:2024M12, "
            "2024QMAT01:2024QMAT04, 2024Q1:2024Q4 or 2019:2024"
        ) from None


def refuse_unasked(where: str, came: set[str], asked: list[str]) -> None:
    """A FetchError where an answer (`where`: its request, or its table) holds periods that
    were not asked: written as files named for them, they would pass for deliveries of
    periods nobody asked for."""
    if unasked := sorted(came - set(asked)):
        raise FetchError(
            f"{where}: the answer holds periods that were not asked, {unasked} (asked "
            f"{sorted(asked)}); nothing was written"
        )


def published_subset(
    where: str,
    asked: list[str],
    published: list[str],
    published_only: bool = False,
    log: Callable[[str], None] | None = None,
) -> list[str]:
    """The periods of `asked` that the table (`where`: 'StatBank table AUP02') lists in its
    metadata as `published`. One it does not list is NotPublished, unless `published_only`
    and some are: those are asked, and the others said in the log (the monthly extract asks
    them again next month: extracts.months_to_ask)."""
    not_yet = [p for p in asked if p not in published]
    if not not_yet:
        return asked
    span = f"its periods run {min(published, default='-')} to {max(published, default='-')}"
    if published_only and len(not_yet) < len(asked):
        if log:
            log(f"{where}: not published yet {not_yet} ({span}), asked again next month")
        return [p for p in asked if p in published]
    raise NotPublished(
        f"{where} has not published {not_yet} ({span}); nothing was fetched or written"
    )


def write_sidecar(path: Path, request: dict) -> Path:
    """`<file>.request.json` beside a fetched file: what was asked, when, and the file's SHA."""
    sidecar = path.with_name(path.name + ".request.json")
    body = {
        **request,
        "file": path.name,
        "file_sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    write_atomic(sidecar, json.dumps(body, ensure_ascii=False, indent=2).encode("utf-8"))
    return sidecar


def table_config(source: str, table: str) -> dict:
    """The table's entry in extracts.yml, or a FetchError that lists the configured ones."""
    tables = extracts_config().get(source) or {}
    if table not in tables:
        known = ", ".join(sorted(tables))
        raise FetchError(f"table {table!r} is not in extracts.yml ({source}: {known})")
    return tables[table]


def write_periods(
    landing: Path,
    source: str,
    table: str,
    columns: list[str],
    rows: list[list[str]],
    asked: dict,
    *,
    wanted: list[str],
    period_column: str,
    write_table: Callable[[Path, str, str, pd.DataFrame], Path],
) -> Fetched:
    """Check the response holds the `wanted` columns and some rows, then write one landing
    file per value of `period_column` with `write_table`, and its sidecar."""
    missing = [c for c in wanted if c not in columns]
    if missing:
        raise FetchError(
            f"{asked['url']}: the response lacks the columns {missing} that extracts.yml names "
            f"for {table} (it has {columns}); nothing was written"
        )
    if not rows:
        raise FetchError(f"{asked['url']}: the response has no data rows; nothing was written")
    frame = pd.DataFrame(rows, columns=columns)
    parts = {
        str(period): part.reset_index(drop=True)
        for period, part in frame.groupby(period_column, sort=True)
    }
    return write_each_period(landing, source, table, parts, asked, write_table)


def write_each_period(
    landing: Path, source: str, table: str, parts: dict, asked: dict, write_table: Callable
) -> Fetched:
    """One landing file per period (`parts`: period -> its rows, as `write_table` takes them)
    and its sidecar, in period order; only called once the whole answer has been checked."""
    result = Fetched(source, table, rows=sum(len(p) for p in parts.values()))
    # the table's files as they are: one the writer left (it held the same bytes already,
    # files.write_if_changed) keeps its inode and modification time; a written one is new
    before = {p: _stamp(p) for p in (landing / source).glob(f"{table}_*")}
    for period in sorted(parts):
        path = write_table(landing, table, period, parts[period])
        result.files.append(path)
        sidecar = path.with_name(path.name + ".request.json")
        if before.get(path) == _stamp(path) and sidecar.exists():  # as last fetched: kept
            result.unchanged.append(path)
            continue
        write_sidecar(path, {**asked, "period": period, "rows": len(parts[period])})
    return result


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_ino, stat.st_mtime_ns
