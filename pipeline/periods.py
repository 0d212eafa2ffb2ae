"""Periods, as the sources name them: the one parser for file names, labels and ranges.

- Jobindsats and StatBank: `2024M09` (month), `2024Q3`, Jobindsats v3's `2024Q03` or
  StatBank's Danish `2024K3` (quarter), `2024QMAT03` (Jobindsats' "løbende år": the twelve
  months ending the third quarter, i.e. October 2023 to September 2024; the suffix is a
  quarter, 01-04), `2024` or v3's `2024Y01` (year). v3's ids were seen in recorded responses
  (2024Q04, 2024Y01) and QMAT as a quarter in its callers (docs/sources/real_tables.md §0.2);
  StatBank's quarters are FOLK1A's Tid ids ("2026K3" in a recorded request,
  jibrilhemdi/thesis-urban-accessibility data/metadata/municipality_statbank_run.json;
  "2008K1" in recorded CSVs, razz7/python_handin FOLK1A.csv).
- The case system and the registers name monthly files `2024-09`.

Validation (which dates a delivery may hold), ingest (the month a file belongs to), the
fetchers (expanding `2024M01:2024M12`) and dbt's `period_start` macro agree on these.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_LABEL = re.compile(
    r"^(?P<year>\d{4})(?:-(?P<iso_month>0[1-9]|1[0-2])|M(?P<month>0[1-9]|1[0-2])"
    r"|Q(?P<quarter>0?[1-4])|K(?P<dst_quarter>[1-4])|QMAT(?P<mat>0[1-4])|(?P<v3_year>Y01))?$",
    re.ASCII,  # digits 0-9 only: int() reads others (Arabic-Indic, full-width) as numbers too
)


class PeriodError(ValueError):
    pass


def add_months(d: date, n: int) -> date:
    """The first day of the month n months after `d`'s (n may be negative); PeriodError
    beyond the calendar (years 1-9999: `expand('9999', '9999')` raised date's ValueError past
    the fetchers' PeriodError, helper-95)."""
    m = d.year * 12 + d.month - 1 + n
    if not 1 <= m // 12 <= 9999:
        raise PeriodError(f"{n} months from {d:%Y-%m} is outside the calendar (years 1-9999)")
    return date(m // 12, m % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """A period as labelled by its source, with its first and last day.

    `start` is what the warehouse stores as the period (the first day of the month, quarter
    or year; for a rolling year the first day of its last month, as dbt's `period_start`)."""

    label: str
    kind: str  # month | quarter | rolling_year | year
    first_day: date  # the first day the period covers
    last_day: date  # the last day it covers

    @property
    def start(self) -> date:
        if self.kind == "rolling_year":
            return self.last_day.replace(day=1)
        return self.first_day

    @property
    def month(self) -> str | None:
        """'YYYY-MM' for a monthly period, else None."""
        return f"{self.first_day:%Y-%m}" if self.kind == "month" else None


# the labels parse() reads, as an error message lists them
FORMS = "2024M09, 2024-09, 2024Q3, 2024Q03, 2024K3, 2024QMAT03, 2024 or 2024Y01"


def parse(label: str) -> Period:
    """'2024-09', '2024M09', '2024Q3', '2024Q03', '2024K3', '2024QMAT03', '2024' or
    '2024Y01'; anything else raises PeriodError, a year that has no calendar dates too
    ('0000-01', '9999M12', whose month after is year 10000: a plain ValueError of `date`
    stopped every ingest at discovery, helper-94)."""
    m = _LABEL.match(label.strip())
    if not m:
        raise PeriodError(f"{label!r} is not a period like {FORMS}")
    try:
        return _period(label, m)
    except (ValueError, OverflowError) as e:
        raise PeriodError(f"{label!r} is not a period: {e}") from None


def _period(label: str, m: re.Match) -> Period:
    year = int(m["year"])
    if month := m["month"] or m["iso_month"]:
        first = date(year, int(month), 1)
        return Period(label, "month", first, add_months(first, 1) - timedelta(days=1))
    if quarter := m["quarter"] or m["dst_quarter"]:
        first = date(year, (int(quarter) - 1) * 3 + 1, 1)
        return Period(label, "quarter", first, add_months(first, 3) - timedelta(days=1))
    if m["mat"]:
        last_month = date(year, int(m["mat"]) * 3, 1)
        return Period(
            label,
            "rolling_year",
            add_months(last_month, -11),
            add_months(last_month, 1) - timedelta(days=1),
        )
    return Period(label, "year", date(year, 1, 1), date(year, 12, 31))


def month_of(label: str | None) -> str | None:
    """'YYYY-MM' of a monthly label ('2024M03' and '2024-03' alike); None otherwise."""
    if not label:
        return None
    try:
        return parse(label).month
    except PeriodError:
        return None


def expand(first: str, last: str) -> list[str]:
    """Every label from `first` to `last`, of one kind and written the same way:
    2024M01..2024M03, 2024QMAT01..2024QMAT12, 2024Q1..2025Q2, 2019..2024."""
    a, b = parse(first), parse(last)
    same_style = re.sub(r"\d", "9", first) == re.sub(r"\d", "9", last)
    if a.kind != b.kind or not same_style:
        raise PeriodError(f"{first}:{last} mixes two kinds of period")
    if b.first_day < a.first_day:
        raise PeriodError(f"{first}:{last} ends before it starts")
    step = {"month": 1, "rolling_year": 3, "quarter": 3, "year": 12}[a.kind]
    v3 = bool(re.search(r"Q0|Y01", first))
    out, d = [], a.start
    while d <= b.start:
        out.append(label_for(d, a.kind, dashed="-" in first, v3=v3, dst="K" in first))
        d = add_months(d, step)
    return out


def month_before(day: date) -> date:
    """The first day of the month before `day`'s: the month whose figures the sources have
    released by `day` (the monthly schedules, `bkwh extract`'s default)."""
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


def label_for(
    start: date, kind: str, dashed: bool = False, v3: bool = False, dst: bool = False
) -> str:
    """The label of the period of this kind that `start` (as `Period.start`) begins; `v3`
    writes quarters and years as Jobindsats v3 does (2024Q03, 2024Y01), `dst` quarters as
    StatBank's Danish ids (2024K3)."""
    if kind == "month":
        return f"{start:%Y-%m}" if dashed else f"{start.year}M{start.month:02d}"
    if kind == "rolling_year":
        return f"{start.year}QMAT{(start.month - 1) // 3 + 1:02d}"
    if kind == "quarter":
        quarter = (start.month - 1) // 3 + 1
        if dst:
            return f"{start.year}K{quarter}"
        return f"{start.year}Q{quarter:02d}" if v3 else f"{start.year}Q{quarter}"
    return f"{start.year}Y01" if v3 else str(start.year)
