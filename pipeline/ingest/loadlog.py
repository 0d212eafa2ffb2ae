"""`raw._load_log`: one row per landing file loaded or quarantined, and what it replaced.

Staging reads only the rows of current batches (dbt macro `current_rows`): a corrected
re-delivery of a period is loaded beside the earlier one, which stops being current.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb

from pipeline.state import columns_of
from pipeline.suites import load_specs

DDL = """
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
    loaded_at timestamp not null,
    -- the file's size, modification and status-change times: a file whose three are as
    -- recorded is known without hashing it (discover)
    file_size bigint,
    file_mtime_ns bigint,
    file_ctime_ns bigint,
    -- the first day of the file's period when its suite holds every row within that period
    -- (SourceSpec.rows_within_period), else null: nothing before it can have changed
    rows_from date
)
"""
# The person register of the warehouse: each keyed hash of a CPR number (HMAC-SHA256, see
# pipeline/ingest/load.py) once, with the integer person_key that every raw table stores in
# its place. Integers, given in order of first load, make dbt's per-person windows and joins
# about twice as fast as the 32-character hash (issue 16). Only ingest writes this table; the
# hash never leaves raw, and no model reads it.
# Both columns are unique by the one insert that writes them (add_person_keys: distinct hashes
# not yet present, keys numbered on from the largest); no index enforces it. That holds while
# no two inserts overlap, which DuckDB alone does not promise (two connections of one process
# may append at once): ingest runs one suite after another on one connection, and one refresh
# at a time writes the warehouse (the refresh lock, and Dagster's warehouse pool of one).
# tests/test_ingest.py holds both columns unique over loads that add new persons beside known
# ones. The primary key's and the unique key's
# indexes cost 2.7 s of the 1.5 million persons' first load in `make bench SCALE=18.6`
# (insert 1.65 s and commit 1.11 s, against 0.7 s and 0.02 s without), and a warehouse made
# with them keeps them (create if not exists): they are right, only slower.
PERSON_KEYS_DDL = """
create table if not exists raw._person_keys (
    person_hash varchar not null,
    person_key bigint not null
)
"""
# Which pseudonym key made the warehouse's person keys: a fingerprint of it (an HMAC of a
# fixed text, pipeline/ingest/load.py), never the key. Ingest refuses another key.
PSEUDONYM_KEY_DDL = """
create table if not exists raw._pseudonym_key (
    fingerprint varchar not null,
    recorded_at timestamp not null
)
"""
COLUMNS = (
    "batch_id",
    "source",
    "entity",
    "raw_table",
    "source_file",
    "file_sha256",
    "delivery_key",
    "status",
    "is_current",
    "superseded_by",
    "n_rows",
    "message",
    "validation_path",
    "loaded_at",
    "file_size",
    "file_mtime_ns",
    "file_ctime_ns",
    "rows_from",
)

SQL_TYPES = {
    "string": "varchar",
    "cpr": "varchar",  # as read; stored as raw._person_keys.person_key (RAW_TYPES)
    "int": "bigint",
    "double": "double",
    "date": "date",
    "bool": "boolean",
}
RAW_TYPES = SQL_TYPES | {"cpr": "bigint"}
# A raw row's origin: its batch (the load log's row, with the file, its SHA-256, the
# delivery key and the time it was loaded) and its line or row in that file. The batch's
# other facts are the load log's, once per file, not repeated on every row: writing them on
# each of 30 M rows was half of the raw insert's time (10.8 s of it at SCALE=18.6).
LINEAGE = {
    "_row_number": "bigint",
    "_batch_id": "varchar",
}
# lineage columns of earlier warehouses, dropped by ensure_raw (the load log holds them)
FORMER_LINEAGE = ("_delivery_key", "_source_file", "_file_sha256", "_loaded_at")


def raw_column(name: str, kind: str) -> str:
    """A CPR column is stored only as its keyed hash's integer key: `cpr` -> `person_key`."""
    if kind != "cpr":
        return name
    return "person_key" if name == "cpr" else f"{name}_key"


def ensure_raw(con: duckdb.DuckDBPyConnection) -> None:
    """The load log and every raw table exist, even before their first delivery, so that
    dbt's sources resolve. Older load logs gain the file-stat columns and rows_from (null in
    earlier rows: loaded before the first build of the code that reads it, which, as a
    change of the dbt project, builds every model whole), and a raw table gains the columns
    its suite has added since (earlier rows hold null there), as the persons register did its
    gyldig_fra and gyldig_til; the lineage columns the load log now holds (FORMER_LINEAGE)
    are dropped. A person column that still holds the keyed hash (warehouses loaded before
    raw._person_keys) is given integer keys."""
    con.execute("create schema if not exists raw")
    con.execute(DDL)
    con.execute(PERSON_KEYS_DDL)
    con.execute(PSEUDONYM_KEY_DDL)
    con.execute("alter table raw._load_log add column if not exists file_size bigint")
    con.execute("alter table raw._load_log add column if not exists file_mtime_ns bigint")
    con.execute("alter table raw._load_log add column if not exists file_ctime_ns bigint")
    con.execute("alter table raw._load_log add column if not exists rows_from date")
    wanted = {
        spec.raw_table: {raw_column(c, k): RAW_TYPES[k] for c, k in spec.columns.items()} | LINEAGE
        for spec in load_specs()
    }
    for table, cols in wanted.items():
        ddl = ", ".join(f'"{c}" {t}' for c, t in cols.items())
        con.execute(f"create table if not exists raw.{table} ({ddl})")
    have = set(
        con.execute(
            "select table_name, column_name from information_schema.columns "
            "where table_catalog = current_database() and table_schema = 'raw'"
        ).fetchall()
    )
    for table, cols in wanted.items():
        for c, t in cols.items():
            if (table, c) not in have:
                con.execute(f'alter table raw.{table} add column "{c}" {t}')
        for c in FORMER_LINEAGE:
            if (table, c) in have:
                con.execute(f'alter table raw.{table} drop column "{c}"')
    person_columns = {
        (spec.raw_table, raw_column(c, "cpr"))
        for spec in load_specs()
        for c in spec.person_id_columns
    }
    hashed = con.execute(
        "select table_name, column_name from information_schema.columns "
        "where table_catalog = current_database() and table_schema = 'raw' "
        "and data_type = 'VARCHAR'"
    ).fetchall()
    hashed = [(t, c) for t, c in hashed if (t, c) in person_columns]
    if hashed:
        _integer_person_keys(con, sorted(hashed))


def _integer_person_keys(con: duckdb.DuckDBPyConnection, columns: list[tuple[str, str]]) -> None:
    """Replace the keyed hashes in the raw (table, column)s by their integer person_key, in
    one transaction; the hashes not yet in raw._person_keys get the next keys, all together
    in the order of the hashes."""
    con.execute("begin transaction")
    try:
        add_person_keys(con, " union ".join(f'select "{c}" from raw."{t}"' for t, c in columns))
        for table, column in columns:
            relation = f'raw."{table}"'
            con.execute(f'alter table {relation} rename column "{column}" to _person_hash')
            con.execute(f'alter table {relation} add column "{column}" bigint')
            con.execute(
                f'update {relation} set "{column}" = k.person_key from raw._person_keys as k '
                f"where k.person_hash = {relation}._person_hash"
            )
            con.execute(f"alter table {relation} drop column _person_hash")
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def add_person_keys(con: duckdb.DuckDBPyConnection, hashes_sql: str) -> None:
    """Give every keyed hash that `hashes_sql` selects and raw._person_keys lacks the next
    integer key, in the order of the hashes (so that a load's keys do not depend on the
    order of its rows)."""
    con.execute(
        f"""
        insert into raw._person_keys
        select person_hash,
            (select coalesce(max(person_key), 0) from raw._person_keys)
            + row_number() over (order by person_hash)
        from (
            select distinct h.person_hash
            from ({hashes_sql}) as h(person_hash)
            where h.person_hash is not null
                and h.person_hash not in (select person_hash from raw._person_keys)
        )
        """
    )


@dataclass(frozen=True)
class Load:
    """A file loaded before: its batch, when, into which table, and whether its delivery is
    still the current one of its key (a later correction supersedes it)."""

    batch_id: str
    loaded_at: datetime
    raw_table: str | None
    is_current: bool


@dataclass
class Known:
    # (source, file name, sha) -> its loads, newest first
    loads: dict[tuple[str, str, str], list[Load]]
    # (source, file, size, mtime, ctime) -> sha: files.stamp_of
    sha_by_stat: dict[tuple[str, str, int, int, int], str]
    # (source, file) of every name whose content, some version of it, is a current delivery
    current_names: set[tuple[str, str]]

    def current(self, source: str, file: str, sha: str) -> Load | None:
        """The load of this content under this name that is its period's current delivery
        (the newest such), if any."""
        return next((ld for ld in self.loads.get((source, file, sha), []) if ld.is_current), None)


def loaded_files(con: duckdb.DuckDBPyConnection) -> Known:
    """The loaded files. A load log from before the status-change time was kept (the plan
    reads it read-only, before an ingest's ensure_raw adds the column) knows no file's
    stamp: each is hashed, and the ingest records its stamp."""
    has_ctime = "file_ctime_ns" in columns_of(con, "raw", "_load_log")
    ctime = "file_ctime_ns" if has_ctime else "null::bigint"
    rows = con.execute(
        "select file_sha256, batch_id, loaded_at, raw_table, is_current, source, source_file, "
        f"file_size, file_mtime_ns, {ctime} from raw._load_log where status = 'loaded' "
        "order by loaded_at desc"
    ).fetchall()
    known = Known({}, {}, set())
    for sha, batch, at, table, current, source, file, *stamp in rows:
        known.loads.setdefault((source, file, sha), []).append(Load(batch, at, table, current))
        if current:
            known.current_names.add((source, file))
        if None not in stamp:
            known.sha_by_stat.setdefault((source, file, *stamp), sha)
    return known


def restamp(con: duckdb.DuckDBPyConnection, loads: list[tuple[str, str, int, int, int]]) -> None:
    """Record the stamp (files.stamp_of) a loaded file now has, as (batch, file, size, mtime,
    ctime): its content was hashed again and is the loaded one, so the next refresh knows it
    without hashing. Load logs from before the status-change time have none in their rows."""
    if loads:
        con.executemany(
            "update raw._load_log set file_size = ?, file_mtime_ns = ?, file_ctime_ns = ? "
            "where batch_id = ? and source_file = ? and status = 'loaded'",
            [(size, mtime, ctime, batch, file) for batch, file, size, mtime, ctime in loads],
        )


def exists(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the warehouse has a load log (a first ingest creates it: ensure_raw)."""
    [(found,)] = con.execute(
        "select count(*) from duckdb_tables() where schema_name = 'raw' "
        "and table_name = '_load_log'"
    ).fetchall()
    return bool(found)


def current_rows(con: duckdb.DuckDBPyConnection, raw_table: str) -> dict[str, int]:
    """Rows of each current delivery of a raw table, by delivery key ('' for none)."""
    return dict(
        con.execute(
            "select coalesce(delivery_key, ''), n_rows from raw._load_log where raw_table = ? "
            "and status = 'loaded' and is_current",
            [raw_table],
        ).fetchall()
    )


def insert(con: duckdb.DuckDBPyConnection, rows: list[dict]) -> None:
    """Load-log rows in one statement; a loaded file supersedes the current delivery of
    the same raw table and delivery key."""
    if not rows:
        return
    import pandas as pd

    frame = pd.DataFrame([{c: r.get(c) for c in COLUMNS} for r in rows], columns=list(COLUMNS))
    con.register("_new_log", frame)
    try:
        con.execute(
            """
            update raw._load_log as old set is_current = false, superseded_by = new.batch_id
            from _new_log as new
            where new.status = 'loaded' and new.is_current and old.status = 'loaded'
              and old.is_current and old.raw_table = new.raw_table
              and old.delivery_key is not distinct from new.delivery_key
            """
        )
        con.execute(
            f"insert into raw._load_log ({', '.join(COLUMNS)}) "
            f"select {', '.join(_typed(c) for c in COLUMNS)} from _new_log"
        )
    finally:
        con.unregister("_new_log")


def _typed(column: str) -> str:
    types = {
        "is_current": "boolean",
        "n_rows": "bigint",
        "loaded_at": "timestamp",
        "file_size": "bigint",
        "file_mtime_ns": "bigint",
        "file_ctime_ns": "bigint",
        "rows_from": "date",
    }
    return f"{column}::{types.get(column, 'varchar')}"
