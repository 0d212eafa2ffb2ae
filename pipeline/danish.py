"""Danish number formats, as Jobindsats and Danmarks Statistik publish them.

"1.234,5" is one thousand two hundred and thirty-four and a half; ".." is missing (DST).
Both directions live here so the sample generator and the parsers cannot drift apart.
"""

from __future__ import annotations

import math
import re

MISSING = ".."
# "1.234,5", "4,2", "-12": thousands dot, decimal comma. The same pattern is used in SQL
# by ingest (pipeline.ingest.observations), so Python and DuckDB read a number alike.
NUMBER_PATTERN = r"-?\d{1,3}(\.\d{3})*(,\d+)?|-?\d+(,\d+)?"
_NUMBER = re.compile(f"^(?:{NUMBER_PATTERN})$")


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
