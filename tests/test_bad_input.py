"""Bad input (issue 4): each way a delivery can be wrong is refused with a message that names
the file and where, the file is kept in quarantine with its validation result, none of its
rows reach raw, and the published analytics file is unchanged.

All broken deliveries arrive together in a copy of the built world (each case breaks its own
file), and the real refresh job runs once over them: every source's suite check fails, so dbt
and publish are skipped. One run instead of twenty keeps `make test` short; each case is still
its own test of what happened to its file.
"""

import json
import re

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import LAST_MONTH, LAST_PERIOD, copy_world, sha256, tables_checksum, use_root
from test_privacy import CPR, HASHES, _cpr_cells, fake_cpr

from pipeline.config import local_today
from pipeline.suites import spec_for

pytestmark = pytest.mark.seconds(12)  # ordering only (conftest.py)

BOM = "\ufeff"
TODAY = local_today()
FUTURE = f"{TODAY.year + 1}-01"  # a month that has not begun, as the case system names it
THIS_MONTH = f"{TODAY.year}M{TODAY.month:02d}"  # begun, not ended: no benchmark has it yet
_QUARTER = (TODAY.month - 1) // 3 + 1
# the quarter after this one, as StatBank names it: FOLK1A's residents on a day to come
NEXT_QUARTER = f"{TODAY.year}K{_QUARTER + 1}" if _QUARTER < 4 else f"{TODAY.year + 1}K1"


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


def _set_cell(line, column, value):
    """A breaker that sets one cell of a ';' CSV (`line` 1 is the header)."""
    return lambda path: _csv(path, lambda text: _cell(text, line, column, value))


def _json(edit):
    """A breaker that edits a Jobindsats v3 response (`{"columns", "rows"}`) in place."""

    def breaker(path):
        doc = json.loads(path.read_text(encoding="utf-8"))
        edit(doc)
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")

    return breaker


def _set_value(row, column, value):
    """Set one value of a v3 response: `row` 1 is the first of `rows` (ingest's line)."""
    return _json(lambda doc: doc["rows"][row - 1].__setitem__(column, value))


def _parquet_code(path):
    table = pq.read_table(path)
    codes = table.column("ydelse_code").to_pylist()
    codes[1] = "555"  # in no DREAM code list (seed ydelse_codes)
    table = table.set_column(
        table.schema.get_field_index("ydelse_code"), "ydelse_code", pa.array(codes, pa.string())
    )
    pq.write_table(table, path)


def _parquet_unsigned(path):
    """aar_uge as an unsigned 64-bit column: a value beyond BIGINT would fail the load's cast
    naming no file, so the type itself is refused, from the footer."""
    table = pq.read_table(path)
    weeks = table.column("aar_uge").cast(pa.uint64())
    index = table.schema.get_field_index("aar_uge")
    pq.write_table(table.set_column(index, "aar_uge", weeks), path)


def _parquet_not_utf8(path):
    """The second row's ydelse_code as two bytes that are no UTF-8, in a column the footer
    calls a string: only reading the rows finds it."""
    table = pq.read_table(path)
    codes = [c.encode() for c in table.column("ydelse_code").to_pylist()]
    codes[1] = b"\xff\xfe"
    index = table.schema.get_field_index("ydelse_code")
    column = pa.array(codes, pa.binary()).view(pa.string())
    pq.write_table(table.set_column(index, "ydelse_code", column), path)


def _parquet_not_utf8_unseen_by_statistics(path):
    """The second row's ydelse_code as bytes that are no UTF-8, between the column's least
    and greatest value: the footer's statistics are whole and valid, so a min or max DuckDB
    answers from them reads no page (helper-119: the per-file look for what cannot be read
    asked min(), found nothing, and the batch's error, quoting the value, stopped ingest)."""
    table = pq.read_table(path)
    codes = table.column("ydelse_code").to_pylist()
    codes[1] = "7\u00e6\u00e6"  # '7ææ', between '111' and '890', as bytes 37 c3 a6 c3 a6
    index = table.schema.get_field_index("ydelse_code")
    table = table.set_column(index, "ydelse_code", pa.array(codes, pa.string()))
    pq.write_table(table, path, compression="NONE", use_dictionary=False)
    data = path.read_bytes()
    assert data.count("7\u00e6\u00e6".encode()) == 1  # in its page, not in the statistics
    path.write_bytes(data.replace("7\u00e6\u00e6".encode(), b"7\xff\xfe\xc3\xa6"))


def _short_line_in_crlf(path, line: int):
    """Line `line` (1 = header) of a file whose lines end in CRLF, its last field cut off,
    as a download cut at a line's end leaves it; the bytes edited, the CRLF kept."""
    lines = path.read_bytes().split(b"\n")
    assert lines[line - 1].endswith(b"\r")  # StatBank's files end their lines in CRLF
    lines[line - 1] = lines[line - 1][:-1].rsplit(b";", 1)[0] + b"\r"
    path.write_bytes(b"\n".join(lines))


def _first_key(path, other: str) -> str:
    """The first data row's first cell of another file of `path`'s folder (its id)."""
    return (path.parent / other).read_text(encoding="utf-8").split("\n")[1].split(";")[0]


def _in_other_digits(text: str) -> str:
    """Digits written in Arabic-Indic script (a CPR number pasted from another system)."""
    return text.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))


def _parquet_week(path):
    """The second row holds the last week of the month before: its Thursday is outside the
    file's month."""
    table = pq.read_table(path)
    weeks = table.column("aar_uge").to_pylist()
    weeks[1] = min(weeks) - 1
    table = table.set_column(
        table.schema.get_field_index("aar_uge"), "aar_uge", pa.array(weeks, pa.int32())
    )
    pq.write_table(table, path)


# file (under its source), how to break it, what the message must say (each of several)
CASES = {
    "missing column": (
        "case_system/offers_2024-01.csv",
        lambda p: _csv(p, lambda t: "\n".join(";".join(r.split(";")[:-1]) for r in t.split("\n"))),
        "missing ['placement_created_date']",
    ),
    # (said as "in another order", naming no column; helper-94)
    "a column named twice": (
        "case_system/company_cooperation_2024-06.csv",
        # a fifth column, contact_date again, after the four the suite names
        lambda p: _csv(
            p,
            lambda t: "\n".join(
                r + (";contact_date" if n == 0 else ";2024-06-03") if r else r
                for n, r in enumerate(t.split("\n"))
            ),
        ),
        ("row 1, column 'contact_date'", "more than once ['contact_date']"),
    ),
    "extra column": (
        "case_system/offers_2024-02.csv",
        lambda p: _csv(p, lambda t: "\n".join(r + ";x" if r else r for r in t.split("\n"))),
        "unexpected ['x']",
    ),
    "renamed column": (
        "case_system/offers_2024-03.csv",
        lambda p: _csv(p, lambda t: t.replace("offer_type", "tilbudstype", 1)),
        ("row 1, column 'tilbudstype'", "missing ['offer_type']"),
    ),
    "wrong type": (
        "case_system/offers_2024-04.csv",
        _set_cell(3, 3, "03-04-2024"),
        "row 3, column 'start_date': value is not of type date (found '03-04-2024')",
    ),
    # the row whose cell has the wrong type is left out, and the others are validated: one
    # refusal names both problems, not the type now and the value at the next delivery
    "a wrong type and a wrong value": (
        "case_system/offers_2024-11.csv",
        lambda p: (_set_cell(3, 3, "03-04-2024")(p), _set_cell(2, 2, "ukendt tilbud")(p)),
        (
            "row 3, column 'start_date': value is not of type date (found '03-04-2024')",
            "row 2, column 'offer_type'",
        ),
    ),
    "empty file": (
        "case_system/offers_2024-05.csv",
        lambda p: p.write_bytes(b""),
        "the file is empty",
    ),
    "header only": (
        "case_system/offers_2024-06.csv",
        lambda p: _csv(p, lambda t: t.split("\n")[0] + "\n"),
        "no data rows",
    ),
    "truncated last line": (
        "case_system/offers_2024-07.csv",
        lambda p: _csv(p, lambda t: t.rstrip("\n")[:-15]),
        # the file's last line, by its number (a callable: of the file as refused)
        (
            lambda kept: f"row {len(kept.read_text().splitlines())}: ",
            "(a truncated or broken line?)",
        ),
    ),
    "duplicate natural key": (
        "case_system/offers_2024-08.csv",
        lambda p: _csv(p, lambda t: t.rstrip("\n") + "\n" + t.split("\n")[1] + "\n"),
        "row 2, column 'offer_id'",
    ),
    "date outside the file's period": (
        "case_system/offers_2024-09.csv",
        _set_cell(2, 3, "2024-11-02"),
        "row 2, column 'start_date'",
    ),
    "CPR number where none belongs": (
        "case_system/offers_2024-10.csv",
        _set_cell(2, 2, fake_cpr("010203", "1234")),
        "row 2, column 'offer_type'",
    ),
    "CPR number in a benchmark's dimension cell": (
        "jobindsats/y25i09_2024M08.json",
        _set_value(2, 3, fake_cpr("010203", "1234")),  # the A-kasse cell: no rule of values
        (
            "row 2, column 'A-kasse'",
            "holds a number shaped like a CPR number",
            '"_akassebl": "xxxxxx-xxxx"',
        ),
    ),
    "CPR number with an en dash in a StatBank dimension": (
        "statbank/FOLK1A_2024K4.csv",  # as pasted from a letter (helper-61's probe)
        _set_cell(2, 1, fake_cpr("010203", "1234").replace("-", "\u2013")),
        ("row 2, column 'ALDER'", "holds a number shaped like a CPR number", "xxxxxx\u2013xxxx"),
    ),
    "malformed CPR number": (
        "case_system/meetings_2024-11.csv",
        _set_cell(2, 1, fake_cpr("010203", "12345")),  # a digit too many: no CPR pattern's
        ("row 2, column 'cpr'", "xxxxxx-xxxxx"),
    ),
    # the first data line where the header belongs: its CPR number is shown by its shape
    "header line missing": (
        "case_system/meetings_2024-03.csv",
        lambda p: _csv(p, lambda t: t.split("\n", 1)[1]),
        ("row 1, column '", "the columns do not match", "xxxxxx-xxxx"),
    ),
    # Python's csv module stopped the whole run on these, naming no file (helper-70)
    "lines ending in CR alone": (
        "case_system/meetings_2024-04.csv",
        lambda p: _csv(p, lambda t: t.replace("\n", "\r")),
        "the file cannot be read as CSV",
    ),
    # DuckDB's reader stopped the whole scan on this one ("invalid state"), naming no file
    "a bare CR inside an unquoted field": (
        "case_system/meetings_2024-05.csv",
        _set_cell(2, 4, "job\rcenter"),
        ("row 2: the file cannot be parsed: line 2 holds a CR (carriage return) that does not end"),
    ),
    # DuckDB says only "invalid state": the line is found and said (helper-94)
    "lines ending in LF and in CRLF": (
        "case_system/meetings_2024-09.csv",
        lambda p: _csv(p, lambda t: t.replace("\n", "\r\n", 2).replace("\r\n", "\n", 1)),
        "row 2: the file cannot be parsed: line 2 ends in CRLF where line 1 ends in LF",
    ),
    "CPR-shaped number in a whole-number column": (
        "case_system/meetings_2024-06.csv",
        _set_cell(2, 0, fake_cpr("010203", "1234").replace("-", "")),
        ("row 2, column 'meeting_id'", "shaped like a CPR number", "xxxxxxxxxx"),
    ),
    "CPR number in another script's digits": (
        "case_system/meetings_2024-07.csv",
        _set_cell(2, 1, _in_other_digits(fake_cpr("010203", "1234"))),
        ("row 2, column 'cpr'", "xxxxxx-xxxx"),
    ),
    # a second key for the same person, had the newline passed (Python's $ allows one)
    "CPR number with a newline inside its quotes": (
        "case_system/meetings_2024-08.csv",
        _set_cell(2, 1, '"' + fake_cpr("010203", "1234") + '\n"'),
        ("row 2, column 'cpr'", "xxxxxx-xxxx"),
    ),
    "an application year that is not the file's": (
        "registers/eud_applications_2024.csv",
        _set_cell(2, 1, "2023"),
        ("row 2, column 'application_year'", "names another year than the one the file"),
    ),
    "unsigned 64-bit whole numbers": (
        "benefit_register/dream_2024M05.parquet",
        _parquet_unsigned,
        ("column 'aar_uge'", "column has type uint64"),
    ),
    "wrong encoding (Latin-1)": (
        "statbank/AUP02_2024M05.csv",
        lambda p: _csv(p, lambda t: t.removeprefix(BOM), encoding="latin-1"),
        "row 1: not valid UTF-8",  # the header's OMRÅDE is the first byte not UTF-8
    ),
    "decimal point instead of comma": (
        "statbank/AUP02_2024M07.csv",
        _set_cell(2, 3, "2.7"),
        "row 2, column 'INDHOLD'",
    ),
    "percentage above 100": (
        "statbank/AUP02_2024M08.csv",
        _set_cell(2, 3, "101,5"),
        ("row 2, column 'INDHOLD'", "(found '101,5')"),  # as the file has them
    ),
    "unknown municipality": (
        "statbank/AUP02_2024M09.csv",
        _set_cell(2, 0, "Atlantis"),
        ("row 2, column 'OMRÅDE'", "(found 'Atlantis')"),
    ),
    "a landsdel's code (StatBank's '*' brings them; the warehouse asks known areas)": (
        "statbank/AUP03_2024M10.csv",
        _set_cell(2, 0, "01"),
        ("row 2, column 'OMRÅDE'", "'01'"),
    ),
    "negative count": (
        "jobindsats/y07a02_2024M05.json",
        _set_value(2, 3, -12),
        ("row 2, column 'Antal fuldtidspersoner'", "(found '-12')"),
    ),
    "Danish number string where a JSON number belongs": (
        "jobindsats/y07a02_2024M06.json",
        _set_value(2, 3, "1.234"),
        "row 2, column 'Antal fuldtidspersoner'",
    ),
    "NaN where a JSON number belongs": (
        "jobindsats/y07a02_2024M07.json",
        _set_value(2, 3, float("nan")),  # json.dumps writes NaN, as DuckDB's reader takes it
        ("row 2, column 'Antal fuldtidspersoner'", "NaN is not a JSON number"),
    ),
    "period in the row outside the file's name": (
        "jobindsats/y08a02_2024M06.json",
        _json(lambda doc: [doc["rows"][i].__setitem__(0, "2024M07") for i in (1, 2)]),
        # as the response names it; rows, not cells (a row holds a cell of each measure)
        ("row 2, column 'Periode'", "in 2 rows", "rows 2, 3 break it"),
    ),
    "period in the future": (
        f"case_system/offers_{FUTURE}.csv",
        # the last month's export less its last row (other bytes than the file loaded)
        lambda p: p.write_text(
            p.with_name(f"offers_{LAST_MONTH}.csv").read_text().rstrip("\n").rsplit("\n", 1)[0]
            + "\n"
        ),
        f"named for period {FUTURE}, which has not begun",
    ),
    "benchmark of the month still running": (
        f"jobindsats/y08a02_{THIS_MONTH}.json",
        lambda p: p.write_text(
            p.with_name(f"y08a02_{LAST_PERIOD}.json").read_text().replace(LAST_PERIOD, THIS_MONTH)
        ),
        f"named for period {THIS_MONTH}, which has not ended",
    ),
    "stock of a day still to come": (
        f"statbank/FOLK1A_{NEXT_QUARTER}.csv",
        lambda p: p.write_text(
            p.with_name("FOLK1A_2025K3.csv").read_text().replace("2025K3", NEXT_QUARTER)
        ),
        f"named for period {NEXT_QUARTER}, whose figures are of a day that has not passed",
    ),
    "empty Jobindsats response for a period not delivered before": (
        "jobindsats/y60a02_2024M02.json",  # y60a02 begins in 2025M07: no volume to judge by
        lambda p: p.write_bytes(b""),
        "the file is empty",
    ),
    "fraction in a count of persons (Jobindsats)": (
        "jobindsats/y25i09_2024M10.json",
        _set_value(2, 5, 1.125),  # 'Antal langtidsledige personer'
        (
            "row 2, column 'Antal langtidsledige personer'",
            "is not a whole number of persons (found '1.125')",
        ),
    ),
    "fraction in a count of persons (StatBank)": (
        "statbank/FOLK1A_2024K3.csv",
        _set_cell(2, 3, "1234,5"),
        ("row 2, column 'INDHOLD'", "is not a whole number of persons (found '1234,5')"),
    ),
    "truncated Jobindsats response": (
        "jobindsats/y09a02_2024M09.json",
        lambda p: p.write_bytes(p.read_bytes()[: p.stat().st_size // 2]),
        # named as the file, not by the landing path it has left for quarantine
        ("not a Jobindsats v3 JSON response", "Malformed JSON in file y09a02_2024M09.json,"),
    ),
    "volume drop against the previous delivery": (
        "jobindsats/y09a02_2024M07.json",
        _json(lambda doc: doc.__setitem__("rows", doc["rows"][: len(doc["rows"]) // 3])),
        "failed volume against the delivery it replaces (y09a02_2024M07)",
    ),
    "unknown benefit code": (
        "benefit_register/dream_2024M03.parquet",
        _parquet_code,
        ("row 2, column 'ydelse_code'", "(found '555')"),
    ),
    "a whole number beyond the 64-bit range": (
        "case_system/self_booking_deadlines_2024-02.csv",
        _set_cell(2, 4, "99999999999999999999"),  # meeting_id: may be empty, not this
        ("row 2, column 'meeting_id': value is not of type int", "99999999999999999999"),
    ),
    # the batch's scan stopped at it with DuckDB's error, and the whole ingest with it
    # (helper-94); it is refused alone, and the other files of its batch are validated
    "a string that is not UTF-8 in a Parquet file": (
        "benefit_register/dream_2024M06.parquet",
        _parquet_not_utf8,
        # the value itself is not quoted: it could be a person's id (helper-95)
        (
            "dream_2024M06.parquet, column 'ydelse_code': values that cannot be read",
            "a value is not valid UTF8",
        ),
    ),
    # the refused line came with its CR, and counting its fields stopped the whole ingest,
    # naming nothing (helper-119)
    "a short line in a file whose lines end in CRLF": (
        "statbank/AUP02_2024M06.csv",
        lambda p: _short_line_in_crlf(p, 6),
        ("row 6: the line has 3 fields, the header 4", "(a truncated or broken line?)"),
    ),
    "a string that is not UTF-8 where the Parquet statistics do not look": (
        "benefit_register/dream_2024M07.parquet",
        _parquet_not_utf8_unseen_by_statistics,
        (
            "dream_2024M07.parquet, column 'ydelse_code': values that cannot be read",
            "a value is not valid UTF8",
        ),
    ),
    # loaded before, and staging, which keeps the asked codes, lost the month's rows
    # silently (MODTAG1 80, the recipients) or failed a dbt test (ALDER 'TOTAL'), naming no
    # file, at every refresh after it (helper-119)
    "a value of a variable the table is not asked for (StatBank)": (
        "statbank/PEN113_2024M05.csv",
        _set_cell(3, 3, "80"),  # MODTAG1: the recipients, where 82, the new ones, is asked
        ("row 3, column 'MODTAG1'", "'80' is not a value extracts.yml asks"),
    ),
    "an area's name in a StatBank table asked with codes": (
        "statbank/AUP03_2024M05.csv",
        lambda p: _csv(p, lambda t: t.rstrip("\n") + "\nBallerup;2024M05;9,9\n"),
        ("column 'OMRÅDE'", "'Ballerup' is a name where the table is asked with codes"),
    ),
    "an unknown code of a variable (StatBank)": (
        "statbank/AUP02_2024M04.csv",
        _set_cell(2, 1, "TOTAL"),  # ALDER: its total is TOT
        ("row 2, column 'ALDER'", "'TOTAL' is not a value extracts.yml asks"),
    ),
    # the month loaded, and staging's test of unique meeting ids failed, naming no file, at
    # every refresh after it (helper-119: 350 ids of the month before)
    "a key a current delivery of another month holds": (
        "case_system/meetings_2024-10.csv",
        lambda p: _csv(p, lambda t: _cell(t, 3, 0, _first_key(p, "meetings_2024-09.csv"))),
        ("row 3's meeting_id is also in meetings_2024-09.csv", "column 'meeting_id'"),
    ),
    # refused by the reader with no line named (helper-119)
    "a quoted cell longer than the CSV reader takes": (
        "case_system/company_cooperation_2024-07.csv",
        _set_cell(3, 2, '"' + "x" * 10_000_001 + '"'),
        ("row 3: the file cannot be read as CSV", "field larger than field limit"),
    ),
    "a week outside the file's month": (
        "benefit_register/dream_2024M04.parquet",
        _parquet_week,  # April's file: weeks 202414-202417; 202413 is March's (Thursday 28th)
        ("row 2, column 'aar_uge'", "(found '202413')"),
    ),
}


@pytest.fixture(scope="module")
def refused(tmp_path_factory, built):
    """A copy of the built world, every broken delivery in its landing, one refresh run."""
    from orchestration.run import execute

    root = tmp_path_factory.mktemp("bad_input")
    copy_world(built, root)
    with pytest.MonkeyPatch.context() as mp:
        env = use_root(mp, root, deliveries=True)
        before = tables_checksum(env.settings.analytics_path)
        shas = {}
        for case, (file, breaker, _) in CASES.items():
            path = env.settings.landing_dir / file
            breaker(path)
            shas[case] = sha256(path)
        result = execute(env.settings)  # as `bkwh run` does: the months of the new files
        yield {
            "env": env,
            "before": before,
            "shas": shas,
            "after": tables_checksum(env.settings.analytics_path),
            "success": result.success,
            "failed": {f.split(":")[0] for f in result.failures},
            "succeeded": result.succeeded,
        }


def _log_row(env, file):
    with duckdb.connect(str(env.settings.warehouse_path), read_only=True) as con:
        return con.execute(
            "select status, message, file_sha256 from raw._load_log where source_file = ? "
            "order by loaded_at desc limit 1",
            [file],
        ).fetchone()


def _raw_rows_of(env, table, sha) -> int:
    with duckdb.connect(str(env.settings.warehouse_path), read_only=True) as con:
        return con.execute(
            f"select count(*) from raw.{table} as r join raw._load_log as l "
            "on l.batch_id = r._batch_id where l.file_sha256 = ?",
            [sha],
        ).fetchone()[0]


@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_delivery_is_refused_kept_explained_and_publishes_nothing(refused, case):
    file, _, expected = CASES[case]
    env = refused["env"]
    source, name = file.split("/")
    table = spec_for(source, name)[0].raw_table
    status, message, sha = _log_row(env, name)

    assert (status, sha) == ("quarantined", refused["shas"][case]), message
    kept = env.settings.quarantine_dir / source / name
    wanted = (expected,) if isinstance(expected, str) else expected
    wanted = [w(kept) if callable(w) else w for w in wanted]
    assert message.startswith(name) and all(w in message for w in wanted), message
    assert _raw_rows_of(env, table, sha) == 0
    assert kept.exists() and not (env.settings.landing_dir / file).exists()
    result = json.loads(kept.with_name(name + ".validation.json").read_text())
    assert result["success"] is False and result["file_sha256"] == sha
    assert name in kept.with_name(name + ".validation.html").read_text()
    assert refused["after"] == refused["before"]  # analytics.duckdb, table by table


def test_a_refused_delivery_stops_the_run_before_dbt_and_publish(refused):
    assert refused["success"] is False
    sources = ("benefit_register", "case_system", "jobindsats", "registers", "statbank")
    assert refused["failed"] == {f"ingest_{s}" for s in sources}  # each says why, in full
    assert not {"warehouse_dbt_assets", "analytics_db", "report_outputs"} & refused["succeeded"]
    index = (refused["env"].settings.log_dir / "validations" / "index.html").read_text()
    for file, *_ in CASES.values():
        assert file.split("/")[1] in index
    # told as a failed run by `bkwh run` itself: a run-failure sensor does not see a run
    # executed in the process that started it
    [line] = (refused["env"].settings.log_dir / "alerts.log").read_text().splitlines()
    alert = json.loads(line)
    assert {s["step"] for s in alert["failed_steps"]} == refused["failed"]
    tables = {f"raw/{spec_for(*file.split('/'))[0].raw_table}" for file, *_ in CASES.values()}
    assert {c["asset"] for c in alert["failed_checks"]} == tables
    assert all(c["check"] == "gx_suite" and "moved to" in c["why"] for c in alert["failed_checks"])


def test_a_refused_person_id_is_named_by_its_shape_only(refused):
    """The CPR number planted where none belongs, and the malformed one in a CPR column, are
    told by their shapes (xxxxxx-xxxx, xxxxxx-xxxxx), in the load log, the validation pages
    and the run's log: a refused file's explanation repeats no person id, valid or not (the
    file itself stays in quarantine)."""
    env = refused["env"]
    _, message, _ = _log_row(env, "offers_2024-10.csv")
    assert "xxxxxx-xxxx" in message, message
    _, message, _ = _log_row(env, "meetings_2024-11.csv")
    assert "xxxxxx-xxxxx" in message, message
    malformed = fake_cpr("010203", "12345")
    en_dash = fake_cpr("010203", "1234").replace("-", "\u2013")
    pattern = re.compile(f"{CPR}|{re.escape(malformed)}|{re.escape(en_dash)}")
    written = [p for p in env.settings.log_dir.rglob("*") if p.is_file()]
    written += [p for p in env.settings.quarantine_dir.rglob("*.validation.*")]
    assert len(written) > len(CASES)
    for path in written:
        text = HASHES.sub("<id>", path.read_text(encoding="utf-8", errors="replace"))
        match = pattern.search(text)
        assert match is None, f"{path} holds a CPR-shaped value: {match.group(0)!r}"
    assert _cpr_cells(env.settings.warehouse_path) == []
