"""Ingest, start to end: discover → read → validate → load or quarantine → record.

Per suite, one batch: its new files are read together by DuckDB, validated together by
Great Expectations, and the files that passed are appended to the raw table in one insert,
with the load-log rows of the batch, in one transaction. A file that failed is moved
to quarantine with its validation result and loads nothing; the other files of its batch
load. A later delivery for the same period supersedes the earlier one (staging reads only
current batches); both stay in raw and in the log.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb

from pipeline import periods
from pipeline.config import Settings, local_today, pseudonym_key
from pipeline.failpoints import failpoint
from pipeline.files import stamp_of
from pipeline.ingest import load, loadlog
from pipeline.ingest.discover import (
    Delivery,
    MonthFilter,
    discover,
    restamp_loaded,
    suites_of,
)
from pipeline.ingest.problems import FileOutcome, Problem, problem_from_result
from pipeline.ingest.quarantine import (
    move_to_quarantine,
    quarantine_place,
    write_batch,
    write_refusal,
)
from pipeline.ingest.read import read, read_parquet, unreadable_parquet, without_values
from pipeline.ingest.validate import validate
from pipeline.privacy import SHOWN_BY_SHAPE, content_tag
from pipeline.suites import SourceSpec
from pipeline.validation import Validator
from pipeline.validation_pages import write_index

log = logging.getLogger(__name__)

# DuckDB's memory limit for ingest (and dbt's, profiles.yml): the refresh stays under 4 GB
MEMORY_LIMIT_ENV = "BKWH_DUCKDB_MEMORY_LIMIT"
DEFAULT_MEMORY_LIMIT = "2GB"


SHOWN_REFUSALS = 5  # refused files named with their problems in the progress log


def connect(settings: Settings) -> duckdb.DuckDBPyConnection:
    settings.warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(settings.warehouse_path))
    con.execute(f"set memory_limit = '{os.environ.get(MEMORY_LIMIT_ENV, DEFAULT_MEMORY_LIMIT)}'")
    return con


class Ingestor:
    def __init__(
        self,
        settings: Settings,
        validator: Validator | None = None,
        progress: Callable[[str], None] | None = None,
        today: date | None = None,
    ):
        self.settings = settings
        self.validator = validator or Validator()
        self.progress = progress or logging.getLogger("bkwh.progress").info
        # the day of validation (a period must have begun; a running one is judged to date):
        # the clock's, unless a caller fixes it
        self.today = today
        self._key: bytes | None = None

    @property
    def key(self) -> bytes:
        """The pseudonym key, as run() chose it for its new files (config.pseudonym_key)."""
        if self._key is None:
            raise RuntimeError("no pseudonym key before run() has seen the new files")
        return self._key

    def run(
        self, sources: list[str] | None = None, months: MonthFilter | None = None
    ) -> list[FileOutcome]:
        """Ingest every landing file not loaded before (of the given sources and months)."""
        with connect(self.settings) as con:
            loadlog.ensure_raw(con)
            new, outcomes = discover(
                con, self.settings.landing_dir, sources, months, ingesting=True
            )
            by_source: dict[str, list[Delivery]] = defaultdict(list)
            for d in new:
                by_source[d.source].append(d)
            if new:  # no key, no ingest: say so before anything is read
                self.validator.warm_up()
                person_files = [
                    (f"{d.source}/{d.name}", d.sha)
                    for d in new
                    if d.spec is not None and d.spec.person_id_columns
                ]
                self._key = pseudonym_key(
                    self.settings, person_files, lambda key: load.keyed_with(con, key)
                )
                if person_files:  # the key the warehouse's person keys were made with
                    load.check_key(con, self._key)
            for source, files in sorted(by_source.items()):
                t0 = time.perf_counter()
                done = self._ingest_source(con, source, files)
                outcomes += done
                self._report(source, done, time.perf_counter() - t0)
            if new:
                write_index(con, self.settings.log_dir / "validations")
            if sources is not None or months is not None:
                # the other loaded files' new stamps too (a landing folder copied, a load log
                # from before the status-change time): the plan looks at every file, and
                # would hash them at every refresh otherwise (helper-81)
                restamp_loaded(con, self.settings.landing_dir)
        return sorted(outcomes, key=lambda o: (o.source, o.file))

    def _report(self, source: str, done: list[FileOutcome], seconds: float) -> None:
        loaded = [o for o in done if o.status == "loaded"]
        refused = [o for o in done if o.status == "quarantined"]
        self.progress(
            f"{source}: {len(loaded)}/{len(done)} new files loaded, "
            f"{sum(o.rows for o in loaded):,} rows, {len(refused)} quarantined, {seconds:.1f} s"
        )
        # why, on the console too (file, row, column and reason; the whole result is in the
        # quarantine's .validation.json): a few files, each up to 5 problems
        for outcome in refused[:SHOWN_REFUSALS]:
            self.progress(f"  refused {outcome.file}: {outcome.message}")
        if len(refused) > SHOWN_REFUSALS:
            self.progress(f"  and {len(refused) - SHOWN_REFUSALS} more refused files")
        for outcome in done:
            if outcome.status == "skipped":
                self.progress(f"  {outcome.file}: {outcome.message}")

    def _ingest_source(
        self, con: duckdb.DuckDBPyConnection, source: str, files: list[Delivery]
    ) -> list[FileOutcome]:
        """Each suite's files read, validated and loaded as one batch; the files no suite
        takes are refused."""
        stamp = f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}"
        # loaded_at only grows, even if the clock went back: the incremental dbt models
        # take the batches loaded after their newest loaded_through as the new ones
        [(latest,)] = con.execute("select max(loaded_at) from raw._load_log").fetchall()
        now = datetime.now(UTC).replace(tzinfo=None)
        if latest is not None and now <= latest:
            now = latest + timedelta(microseconds=1)
        by_suite: dict[str, list[Delivery]] = defaultdict(list)
        unmatched: dict[str, Refused] = {}
        for d in files:
            problem = _unmatched(d)
            if problem:
                doc = write_refusal(self.settings, d, [problem], [], {})
                unmatched[d.name] = Refused(d, [problem], doc)
            else:
                by_suite[d.spec.name].append(d)
        rows: list[dict] = []
        left: list[FileOutcome] = []
        for suite in sorted(by_suite):
            loaded, refused = self._examine(con, by_suite[suite], stamp)
            # a file written to while it was read (a copy into landing still running, a
            # correction dropped over it) is neither loaded nor refused: what was validated
            # may not be what it holds, and a refusal would move a delivery still being
            # written to quarantine (helper-79). It is left for the next refresh.
            changed = {d.name for d in by_suite[suite] if _changed_since_found(d)}
            loaded = [x for x in loaded if x[0].name not in changed]
            for name in changed & set(refused):
                refused.pop(name).doc.unlink(missing_ok=True)  # no refusal: no result kept
            left += _left(
                [d for d in by_suite[suite] if d.name in changed],
                "changed while it was read (still being written?)",
            )
            try:
                rows += self._commit(con, by_suite[suite][0].spec, loaded, refused, stamp, now)
            except ChangedWhileLoading as e:  # rolled back: the whole batch waits
                for r in refused.values():
                    r.doc.unlink(missing_ok=True)
                left += _left(
                    [d for d in by_suite[suite] if d.name not in changed],
                    f"{e}: nothing of its batch loaded",
                )
        if unmatched:
            rows += self._commit(con, None, [], unmatched, stamp, now)
        return [_outcome(r) for r in rows] + left

    def _examine(
        self, con: duckdb.DuckDBPyConnection, files: list[Delivery], stamp: str
    ) -> tuple[list[tuple[Delivery, int, Path]], dict[str, Refused]]:
        """Read and validate one suite's new files: (passed, with rows and the batch's
        validation document; refused, with theirs). Nothing is written to the warehouse."""
        spec = files[0].spec
        # a file refused for some cells that the reader left its other rows of (`partly`):
        # they are validated too, by the value rules, so that its refusal names all its
        # problems
        current = loadlog.current_rows(con, spec.raw_table)
        read_problems, partly = read(con, spec, files, self.today or local_today(), current)
        readable = [d for d in files if d.name not in read_problems]
        failures, n_rows, rules, stats = {}, {}, [], {}

        def validated():
            return validate(
                con,
                self.validator,
                spec,
                readable,
                current,
                self.today or local_today(),
                [d for d in files if d.name in partly],
            )

        if readable or partly:
            try:
                outcome, n_rows = validated()
            except duckdb.Error as error:
                # a Parquet file whose rows cannot be read: refused alone, the others
                # validated without it (read.unreadable_parquet)
                unreadable = {}
                if spec.reader == "parquet":
                    unreadable = unreadable_parquet(con, spec, readable)
                if not unreadable:
                    # DuckDB's error without the value it quotes, which may be a person's
                    # id in bytes that are no UTF-8, not CPR-shaped to the log's masking
                    # (helper-119)
                    raise RuntimeError(
                        f"{spec.name}: the batch of {len(readable)} file(s) cannot be read: "
                        f"{without_values(error)[:300]}"
                    ) from None
                read_problems.update(unreadable)
                readable = [d for d in readable if d.name not in unreadable]
                read_parquet(con, spec, readable)
                outcome, n_rows = validated() if readable else (None, {})
            if outcome is not None:
                failures, rules, stats = outcome.failures, outcome.rules, outcome.statistics
        refused: dict[str, Refused] = {}
        for d in files:
            entries = failures.get(d.name, [])
            problems = read_problems.get(d.name, []) + [
                problem_from_result(d.name, e) for e in entries
            ]
            if problems:
                doc = write_refusal(self.settings, d, problems, entries, stats if entries else {})
                refused[d.name] = Refused(d, problems, doc)
        batch_doc = write_batch(
            self.settings,
            spec.source,
            spec.name,
            [
                {
                    "file": d.name,
                    "file_sha256": d.sha,
                    "rows": n_rows.get(d.name, 0),
                    "success": d.name not in refused,
                    "doc": str(refused[d.name].doc) if d.name in refused else None,
                }
                for d in files
            ],
            rules,
            stats,
            stamp,
        )
        passed = [d for d in readable if d.name not in refused]
        return [(d, n_rows.get(d.name, 0), batch_doc) for d in passed], refused

    def _commit(
        self,
        con: duckdb.DuckDBPyConnection,
        spec: SourceSpec | None,
        loaded: list[tuple[Delivery, int, Path]],
        refused: dict[str, Refused],
        stamp: str,
        now: datetime,
    ) -> list[dict]:
        """In one transaction: the keyed hashes, one insert into the raw table, one into the
        load log (the refused files' rows too); then the refused files go to quarantine.
        Returns the load-log rows."""
        rows = [_loaded_row(d, stamp, now, n, doc) for d, n, doc in loaded]
        places = {
            name: quarantine_place(self.settings, r.delivery, r.doc) for name, r in refused.items()
        }
        rows += [_refused_row(r, stamp, now, places[name]) for name, r in refused.items()]
        con.execute("begin transaction")
        try:
            if loaded:
                load.pseudonymise(con, spec, self.key, [d.name for d, _, _ in loaded])
                load.insert(con, spec, [(d.name, _batch_id(stamp, d)) for d, _, _ in loaded])
            loadlog.insert(con, rows)
            # the insert read the files again (a Parquet file is a view over its path): one
            # replaced since it was found loads rows other than those validated (helper-80)
            if moved := [d.name for d, _, _ in loaded if _changed_since_found(d)]:
                raise ChangedWhileLoading(moved)
            failpoint("ingest.before_commit")
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
        for name, r in refused.items():
            move_to_quarantine(r.delivery, places[name])
        return rows


class ChangedWhileLoading(RuntimeError):
    """A file of the batch changed between its validation and its load."""

    def __init__(self, names: list[str]):
        super().__init__(f"changed while it was loaded: {', '.join(names)}")


@dataclass
class Refused:
    delivery: Delivery
    problems: list[Problem]
    doc: Path  # its validation result


def _left(files: list[Delivery], why: str) -> list[FileOutcome]:
    """The outcomes of files neither loaded nor refused, left for the next refresh."""
    said = f"{why}: left in landing for the next refresh"
    return [FileOutcome(d.source, d.name, "skipped", said) for d in files]


def _changed_since_found(d: Delivery) -> bool:
    """Whether the file's stamp (files.stamp_of) is no longer what discovery saw (or it is
    gone)."""
    try:
        return stamp_of(d.path) != d.stamp
    except FileNotFoundError:
        return True


def _unmatched(d: Delivery) -> Problem | None:
    if d.spec is None:
        names = suites_of(d.source)
        # a name renamed to its shape (discover.without_person_ids) says why it is one
        shape = (
            " (renamed to its shape: the name held a CPR-shaped number)"
            if SHOWN_BY_SHAPE.search(d.name)
            else ""
        )
        return Problem(
            d.name,
            f"no suite in expectations/ matches this file name in landing/{d.source}/{shape}",
            expected=f"a name matching {names}" if names else "a known source folder",
        )
    if d.unreadable_period:
        return Problem(
            d.name,
            f"the period in the file name, {d.unreadable_period!r}, is not a period",
            expected=f"a period like {periods.FORMS}",
        )
    return None


def _batch_id(stamp: str, d: Delivery) -> str:
    """Unique per file of a refresh: two files of one source with the same bytes (two
    months' header-only exports, say) are two deliveries, each with its own batch.

    No part of it has the shape of a CPR number (privacy.CPR_SHAPED), which a scan of the
    warehouse for person ids would rightly flag (review, December 2026: '2004180714', a
    content hash's ten hex characters that were all digits): the content hash's part is
    written in the letters a-p (privacy.content_tag), and the stamp's microseconds
    follow a '.' (hour, minute and second read as a date)."""
    name = hashlib.sha256(d.name.encode()).hexdigest()[:6]
    return f"{stamp[:15]}.{stamp[15:]}_{content_tag(d.sha)}_{name}"


def _row(d: Delivery, stamp: str, now: datetime) -> dict:
    return {
        "batch_id": _batch_id(stamp, d),
        "source": d.source,
        "entity": d.spec.entity if d.spec else "?",
        "raw_table": d.spec.raw_table if d.spec else None,
        "source_file": d.name,
        "file_sha256": d.sha,
        "delivery_key": d.delivery_key,
        "loaded_at": now,
    }


def _loaded_row(d: Delivery, stamp: str, now: datetime, n: int, doc: Path) -> dict:
    return {
        **_row(d, stamp, now),
        "status": "loaded",
        "is_current": True,
        "n_rows": n,
        "message": "validated and loaded",
        "validation_path": str(doc),
        **dict(zip(("file_size", "file_mtime_ns", "file_ctime_ns"), d.stamp, strict=True)),
        "rows_from": (
            d.period.first_day.isoformat() if d.period and d.spec.rows_within_period else None
        ),
    }


def _refused_row(r: Refused, stamp: str, now: datetime, target: Path) -> dict:
    message = "; ".join(str(p) for p in r.problems[:5])
    if len(r.problems) > 5:
        message += f"; and {len(r.problems) - 5} more problems"
    return {
        **_row(r.delivery, stamp, now),
        "status": "quarantined",
        "is_current": False,
        "n_rows": 0,
        "message": message,
        "validation_path": str(target) + ".validation.json",
        "target": str(target),
    }


def _outcome(r: dict) -> FileOutcome:
    if r["status"] == "loaded":
        message = f"{r['n_rows']} rows into raw.{r['raw_table']}"
    else:
        message = f"moved to {r['target']}: {r['message']}"
    return FileOutcome(
        r["source"],
        r["source_file"],
        r["status"],
        message,
        rows=r["n_rows"],
        batch_id=r["batch_id"],
        raw_table=r["raw_table"],
    )
