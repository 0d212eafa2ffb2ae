"""Bad input (issue 4): each way a delivery can be wrong is refused with a message that names
the file and where, the file is kept in quarantine with its validation result, and none of
its rows reach raw."""

import json

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from test_ingest import _only
from test_privacy import fake_cpr

from pipeline.ingest import Ingestor

BOM = "\ufeff"


def _csv(path, edit, encoding="utf-8"):
    text = path.read_text(encoding="utf-8")
    path.write_bytes(edit(text).encode(encoding))


def _cell(text, line, column, value, sep=";"):
    """Set one cell: `line` is the file's line number (1 = header)."""
    lines = text.split("\n")
    parts = lines[line - 1].split(sep)
    parts[column] = value
    lines[line - 1] = sep.join(parts)
    return "\n".join(lines)


def _parquet_code(path):
    table = pq.read_table(path)
    codes = table.column("ydelse_code").to_pylist()
    codes[1] = "999"
    table = table.set_column(
        table.schema.get_field_index("ydelse_code"), "ydelse_code", pa.array(codes, pa.string())
    )
    pq.write_table(table, path)


# source, file, how to break it, raw table, what the message must say
CASES = {
    "missing column": (
        "case_system",
        "offers_2024-03.csv",
        lambda p: _csv(p, lambda t: "\n".join(";".join(r.split(";")[:-1]) for r in t.split("\n"))),
        "case_system_offers",
        "missing ['placement_created_date']",
    ),
    "extra column": (
        "case_system",
        "offers_2024-03.csv",
        lambda p: _csv(p, lambda t: "\n".join(r + ";x" if r else r for r in t.split("\n"))),
        "case_system_offers",
        "unexpected ['x']",
    ),
    "renamed column": (
        "case_system",
        "offers_2024-03.csv",
        lambda p: _csv(p, lambda t: t.replace("offer_type", "tilbudstype", 1)),
        "case_system_offers",
        "missing ['offer_type']",
    ),
    "empty file": (
        "case_system",
        "offers_2024-03.csv",
        lambda p: p.write_bytes(b""),
        "case_system_offers",
        "the file is empty",
    ),
    "header only": (
        "case_system",
        "offers_2024-03.csv",
        lambda p: _csv(p, lambda t: t.split("\n")[0] + "\n"),
        "case_system_offers",
        "no data rows",
    ),
    "truncated last line": (
        "case_system",
        "offers_2024-03.csv",
        lambda p: _csv(p, lambda t: t.rstrip("\n")[:-15]),
        "case_system_offers",
        "(a truncated or broken line?)",
    ),
    "duplicate natural key": (
        "case_system",
        "offers_2024-03.csv",
        lambda p: _csv(p, lambda t: t.rstrip("\n") + "\n" + t.split("\n")[1] + "\n"),
        "case_system_offers",
        "row 2, column 'offer_id'",
    ),
    "date outside the file's period": (
        "case_system",
        "offers_2024-03.csv",
        lambda p: _csv(p, lambda t: _cell(t, 2, 3, "2024-05-02")),
        "case_system_offers",
        "row 2, column 'start_date'",
    ),
    "wrong encoding (Latin-1)": (
        "statbank",
        "AUP02_2024M05.csv",
        lambda p: _csv(p, lambda t: t.removeprefix(BOM), encoding="latin-1"),
        "statbank_observations",
        "not valid UTF-8",
    ),
    "missing BOM": (
        "statbank",
        "AUP02_2024M05.csv",
        lambda p: _csv(p, lambda t: t.removeprefix(BOM)),
        "statbank_observations",
        "byte-order mark (BOM) is missing",
    ),
    "decimal point instead of comma": (
        "statbank",
        "AUP02_2024M05.csv",
        lambda p: _csv(p, lambda t: _cell(t, 2, 3, "2.7")),
        "statbank_observations",
        "row 2, column 'INDHOLD'",
    ),
    "percentage above 100": (
        "statbank",
        "AUP02_2024M05.csv",
        lambda p: _csv(p, lambda t: _cell(t, 2, 3, "101,5")),
        "statbank_observations",
        "row 2, column 'value'",
    ),
    "unknown municipality": (
        "statbank",
        "AUP02_2024M05.csv",
        lambda p: _csv(p, lambda t: _cell(t, 2, 0, "Atlantis")),
        "statbank_observations",
        "Atlantis",
    ),
    "negative count": (
        "jobindsats",
        "Y01A02_2024M05.csv",
        lambda p: _csv(p, lambda t: _cell(t, 2, 3, "-12,50")),
        "jobindsats_observations",
        "row 2",
    ),
    "unknown benefit code": (
        "benefit_register",
        "dream_2024M03.parquet",
        _parquet_code,
        "benefit_register_person_weeks",
        "row 2, column 'ydelse_code'",
    ),
    "CPR number where none belongs": (
        "case_system",
        "offers_2024-03.csv",
        lambda p: _csv(p, lambda t: _cell(t, 2, 2, fake_cpr("010203", "1234"))),
        "case_system_offers",
        "row 2, column 'offer_type'",
    ),
}


def _raw_rows(env, table) -> int:
    with duckdb.connect(str(env.settings.warehouse_path), read_only=True) as con:
        exists = con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'raw' and table_name = ?",
            [table],
        ).fetchone()[0]
        return con.execute(f"select count(*) from raw.{table}").fetchone()[0] if exists else 0


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_bad_delivery_is_refused_kept_and_explained(fresh, case):
    source, name, breaker, table, expected = CASES[case]
    _only(fresh, source, {name})
    path = fresh.settings.landing_dir / source / name
    breaker(path)

    [outcome] = Ingestor(fresh.settings).run()

    assert outcome.status == "quarantined", f"{case}: {outcome.message}"
    assert name in outcome.message and expected in outcome.message, outcome.message
    assert _raw_rows(fresh, table) == 0
    kept = fresh.settings.quarantine_dir / source / name
    assert kept.exists() and not path.exists()
    result = json.loads(kept.with_name(name + ".validation.json").read_text())
    assert result["success"] is False
