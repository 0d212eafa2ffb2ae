"""Danish number and period formats, as Jobindsats and Danmarks Statistik publish them.

"1.234,5" is one thousand two hundred and thirty-four and a half; ".." is missing (DST).
Both directions live here so the sample generator and the parsers cannot drift apart.
"""

from __future__ import annotations

import math
import re

MISSING = ".."
_NUMBER = re.compile(r"^-?\d{1,3}(\.\d{3})*(,\d+)?$|^-?\d+(,\d+)?$")
_PERIOD = re.compile(r"^(\d{4})(M(0[1-9]|1[0-2])|Q([1-4])|QMAT(0[1-9]|1[0-2]))?$")


class DanishFormatError(ValueError):
    pass


def format_number(value: float | None, decimals: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    text = f"{value:,.{decimals}f}"  # 1,234.5
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def parse_number(text: str | None) -> float | None:
    """'4,2' -> 4.2, '1.234' -> 1234.0, '..' or '' -> None; anything else raises."""
    if text is None:
        return None
    text = text.strip()
    if text in ("", MISSING):
        return None
    if not _NUMBER.match(text):
        raise DanishFormatError(
            f"{text!r} is not a Danish-formatted number (expected e.g. '4,2' or '1.234')"
        )
    return float(text.replace(".", "").replace(",", "."))


def parse_period(text: str) -> tuple[str, str]:
    """'2024M09' -> ('2024-09-01', 'month'); '2024Q3' -> ('2024-07-01', 'quarter');
    '2024QMAT09' -> ('2024-09-01', 'rolling_year') (the year ending that month); '2024' -> year.
    """
    m = _PERIOD.match(text.strip())
    if not m:
        raise DanishFormatError(f"{text!r} is not a period like 2024M09, 2024Q3 or 2024QMAT09")
    year = m.group(1)
    if m.group(3):
        return f"{year}-{m.group(3)}-01", "month"
    if m.group(4):
        return f"{year}-{(int(m.group(4)) - 1) * 3 + 1:02d}-01", "quarter"
    if m.group(5):
        return f"{year}-{m.group(5)}-01", "rolling_year"
    return f"{year}-01-01", "year"
