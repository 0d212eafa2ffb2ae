"""Landing -> validate -> raw: load each landing file not loaded before, or quarantine it.

For each file under `landing/<source>/`:
1. its SHA-256 is looked up in the load log: a file loaded before is skipped with a message;
2. it is parsed by its source's reader (errors name file, row and column);
3. its Great Expectations suite runs on the parsed rows;
4. a failing file is moved to `quarantine/<source>/` with `<file>.validation.json` beside it,
   and nothing of it is loaded;
5. a passing file has its person ids replaced by a keyed hash (HMAC-SHA256) and is appended
   to `raw.<source>_<entity>` with lineage columns, together with its load-log row, in one
   transaction. A later delivery for the same period supersedes the earlier one (the staging
   models read only current batches); both stay in raw and in the log.

The validation result of every file, passed or failed, is written as JSON and as a page a
person can read under `logs/validations/`, with `index.html` listing every file of the load
log. Besides its GX suite, a file is held against the previous delivery of the same stream
(volume rule in the suite's `meta.ingest.volume`), and a file named for a period that has not
begun is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import multiprocessing
import os
import re
import shutil
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from math import ceil, floor
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from pipeline.config import Settings, pseudonym_key
from pipeline.failpoints import failpoint
from pipeline.readers import Problem, read
from pipeline.suites import SourceSpec, load_specs, spec_for
from pipeline.validation import ValidationOutcome, Validator, period_parameters
from pipeline.validation_pages import write_index, write_validation_page

log = logging.getLogger(__name__)

SQL_TYPES = {
    "string": "varchar",
    "cpr": "varchar",
    "int": "bigint",
    "double": "double",
    "date": "date",
    "bool": "boolean",
}
PERSON_KEY_SUFFIX = "_key"  # a cpr column becomes <name>_key holding the keyed hash
LINEAGE = {
    "_row_number": "bigint",
    "_delivery_key": "varchar",
    "_batch_id": "varchar",
    "_source_file": "varchar",
    "_file_sha256": "varchar",
    "_loaded_at": "timestamp",
}
LOAD_LOG_DDL = """
create table if not exists raw._load_log (
    batch_id varchar primary key,
    source varchar not null,
    entity varchar not null,
    raw_table varchar,
    source_file varchar not null,
    file_sha256 varchar not null,
    delivery_key varchar,
    status varchar not null,      -- loaded | quarantined
    is_current boolean not null,  -- the delivery staging reads for this period
    superseded_by varchar,
    n_rows bigint,
    message varchar,
    validation_path varchar,
    loaded_at timestamp not null
)
"""


@dataclass
class FileOutcome:
    source: str
    file: str
    status: str  # loaded | skipped | quarantined
    message: str
    rows: int = 0
    batch_id: str | None = None
    raw_table: str | None = None  # None when no suite matched the file


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def raw_column(name: str, kind: str) -> str:
    """A CPR column is stored only as its keyed hash: `cpr` -> `person_key`."""
    if kind != "cpr":
        return name
    return "person_key" if name == "cpr" else f"{name}{PERSON_KEY_SUFFIX}"


def pseudonymise(values: pd.Series, key: bytes) -> pd.Series:
    """HMAC-SHA256 of each CPR, hex, first 32 characters; each distinct value hashed once."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    hashed = np.array(
        [hmac.new(key, u.encode(), hashlib.sha256).hexdigest()[:32] for u in uniques], dtype=object
    )
    out = np.where(codes >= 0, hashed[np.maximum(codes, 0)] if len(hashed) else None, None)
    return pd.Series(out, index=values.index, dtype="string")


def ensure_raw(con: duckdb.DuckDBPyConnection, spec: SourceSpec | None = None) -> None:
    con.execute("create schema if not exists raw")
    con.execute(LOAD_LOG_DDL)
    if spec is not None:
        cols = [f'"{raw_column(c, k)}" {SQL_TYPES[k]}' for c, k in spec.columns.items()]
        cols += [f"{c} {t}" for c, t in LINEAGE.items()]
        con.execute(f"create table if not exists raw.{spec.raw_table} ({', '.join(cols)})")


def create_all_raw_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Every raw table exists even before its first delivery, so dbt sources resolve."""
    for spec in load_specs():
        ensure_raw(con, spec)


def landing_files(
    landing_dir: Path, sources: list[str] | None = None, months: MonthFilter | None = None
) -> list[tuple[str, Path]]:
    """The deliveries in landing, as (source, path), in load order: every file in a source's
    folder except hidden ones and request sidecars (of the given sources and months)."""
    out = []
    folders = sorted(p for p in landing_dir.glob("*") if p.is_dir()) if landing_dir.exists() else []
    for src_dir in folders:
        if sources and src_dir.name not in sources:
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


class Ingestor:
    def __init__(self, settings: Settings, validator: Validator | None = None):
        self.settings = settings
        self.validator = validator or Validator()
        self._key: bytes | None = None

    @property
    def key(self) -> bytes:
        if self._key is None:
            self._key = pseudonym_key(self.settings)
        return self._key

    def run(
        self,
        sources: list[str] | None = None,
        workers: int | None = None,
        months: MonthFilter | None = None,
    ) -> list[FileOutcome]:
        """Ingest every landing file not loaded before (of the given months, if any).

        Parsing and validation (pure Python, GX-bound) run in a process pool; loading runs
        here, one file at a time, in landing order: DuckDB has one writer.
        """
        self.settings.warehouse_path.parent.mkdir(parents=True, exist_ok=True)
        outcomes: list[FileOutcome] = []
        with duckdb.connect(str(self.settings.warehouse_path)) as con:
            ensure_raw(con)
            create_all_raw_tables(con)
            todo = []
            for source, path in landing_files(self.settings.landing_dir, sources, months):
                sha = sha256_of(path)
                skipped = self._already_loaded(con, source, path, sha)
                if skipped:
                    outcomes.append(skipped)
                else:
                    todo.append((source, path, sha))
            _warm_workers(self.validator, len(todo))
            for examined in _map(examine, todo, workers):
                outcome = self.commit(con, examined)
                log.info(
                    "%s/%s: %s %s", outcome.source, outcome.file, outcome.status, outcome.message
                )
                outcomes.append(outcome)
            if todo:
                write_index(con, self.settings.log_dir / "validations")
        return outcomes

    @staticmethod
    def _already_loaded(con, source: str, path: Path, sha: str) -> FileOutcome | None:
        seen = con.execute(
            "select batch_id, loaded_at, raw_table from raw._load_log where file_sha256 = ? "
            "and status = 'loaded' order by loaded_at limit 1",
            [sha],
        ).fetchone()
        if not seen:
            return None
        return FileOutcome(
            source,
            path.name,
            "skipped",
            f"already loaded as batch {seen[0]} at {seen[1]:%Y-%m-%d %H:%M}; nothing loaded again",
            batch_id=seen[0],
            raw_table=seen[2],
        )

    def commit(self, con: duckdb.DuckDBPyConnection, ex: Examined) -> FileOutcome:
        """Load an examined file that passed, or quarantine one that did not."""
        batch_id = f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}_{ex.sha[:10]}"
        if not ex.problems and ex.spec.volume:
            check = volume_check(con, ex)
            ex.outcome.results.append(check)
            if not check["success"]:
                ex.outcome.success = False
                ex.problems.append(_problem_from_result(ex.path.name, check))
        if ex.problems:
            return self._quarantine(
                con,
                ex.source,
                ex.spec,
                ex.path,
                ex.sha,
                batch_id,
                ex.delivery_key,
                ex.problems,
                ex.outcome,
            )
        spec, frame = ex.spec, ex.frame
        validation_path = self._write_validation(
            ex.source, ex.path, ex.sha, spec, True, [], ex.outcome
        )
        for col in spec.person_id_columns:
            frame[col] = pseudonymise(frame[col], self.key)
        frame.insert(0, "_row_number", ex.lines)
        n = self._load(
            con, spec, frame, ex.path, ex.sha, batch_id, ex.delivery_key, validation_path
        )
        return FileOutcome(
            ex.source,
            ex.path.name,
            "loaded",
            f"{n} rows into raw.{spec.raw_table}",
            rows=n,
            batch_id=batch_id,
            raw_table=spec.raw_table,
        )

    def _load(
        self,
        con,
        spec: SourceSpec,
        frame: pd.DataFrame,
        path: Path,
        sha: str,
        batch_id: str,
        delivery_key: str | None,
        validation_path: Path,
    ) -> int:
        ensure_raw(con, spec)
        select = [f'"{c}"::{SQL_TYPES[k]} as "{raw_column(c, k)}"' for c, k in spec.columns.items()]
        now = datetime.now(UTC).replace(tzinfo=None)
        con.execute("begin transaction")
        try:
            con.register("incoming", frame)
            con.execute(
                f"insert into raw.{spec.raw_table} select {', '.join(select)}, "
                f"_row_number, ?, ?, ?, ?, ? from incoming",
                [delivery_key, batch_id, str(path.name), sha, now],
            )
            con.unregister("incoming")
            failpoint("ingest.before_commit")
            con.execute(
                "update raw._load_log set is_current = false, superseded_by = ? "
                "where raw_table = ? and delivery_key is not distinct from ? and is_current "
                "and status = 'loaded'",
                [batch_id, spec.raw_table, delivery_key],
            )
            con.execute(
                "insert into raw._load_log values (?, ?, ?, ?, ?, ?, ?, 'loaded', true, null, "
                "?, ?, ?, ?)",
                [
                    batch_id,
                    spec.source,
                    spec.entity,
                    spec.raw_table,
                    path.name,
                    sha,
                    delivery_key,
                    len(frame),
                    "validated and loaded",
                    str(validation_path),
                    now,
                ],
            )
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
        return len(frame)

    def _write_validation(
        self,
        source: str,
        path: Path,
        sha: str,
        spec: SourceSpec | None,
        success: bool,
        problems: list[Problem],
        outcome,
    ) -> Path:
        doc = {
            "file": path.name,
            "source": source,
            "suite": spec.name if spec else None,
            "file_sha256": sha,
            "validated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "success": success,
            "problems": [{**asdict(p), "text": str(p)} for p in problems],
            "expectations": outcome.results if outcome else [],
            "statistics": outcome.statistics if outcome else {},
        }
        out = self.settings.log_dir / "validations" / source / f"{path.name}.{sha[:10]}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(doc, indent=2, ensure_ascii=False), encoding="utf-8")
        write_validation_page(doc, out.with_suffix(".html"))
        return out

    def _quarantine(
        self,
        con,
        source: str,
        spec: SourceSpec | None,
        path: Path,
        sha: str,
        batch_id: str,
        delivery_key: str | None,
        problems: list[Problem],
        outcome,
    ) -> FileOutcome:
        validation_path = self._write_validation(source, path, sha, spec, False, problems, outcome)
        target_dir = self.settings.quarantine_dir / source
        target_dir.mkdir(parents=True, exist_ok=True)
        target = target_dir / path.name
        if target.exists():
            target = target_dir / f"{path.stem}.{sha[:10]}{path.suffix}"
        shutil.copy2(validation_path, target.with_name(target.name + ".validation.json"))
        shutil.copy2(
            validation_path.with_suffix(".html"), target.with_name(target.name + ".validation.html")
        )
        shutil.move(str(path), target)
        message = "; ".join(str(p) for p in problems[:5])
        if len(problems) > 5:
            message += f"; and {len(problems) - 5} more problems"
        con.execute(
            "insert into raw._load_log values (?, ?, ?, ?, ?, ?, ?, 'quarantined', false, null, "
            "0, ?, ?, ?)",
            [
                batch_id,
                source,
                spec.entity if spec else "?",
                spec.raw_table if spec else None,
                path.name,
                sha,
                delivery_key,
                message,
                str(target) + ".validation.json",
                datetime.now(UTC).replace(tzinfo=None),
            ],
        )
        return FileOutcome(
            source,
            path.name,
            "quarantined",
            f"moved to {target}: {message}",
            batch_id=batch_id,
            raw_table=spec.raw_table if spec else None,
        )


def file_month(source: str, name: str) -> str | None:
    """The month a landing file is named for, as 'YYYY-MM' ('2024M03' and '2024-03' alike);
    None when the name matches no suite or names no month."""
    found = spec_for(source, name)
    period = found[1].groupdict().get("period") if found else None
    m = re.fullmatch(r"(\d{4})(?:-|M)(\d{2})", period or "")
    return f"{m.group(1)}-{m.group(2)}" if m else None


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
class Examined:
    """A landing file parsed and validated, not yet loaded."""

    source: str
    path: Path
    sha: str
    spec: SourceSpec | None
    delivery_key: str | None  # what a re-delivery replaces: "<table>_<period>" or "<period>"
    stream: str | None  # the table of a many-table source; deliveries compared for volume
    frame: pd.DataFrame | None
    lines: list[int]
    problems: list[Problem]
    outcome: ValidationOutcome | None


_worker_validator: Validator | None = None


def examine(item: tuple[str, Path, str], validator: Validator | None = None) -> Examined:
    """Parse and validate one file; touches no database, so it can run in a worker."""
    global _worker_validator
    if validator is None:
        _worker_validator = _worker_validator or Validator()
        validator = _worker_validator
    source, path, sha = item
    found = spec_for(source, path.name, load_specs())
    if found is None:
        names = [s.file_pattern.pattern for s in load_specs() if s.source == source]
        problem = Problem(
            path.name,
            f"no suite in expectations/ matches this file name in landing/{source}/",
            expected=f"a name matching {names}" if names else "a known source folder",
        )
        return Examined(source, path, sha, None, None, None, None, [], [problem], None)
    spec, match = found
    groups = match.groupdict()
    # what a re-delivery replaces: the same table (long sources) for the same period
    delivery_key = "_".join(groups[k] for k in ("table", "period") if groups.get(k)) or None
    stream = groups.get("table")
    params = period_parameters(groups["period"]) if groups.get("period") else {}
    if params and params["period_start"].date() > date.today():
        problem = Problem(
            path.name,
            f"the file is named for period {groups['period']}, which has not begun "
            f"(it starts {params['period_start']:%Y-%m-%d}, today is {date.today():%Y-%m-%d})",
            expected="a delivery for a period that has started",
        )
        return Examined(source, path, sha, spec, delivery_key, stream, None, [], [problem], None)
    parsed = read(spec, path, groups)
    if not parsed.ok:
        return Examined(
            source, path, sha, spec, delivery_key, stream, None, [], parsed.problems, None
        )
    outcome = validator.validate(spec, parsed.frame, params, parsed.lines)
    problems = [_problem_from_result(path.name, r) for r in outcome.failures()]
    return Examined(
        source, path, sha, spec, delivery_key, stream, parsed.frame, parsed.lines, problems, outcome
    )


def volume_check(con: duckdb.DuckDBPyConnection, ex: Examined) -> dict:
    """The file's row count against what came before in its stream (source table).

    A re-delivery is compared with the current delivery it replaces. A new period is compared
    with the median of the last `previous_deliveries` current deliveries before it (a median,
    so one odd month, such as a first extract holding the backlog, neither trips the rule
    nor becomes the yardstick; and a refused file does not become it either). Returned in
    the shape of a GX result, so it is reported and kept with the suite's results.
    """
    rule = ex.spec.volume
    n = len(ex.frame)
    prefix = f"{ex.stream}_" if ex.stream else ""
    own = ex.delivery_key or ""
    want = int(rule["previous_deliveries"])
    # the stream's current deliveries up to this one, newest first
    recent = con.execute(
        "select coalesce(delivery_key, '') as key, n_rows from raw._load_log "
        "where raw_table = ? and status = 'loaded' and is_current "
        "and starts_with(coalesce(delivery_key, ''), ?) and coalesce(delivery_key, '') <= ? "
        "order by key desc limit ?",
        [ex.spec.raw_table, prefix, own, want],
    ).fetchall()
    entry = {
        "expectation": "volume_against_previous_deliveries",
        "column": None,
        "success": True,
        "unexpected_count": None,
        "unexpected_rows": [],
        "unexpected_values": [],
        "observed_value": n,
    }
    rule_text = ", ".join(f"{k}={v}" for k, v in rule.items())
    if recent and recent[0][0] == own:
        reference, against = recent[0][1], f"the delivery it replaces ({own})"
    elif len(recent) == want:
        reference = int(np.median([rows for _, rows in recent]))
        against = f"the median of the previous {want} deliveries ({recent[-1][0]}..{recent[0][0]})"
    else:
        entry["description"] = (
            f"volume: {len(recent)} previous deliveries, fewer than {want} to compare with "
            f"({rule_text})"
        )
        return entry
    if reference < rule["min_previous_rows"]:
        entry["description"] = (
            f"volume: {against} has {reference} rows, too few to compare ({rule_text})"
        )
        return entry
    low = ceil(reference * (1 - rule["max_drop"]))
    high = floor(reference * (1 + rule["max_jump"]))
    entry["success"] = low <= n <= high
    entry["description"] = (
        f"volume against {against}: {reference} rows, so between {low} and {high} ({rule_text})"
    )
    return entry


def _warm_workers(validator: Validator, n_items: int) -> None:
    """Build the GX context here, before forking, so workers inherit it instead of each
    importing Great Expectations again (several seconds apiece)."""
    global _worker_validator
    _worker_validator = validator
    if n_items:
        validator.warm()


def _map(fn, items: list, workers: int | None):
    """fn over items in order; in a fork-based process pool when there is enough work."""
    workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
    if workers <= 1 or len(items) < 4:
        yield from map(fn, items)
        return
    ctx = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        yield from pool.map(fn, items, chunksize=1)


def _problem_from_result(file: str, r: dict) -> Problem:
    rows = r.get("unexpected_rows") or []
    values = r.get("unexpected_values") or []
    msg = f"failed {r['description']}"
    if r.get("unexpected_count"):
        msg += f": {r['unexpected_count']} rows"
    if r.get("observed_value") is not None and not rows:
        msg += f"; observed {r['observed_value']}"
    if r.get("error"):
        msg += f"; error: {r['error']}"
    column = r.get("column")
    return Problem(
        file,
        msg,
        row=rows[0] if rows else None,
        column=column if isinstance(column, str) else None,
        value=", ".join(values[:5]) if values else None,
        expected=f"rows {rows[:10]} break it" if len(rows) > 1 else None,
    )
