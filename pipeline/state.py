"""What a publication and a dbt build were built from, so that a refresh does only what
is needed.

A publication records two fingerprints in `marts._publication`: of its inputs (the
deliveries of every raw table the last passing dbt build built the marts from) and of the
code that turned them into the marts and the report (the dbt project, the publish step, the
report). The report and the Parquet exports are stamped with the publication they were made
from. A refresh whose landing folder holds no new file, whose fingerprints match the
publication's and whose report and exports carry its stamp has nothing to do. A passing
`dbt build` records its inputs and the dbt project's fingerprint in `raw._dbt_builds`: when
they still match, a refresh only publishes and reports (after a publish or a report that did
not finish).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Collection
from pathlib import Path
from typing import NamedTuple

import duckdb

from pipeline.config import DBT_PROJECT_DIR, REPO_ROOT, local_zone
from pipeline.files import write_atomic

log = logging.getLogger(__name__)

DBT_CODE = [
    DBT_PROJECT_DIR / "dbt_project.yml",
    DBT_PROJECT_DIR / "profiles.yml",
    DBT_PROJECT_DIR / "models",
    DBT_PROJECT_DIR / "macros",
    DBT_PROJECT_DIR / "seeds",
    DBT_PROJECT_DIR / "tests",
    # the interval functions the models call (profiles.yml's plugin), the secondary
    # suppression the Python model int_indicator_suppression runs (and the frames it reads
    # its inputs as) and the projection fct_indicator_forecast runs: they shape the marts
    # too (the forecast was missing: a change of its method kept the stale projection
    # published, helper-114). Every pipeline module they import is here but
    # pipeline/config.py (the vars it reads are dbt_project.yml's): tests/test_redefinitions.py
    # walks their imports
    REPO_ROOT / "pipeline" / "stats.py",
    REPO_ROOT / "pipeline" / "dbt_plugin.py",
    REPO_ROOT / "pipeline" / "suppression.py",
    REPO_ROOT / "pipeline" / "programme.py",
    REPO_ROOT / "pipeline" / "frames.py",
    REPO_ROOT / "pipeline" / "forecast.py",
    REPO_ROOT / "pipeline" / "blas.py",
]
CODE = [
    *DBT_CODE,
    REPO_ROOT / "pipeline" / "publish.py",
    REPO_ROOT / "pipeline" / "definitions.py",  # the publication's definition fingerprints
    REPO_ROOT / "pipeline" / "report",
    # what the report prints numbers and its PDF with
    REPO_ROOT / "pipeline" / "danish.py",
    REPO_ROOT / "pipeline" / "pdf.py",
    REPO_ROOT / "reports" / "templates",
]
# what shapes the sample's files: the generator, the formats and numbers it writes, the
# periods and settings it uses, and the configuration and seeds it reads (extracts.yml's
# requests, seed age_groups' codes, the vars)
GENERATOR = [
    REPO_ROOT / "pipeline" / "sample",
    REPO_ROOT / "pipeline" / "landing_formats.py",
    REPO_ROOT / "pipeline" / "danish.py",
    REPO_ROOT / "pipeline" / "periods.py",
    REPO_ROOT / "pipeline" / "config.py",
    REPO_ROOT / "pipeline" / "files.py",
    REPO_ROOT / "extracts.yml",
    DBT_PROJECT_DIR / "dbt_project.yml",
    DBT_PROJECT_DIR / "seeds",
]
# the files of GENERATOR's folders that count (not an editor's backup or a stray file)
GENERATOR_SUFFIXES = (".py", ".csv", ".yml")
BUILDS_DDL = """
create table if not exists raw._dbt_builds (
    built_at timestamp not null,
    built_from_inputs varchar not null,
    built_from_dbt varchar not null,
    loaded_through timestamp  -- the newest load it saw (raw._load_log.loaded_at)
)
"""


def dbt_fingerprint() -> str:
    """SHA-256 over the dbt project's files."""
    return _fingerprint(DBT_CODE)


def code_fingerprint() -> str:
    """SHA-256 over the path and content of every file that shapes the marts and the report."""
    return _fingerprint(CODE)


def generator_fingerprint() -> str:
    """SHA-256 over what shapes a generated sample (GENERATOR): a world kept from a generator
    that has changed since (`make bench --keep-world`) no longer has the files it would write."""
    return _fingerprint(GENERATOR, GENERATOR_SUFFIXES)


def _fingerprint(roots: list[Path], suffixes: tuple[str, ...] | None = None) -> str:
    h = hashlib.sha256()
    for root in roots:
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        for path in files:
            if "__pycache__" in path.parts or not path.exists():
                continue
            if suffixes and path.suffix not in suffixes:
                continue
            h.update(path.relative_to(REPO_ROOT).as_posix().encode() + b"\0")
            h.update(path.read_bytes() + b"\0")
    return h.hexdigest()


def inputs_fingerprint(con: duckdb.DuckDBPyConnection, catalog: str | None = None) -> str:
    """SHA-256 over the batch ids staging reads (the current loaded deliveries)."""
    table = f"{catalog}.raw._load_log" if catalog else "raw._load_log"
    [(ids,)] = con.execute(
        f"select coalesce(string_agg(batch_id, ',' order by batch_id), '') from {table} "
        "where status = 'loaded' and is_current"
    ).fetchall()
    return hashlib.sha256(ids.encode()).hexdigest()


class Publication(NamedTuple):
    """What the publication in analytics.duckdb was made from, and when."""

    inputs: str | None  # the deliveries its marts were built from (None: not known)
    code: str
    published_at: str  # ISO 8601: what the report and the exports made from it are stamped with


def columns_of(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> set[str]:
    """The columns `schema.table` of the connection's database has (none where it does not
    exist): what a warehouse or publication made by earlier code lacks is read as absent."""
    return {
        name
        for (name,) in con.execute(
            "select column_name from duckdb_columns() where database_name = current_database() "
            "and schema_name = ? and table_name = ?",
            [schema, table],
        ).fetchall()
    }


def publication_of(analytics: Path) -> Publication | None:
    """The publication in `analytics`, or None when there is none (or none readable)."""
    if not analytics.exists():
        return None
    try:
        with duckdb.connect(str(analytics), read_only=True) as con:
            cols = columns_of(con, "marts", "_publication")
            if not {"built_from_inputs", "built_from_code", "published_at"} <= cols:
                return None
            row = con.execute(
                "select built_from_inputs, built_from_code, published_at from marts._publication"
            ).fetchone()
    except duckdb.Error as e:  # unreadable: what it holds is unknown, so publish again
        log.warning("the publication in %s cannot be read (%s): it is made again", analytics, e)
        return None
    return Publication(row[0], row[1], row[2].isoformat()) if row else None


# What the report and the Parquet exports were made from: a file in their folder holding the
# publication's published_at, written after everything else there. A refresh killed after
# the publication was swapped in, before they were all made again, leaves an older stamp (or
# none), and the next refresh makes them again instead of finding nothing to do.
def _stamp(folder: Path, what: str) -> Path:
    return folder / f".{what}.made_from_publication"


def stamp_made_from(folder: Path, what: str, published_at: str) -> None:
    """`what` ('report', 'exports') in `folder` was made from the publication of
    `published_at`."""
    write_atomic(_stamp(folder, what), published_at.encode())


def made_from(folder: Path, what: str) -> str | None:
    path = _stamp(folder, what)
    return path.read_text() if path.exists() else None


# A refresh's dbt build, from its start until it passed: dbt replaces a model before the tests
# under it run, so a build that failed (or died) leaves marts no passing build made. Publishing
# them is refused (pipeline/publish.py), and a refresh builds again rather than publish only
# (dbt_is_current), until a build passes (helper-69: the analytics asset materialised alone
# from the UI, or `bkwh publish`, after a failed build would have shipped them). dbt's own
# hooks record every dbt command alike, however it was started (macros/build_attempt.sql,
# which creates this table as ATTEMPT_DDL does): a `dbt build` by hand whose tests failed is
# not published either.
ATTEMPT_DDL = """
create table if not exists raw._dbt_attempt (started_at timestamp not null, passed boolean not null)
"""


def record_attempt(con: duckdb.DuckDBPyConnection) -> bool:
    """A refresh's dbt build starts: until finish_attempt, the marts are not a passing
    build's. Returns whether they were before it (no record: False)."""
    con.execute(ATTEMPT_DDL)
    before = con.execute("select bool_and(passed) from raw._dbt_attempt").fetchone()[0]
    con.execute("delete from raw._dbt_attempt")
    # the jobcentre's clock, as dbt's connection writes it (profiles.yml TimeZone; the hook in
    # macros/build_attempt.sql), not this machine's: the refusal names the time
    con.execute(
        "insert into raw._dbt_attempt values (timezone(?, now()), false)", [local_zone().key]
    )
    return bool(before)


def finish_attempt(con: duckdb.DuckDBPyConnection) -> None:
    """The refresh's dbt build passed, and the marts are a passing build's: it built all of
    the project, or its part on marts that were (a build of one source's part after a build
    that failed leaves the failed build's other models: helper-115)."""
    con.execute(ATTEMPT_DDL)
    con.execute("update raw._dbt_attempt set passed = true")


# What builds marts a dbt build left unpassed again, with nothing new to load: one phrase for
# the publish step's refusal and for a refresh that has nothing to do (pipeline/plan.py)
REBUILD_UNPASSED = "`bkwh run --month YYYY-MM`, or `dbt build` in dbt_project/"


def unfinished_build(con: duckdb.DuckDBPyConnection, catalog: str | None = None) -> str | None:
    """When the last dbt build a refresh started began, where it has not passed; None when
    it passed or none is recorded."""
    table = _raw_table(con, "_dbt_attempt", catalog)
    if table is None:
        return None
    row = con.execute(f"select started_at from {table} where not passed").fetchone()
    return f"{row[0]:%Y-%m-%d %H:%M:%S}" if row else None


def record_dbt_build(
    con: duckdb.DuckDBPyConnection, built: Collection[object], project: Collection[object]
) -> bool:
    """After a passing `dbt build`: what it was built from, when it built every asset of the
    `project` (`built`: the assets it selected). A build of one source's part (`bkwh run
    --source`) records nothing: the other models were not built by this code from these
    inputs. Returns whether it recorded."""
    if not set(built) >= set(project):
        return False
    record_build(con)
    return True


def record_build(con: duckdb.DuckDBPyConnection) -> None:
    """Record a passing `dbt build` of the whole project: its inputs, the dbt project's
    fingerprint and the newest load it saw."""
    con.execute(BUILDS_DDL)
    con.execute("alter table raw._dbt_builds add column if not exists loaded_through timestamp")
    con.execute(
        "insert into raw._dbt_builds select now()::timestamp, ?, ?, "
        "(select max(loaded_at) from raw._load_log where status = 'loaded')",
        [inputs_fingerprint(con), dbt_fingerprint()],
    )


def raw_tables_loaded_since_build(warehouse: Path) -> set[str] | None:
    """The raw tables with a load after the newest one the last passing dbt build saw, when
    that build ran the dbt project as it is now; None otherwise (no such build, or one that
    did not record what it saw): everything is to be built and tested."""
    if not warehouse.exists():
        return None
    with duckdb.connect(str(warehouse), read_only=True) as con:
        last = _last_build(con)
        if last is None or last[1] != dbt_fingerprint():
            return None
        if "loaded_through" not in columns_of(con, "raw", "_dbt_builds"):
            return None
        [(through,)] = con.execute(
            "select loaded_through from raw._dbt_builds order by built_at desc limit 1"
        ).fetchall()
        if through is None:
            return None
        return {
            table
            for (table,) in con.execute(
                "select distinct raw_table from raw._load_log "
                "where status = 'loaded' and loaded_at > ?",
                [through],
            ).fetchall()
        }


def _raw_table(con: duckdb.DuckDBPyConnection, name: str, catalog: str | None) -> str | None:
    """`raw.<name>` as a query names it (in `catalog`, where given), if the table exists."""
    has = con.execute(
        "select count(*) from duckdb_tables() where schema_name = 'raw' "
        "and table_name = ? and database_name = coalesce(?, current_database())",
        [name, catalog],
    ).fetchone()[0]
    if not has:
        return None
    return f"{catalog}.raw.{name}" if catalog else f"raw.{name}"


def _last_build(
    con: duckdb.DuckDBPyConnection, catalog: str | None = None
) -> tuple[str, str] | None:
    """(inputs, dbt project) fingerprints of the last recorded dbt build, if any."""
    table = _raw_table(con, "_dbt_builds", catalog)
    if table is None:
        return None
    return con.execute(
        f"select built_from_inputs, built_from_dbt from {table} order by built_at desc limit 1"
    ).fetchone()


def built_from_inputs(con: duckdb.DuckDBPyConnection, catalog: str | None = None) -> str | None:
    """The deliveries the marts were built from: the inputs of the last passing dbt build
    when it ran the dbt project as it is now; None when no such build is recorded (a build
    of one source's part, or dbt run by hand), so that the next refresh builds them again."""
    last = _last_build(con, catalog)
    return last[0] if last and last[1] == dbt_fingerprint() else None


def dbt_code_changed(warehouse: Path) -> bool:
    """The dbt project is not the one of the last passing dbt build (or none passed): its
    incremental models must be rebuilt whole, as the rows they keep may follow an earlier
    definition."""
    if not warehouse.exists():
        return True
    with duckdb.connect(str(warehouse), read_only=True) as con:
        last = _last_build(con)
    return last is None or last[1] != dbt_fingerprint()


def dbt_is_current(con: duckdb.DuckDBPyConnection, inputs: str) -> bool:
    """The last passing dbt build was built from the current deliveries (`inputs`: their
    inputs_fingerprint) and dbt project, and no build a refresh started since has failed."""
    return _last_build(con) == (inputs, dbt_fingerprint()) and unfinished_build(con) is None
