"""Load: the files that passed, into their raw table, in one set-based insert per table.

Person ids never reach the warehouse in clear: each distinct CPR number of the batch is
replaced, in DuckDB, by its keyed hash (HMAC-SHA256, hex, the first 32 characters) before
any row is inserted. The HMAC is built from SHA-256 as RFC 2104 defines it, so it equals
Python's `hmac.new(key, cpr, sha256)` (a test holds the two together). The raw tables store
the hash's integer person_key from raw._person_keys (pipeline/ingest/loadlog.py).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime

import duckdb

from pipeline.config import PseudonymKeyMismatch
from pipeline.ingest.loadlog import add_person_keys, raw_column
from pipeline.ingest.read import q
from pipeline.suites import SourceSpec

KEY_LENGTH = 32  # hex characters of the keyed hash kept


def hmac_pads(key: bytes) -> tuple[bytes, bytes]:
    """HMAC's inner and outer keys (RFC 2104) for SHA-256's 64-byte block."""
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    key = key.ljust(64, b"\0")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)


def keyed_hash_sql(value: str) -> str:
    """SQL for the keyed hash of a text column, with the pads bound as $ipad and $opad."""
    inner = f"unhex(sha256($ipad::blob || encode({value})))"
    return f"left(sha256($opad::blob || {inner}), {KEY_LENGTH})"


def key_fingerprint(key: bytes) -> str:
    """What tells two pseudonym keys apart without revealing either: the HMAC of a fixed
    text under the key."""
    return hmac.new(key, b"bkwh pseudonym key fingerprint", hashlib.sha256).hexdigest()[:16]


def keyed_with(con: duckdb.DuckDBPyConnection, key: bytes) -> bool:
    """Whether the warehouse's person keys were made with `key` (its recorded fingerprint)."""
    return con.execute(
        "select count(*) > 0 from raw._pseudonym_key where fingerprint = ?", [key_fingerprint(key)]
    ).fetchone()[0]


def check_key(con: duckdb.DuckDBPyConnection, key: bytes) -> None:
    """Refuse a key other than the one the warehouse's person keys were made with (its
    fingerprint in raw._pseudonym_key): under another key every person would get a second
    key, and each delivery would join no one, silently. The first key is recorded (in a
    warehouse loaded before the fingerprint was kept, the key of its next load)."""
    wanted = key_fingerprint(key)
    found = [f for (f,) in con.execute("select fingerprint from raw._pseudonym_key").fetchall()]
    if not found:
        con.execute("insert into raw._pseudonym_key values (?, ?)", [wanted, datetime.now(UTC)])
    elif wanted not in found:
        raise PseudonymKeyMismatch(
            "BKWH_PSEUDONYM_KEY is not the key this warehouse's person keys were made with "
            f"(fingerprint {wanted}, the warehouse's {found[0]}): every person would get a "
            "second key and no delivery would join the ones before it. Nothing was loaded. "
            "Set the key the jobcentre keeps for this warehouse, or load into a new warehouse."
        )


def pseudonymise(
    con: duckdb.DuckDBPyConnection, spec: SourceSpec, key: bytes, files: list[str]
) -> None:
    """`_batch_person_keys` (cpr, person_key): every distinct person id of the files
    `files` in `incoming` (those loaded: a refused file's persons get no key) with the
    integer key of its keyed hash; hashes new to the warehouse get the next keys."""
    cols = spec.person_id_columns
    distinct = " union ".join(
        f"select distinct {q(c)} as cpr from incoming where list_contains($files, _file)"
        for c in cols
    )
    ipad, opad = hmac_pads(key)
    con.execute(
        "create or replace temp table _batch_person_hashes as "
        f"select cpr, {keyed_hash_sql('cpr')} as person_hash "
        f"from ({distinct or 'select null::varchar as cpr where false'}) where cpr is not null",
        {"ipad": ipad, "opad": opad, **({"files": files} if distinct else {})},
    )
    add_person_keys(con, "select person_hash from _batch_person_hashes")
    con.execute(
        "create or replace temp table _batch_person_keys as "
        "select h.cpr, k.person_key from _batch_person_hashes as h "
        "join raw._person_keys as k using (person_hash)"
    )


def insert(con: duckdb.DuckDBPyConnection, spec: SourceSpec, files: list[tuple[str, str]]) -> None:
    """Append the rows of `files` ((name, batch id)) from `incoming` to the raw table, each
    with its batch and line (LINEAGE); the batch's file, checksum, delivery and time are its
    load-log row's."""
    con.execute("create or replace temp table _load_files (_file varchar, batch_id varchar)")
    con.executemany("insert into _load_files values (?, ?)", files)
    select, joins = [], []
    for i, (col, kind) in enumerate(spec.columns.items()):
        if kind == "cpr":
            joins.append(f"left join _batch_person_keys as k{i} on k{i}.cpr = i.{q(col)}")
            select.append(f"k{i}.person_key")
        else:
            select.append(f"i.{q(col)}")
    target = [q(raw_column(c, k)) for c, k in spec.columns.items()]
    con.execute(
        f"""
        insert into raw.{spec.raw_table} ({", ".join(target)}, _row_number, _batch_id)
        select {", ".join(select)}, i._line, f.batch_id
        from incoming as i
        join _load_files as f using (_file)
        {" ".join(joins)}
        """
    )
