"""What a publication and a dbt build were built from, so that a refresh does only what
is needed.

A publication records two fingerprints in `marts._publication`: of its inputs (the current
deliveries of every raw table, from the load log) and of the code that turned them into the
marts and the report (the dbt project, the publish step, the report). A refresh whose
landing folder holds no new file and whose fingerprints match the publication's has nothing
to do. A passing `dbt build` records its inputs and the dbt project's fingerprint in
`raw._dbt_builds`: when they still match, a refresh only publishes and reports (after a
publish or a report that did not finish).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Collection
from pathlib import Path

import duckdb

from pipeline.config import DBT_PROJECT_DIR, REPO_ROOT

log = logging.getLogger(__name__)

DBT_CODE = [
    DBT_PROJECT_DIR / "dbt_project.yml",
    DBT_PROJECT_DIR / "profiles.yml",
    DBT_PROJECT_DIR / "models",
    DBT_PROJECT_DIR / "macros",
    DBT_PROJECT_DIR / "seeds",
    DBT_PROJECT_DIR / "tests",
    # the interval functions the models call (profiles.yml's plugin) and the secondary
    # suppression the Python model int_indicator_suppression runs: they shape the marts too
    REPO_ROOT / "pipeline" / "stats.py",
    REPO_ROOT / "pipeline" / "dbt_plugin.py",
    REPO_ROOT / "pipeline" / "suppression.py",
]
CODE = [
    *DBT_CODE,
    REPO_ROOT / "pipeline" / "publish.py",
    REPO_ROOT / "pipeline" / "report",
    REPO_ROOT / "reports" / "templates",
]
BUILDS_DDL = """
create table if not exists raw._dbt_builds (
    built_at timestamp not null,
    built_from_inputs varchar not null,
    built_from_dbt varchar not null
)
"""


def dbt_fingerprint() -> str:
    """SHA-256 over the dbt project's files."""
    return _fingerprint(DBT_CODE)


def code_fingerprint() -> str:
    """SHA-256 over the path and content of every file that shapes the marts and the report."""
    return _fingerprint(CODE)


def _fingerprint(roots: list[Path]) -> str:
    h = hashlib.sha256()
    for root in roots:
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        for path in files:
            if "__pycache__" in path.parts or not path.exists():
                continue
            h.update(str(path.relative_to(REPO_ROOT)).encode() + b"\0")
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


def published_fingerprints(analytics: Path) -> tuple[str | None, str | None]:
    """(inputs, code) of the publication in `analytics`, or Nones when there is none."""
    if not analytics.exists():
        return None, None
    try:
        with duckdb.connect(str(analytics), read_only=True) as con:
            cols = {
                r[0]
                for r in con.execute(
                    "select column_name from duckdb_columns() where schema_name = 'marts' "
                    "and table_name = '_publication'"
                ).fetchall()
            }
            if not {"built_from_inputs", "built_from_code"} <= cols:
                return None, None
            row = con.execute(
                "select built_from_inputs, built_from_code from marts._publication"
            ).fetchone()
    except duckdb.Error as e:  # unreadable: what it holds is unknown, so publish again
        log.warning("the publication in %s cannot be read (%s): it is made again", analytics, e)
        return None, None
    return (row[0], row[1]) if row else (None, None)


def record_dbt_build(
    con: duckdb.DuckDBPyConnection, built: Collection[object], project: Collection[object]
) -> bool:
    """After a passing `dbt build`: what it was built from, when it built every asset of the
    `project` (`built`: the assets it selected). A build of one source's part (`bkwh run
    --source`) records nothing: the other models were not built by this code from these
    inputs. Returns whether it recorded."""
    if not set(built) >= set(project):
        return False
    con.execute(BUILDS_DDL)
    con.execute(
        "insert into raw._dbt_builds values (now()::timestamp, ?, ?)",
        [inputs_fingerprint(con), dbt_fingerprint()],
    )
    return True


def _last_build(con: duckdb.DuckDBPyConnection) -> tuple[str, str] | None:
    """(inputs, dbt project) fingerprints of the last recorded dbt build, if any."""
    has = con.execute(
        "select count(*) from duckdb_tables() where schema_name = 'raw' "
        "and table_name = '_dbt_builds'"
    ).fetchone()[0]
    if not has:
        return None
    return con.execute(
        "select built_from_inputs, built_from_dbt from raw._dbt_builds "
        "order by built_at desc limit 1"
    ).fetchone()


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
    inputs_fingerprint) and dbt project."""
    return _last_build(con) == (inputs, dbt_fingerprint())
