"""Danish number formats, as Jobindsats and Danmarks Statistik publish them.

"1.234,5" is one thousand two hundred and thirty-four and a half; ".." is missing (DST).
Both directions live here, so that the sample generator (format_number) and ingest's reader
(number_sql, run by DuckDB) cannot drift apart.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

MISSING = ".."
# "1.234,5", "4,2", "-12": thousands dot, decimal comma (a DuckDB regular expression, RE2)
NUMBER_PATTERN = r"-?\d{1,3}(\.\d{3})*(,\d+)?|-?\d+(,\d+)?"


def rounded(value: float, decimals: int = 0) -> float:
    """`value` rounded to `decimals` as it is written, a half away from zero (0,25 -> 0,3;
    -0,25 -> -0,3; 2,675 -> 2,68), as the workbook's number formats show it in Excel,
    where Python's round() takes a half to the even digit and works on the binary value
    (0,25 -> 0,2; 2,675 -> 2,67)."""
    exact = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    return float(exact) + 0.0  # -0.0 + 0.0 is 0.0


def format_number(value: float | None, decimals: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    text = f"{rounded(value, decimals):,.{decimals}f}"  # 1,234.5
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def is_number_sql(raw: str) -> str:
    """SQL: whether the text `raw` is a Danish-formatted number."""
    pattern = NUMBER_PATTERN.replace("'", "''")
    return f"regexp_full_match({raw}, '{pattern}')"


def number_sql(raw: str) -> str:
    """SQL: the text `raw` as a double when it is a Danish-formatted number ('4,2' -> 4.2,
    '1.234' -> 1234.0), else NULL: '..' (missing) and anything else, which ingest's number
    check (is_number_sql) names as a problem of its file, row and column."""
    as_double = f"replace(replace({raw}, '.', ''), ',', '.')::double"
    return f"case when {is_number_sql(raw)} then {as_double} end"
