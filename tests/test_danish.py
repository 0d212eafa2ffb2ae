"""Danish numbers: the sample generator writes them with format_number, ingest reads them
with number_sql in DuckDB (the reader every StatBank value goes through)."""

import duckdb
import pytest

from pipeline.danish import format_number, is_number_sql, number_sql, rounded


def read(text: str | None) -> tuple[bool, float | None]:
    """(is it a Danish number, its value) as ingest's SQL reads `text`."""
    with duckdb.connect() as con:
        return con.execute(f"select {is_number_sql('$1')}, {number_sql('$1')}", [text]).fetchone()


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("4,2", 4.2),
        ("1.234", 1234.0),
        ("1.234,5", 1234.5),
        ("0", 0.0),
        ("-3,75", -3.75),
        ("12.345.678,9", 12345678.9),
    ],
)
def test_a_danish_number_reads_to_its_value(text, value):
    assert read(text) == (True, value)


@pytest.mark.parametrize("text", ["4.2", "1,234.5", "abc", "4,2,1", "1.23", "..", ""])
def test_anything_else_is_no_number_and_no_value(text):
    """'..' is DST's missing; the others are refused by ingest's number check, which names
    the file, row and column (tests/test_bad_input.py)."""
    assert read(text) == (False, None)


@pytest.mark.parametrize("value", [0.0, 4.25, 1234.5, 98765.43, -2.5])
def test_what_the_generator_writes_ingest_reads_back(value):
    assert read(format_number(value, 2)) == (True, value)


def test_format_number_uses_thousands_dot_and_decimal_comma():
    assert format_number(1234567.891, 1) == "1.234.567,9"
    assert format_number(None) == ".."


@pytest.mark.parametrize(
    "value, decimals, written",
    [(0.25, 1, "0,3"), (-0.25, 1, "-0,3"), (2.675, 2, "2,68"), (0.35, 1, "0,4"), (-0.04, 1, "0,0")],
)
def test_a_half_is_rounded_away_from_zero_as_the_workbook_rounds_it(value, decimals, written):
    """The report writes a figure as the workbook's number format shows the same value
    (helper-49: Python's round() gave 0,2 where Excel shows 0,3), a half away from zero as
    it is written (2,675 -> 2,68, not the binary value's 2,67), and a figure that rounds
    to zero has no minus sign."""
    assert format_number(value, decimals) == written
    assert rounded(value, decimals) == float(written.replace(",", "."))
