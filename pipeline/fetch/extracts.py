"""Which extracts to fetch, and one call per extract, shared by `bkwh extract` and Dagster.

extracts.yml is the single place that names the tables (and their dimensions, measures and
period type); `bkwh extract all` and the Dagster extract assets fetch every table in it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pipeline import periods
from pipeline.config import (
    extracts_config,
    local_today,
    revision_months,
    statbank_area_variable,
)
from pipeline.fetch import Fetched, FetchError, NotPublished, expand_periods, table_config
from pipeline.fetch import jobindsats as ji
from pipeline.fetch import statbank as sb
from pipeline.suites import spec_for

SOURCES = ("jobindsats", "statbank")
# the furthest back the monthly extract reaches for a month a table had not published when
# it was asked (months_to_ask): older gaps are a backfill, `bkwh extract all --period`
CATCH_UP_MONTHS = 24


def configured() -> list[tuple[str, str]]:
    """(source, table) for every table in extracts.yml, in its order."""
    config = extracts_config()
    return [(source, table) for source in SOURCES for table in config.get(source) or {}]


def previous_month(today: date | None = None) -> str:
    """The month before today's, as Jobindsats names it (2026M10)."""
    return periods.label_for(periods.month_before(today or local_today()), "month")


def newest_landed(landing: Path, source: str, table: str) -> periods.Period | None:
    """The newest period of `table` that landing/<source>/ holds a file of, as the suites
    name the files (loaded files stay in landing; a refused one is moved to quarantine)."""
    found = []
    for path in (landing / source).glob(f"{table}_*"):
        match = spec_for(source, path.name)
        if match and match[1].groupdict().get("table") == table:
            # a name the pattern takes that is no period (2026M13): ingest refuses the file
            with contextlib.suppress(periods.PeriodError):
                found.append(periods.parse(match[1]["period"]))
    return max(found, key=lambda p: p.last_day, default=None)


def months_to_ask(landing: Path, source: str, table: str, through: str) -> str:
    """The months the monthly extract asks `table` for, to the month `through` (2026M11):
    the months the source still revises and the one it revised for the last time in this
    release (revision_months: Jobindsats 2, so 2026M09:2026M11; StatBank 6), so that each
    revision lands as a corrected delivery, and back to the first month after the newest
    period landed, where that is earlier (a table that had not published a month when it was
    asked, as AUP02 lags a month, is asked again for it), but not more than CATCH_UP_MONTHS,
    which is also how far a table with nothing landed yet is asked back. A month range, in
    months: for_table asks it in the table's own periods."""
    end = periods.parse(through).start
    start = periods.add_months(end, -revision_months(source))
    reach = periods.add_months(end, -CATCH_UP_MONTHS)
    newest = newest_landed(landing, source, table)
    if newest is None:
        start = reach
    else:
        after = periods.add_months(newest.last_day.replace(day=1), 1)
        start = min(start, max(after, reach))
    if start >= end:
        return through
    return f"{periods.label_for(start, 'month')}:{periods.label_for(end, 'month')}"


def table_period(spec: str, period_type: str) -> str:
    """A month range ('2024M01:2024M12', or one month) in the ids the table is published by:
    '2024' (or '2023:2024') for a StatBank year; '2024K1:2024K4' for a StatBank quarter (the
    quarters the months fall in, FOLK1A's ids); for a Jobindsats rolling year (`QMAT`, the
    twelve months ending a quarter) the rolling years that end in those months, or, where
    none does, the last that ended before them
    (2026M11, as `bkwh extract jobindsats` asks by default: 2026QMAT03, the year to
    September); months (Jobindsats `M`), ids of the
    table's own kind and Jobindsats' 'latest:n' as they are."""
    if spec.strip().startswith("latest:"):
        return spec
    kind = {"year": "year", "quarter": "quarter", "QMAT": "rolling_year"}.get(period_type)
    if kind is None:
        return spec
    starts = [periods.parse(m).start for m in expand_periods(spec)]
    if kind == "rolling_year":
        ends = [d for d in starts if d.month % 3 == 0]
        if not ends:  # the last quarter's end before the last month
            last = max(starts)
            ends = [periods.add_months(last, -(last.month % 3))]
        starts = ends
    ids = sorted({periods.label_for(d, kind, dst=True) for d in starts})
    return ids[0] if len(ids) == 1 else f"{ids[0]}:{ids[-1]}"


def for_table(source: str, table: str, months: str) -> str:
    """`months` (a month, a month range, or ids) in the ids `table` is published by
    (extracts.yml's period_type; table_period)."""
    return table_period(months, table_config(source, table).get("period_type", "M"))


def fetch_jobindsats(
    landing: Path,
    table: str,
    period: str,
    areas: tuple[str, ...] | None = None,
    sleep: Callable[[float], None] | None = None,
    log: Callable[[str], None] | None = None,
    published_only: bool = False,
) -> Fetched:
    key = ji.api_key()  # before anything else: no key, nothing asked, nothing written
    kwargs = {"sleep": sleep} if sleep else {}
    api = ji.Jobindsats(key, log=log, **kwargs)
    # the country (/) and the municipalities (*), unless extracts.yml or the caller says
    areas = areas or tuple(table_config("jobindsats", table).get("areas", ("/", "*")))
    rows, asked = api.fetch(table, period, areas, published_only=published_only)
    return ji.write(landing, table, rows, asked)


def fetch_statbank(
    landing: Path,
    table: str,
    period: str,
    variables: dict[str, list[str]] | None = None,
    fmt: str = "CSV",
    sleep: Callable[[float], None] | None = None,
    log: Callable[[str], None] | None = None,
    published_only: bool = False,
) -> Fetched:
    conf = table_config("statbank", table)
    # every value of a variable extracts.yml does not select; of the area variable, the
    # areas the warehouse knows that the table lists (sb.KNOWN_AREAS)
    select = {statbank_area_variable(conf): [sb.KNOWN_AREAS], **conf.get("select", {})}
    # `variables` (bkwh extract statbank --var) in place of those of the same names
    variables = {d: select.get(d, ["*"]) for d in conf["dimensions"]} | (variables or {})
    kwargs = {"sleep": sleep} if sleep else {}
    api = sb.StatBank(log=log, **kwargs)
    header, rows, asked = api.fetch(table, variables, period, fmt, published_only=published_only)
    return sb.write(landing, table, header, rows, asked)


@dataclass(frozen=True)
class Outcome:
    """One table of fetch_each: the months asked, what was fetched, or why not, and whether
    that is a failure."""

    source: str
    table: str
    months: str
    fetched: Fetched | None = None
    error: FetchError | None = None
    failed: bool = False


def fetch_each(
    landing: Path,
    tables: Iterable[tuple[str, str]],
    months: str | None = None,
    through: str | None = None,
    log: Callable[[str], None] | None = None,
) -> Iterator[Outcome]:
    """Each (source, table), one after the other, as `bkwh extract all` and the monthly
    extract job fetch them: one that fails writes nothing and stops no other.

    `months` asked by name (a month or a range): a period a table has not published fails
    it. Without: the monthly extract, to the month `through` (default the month before
    this one, the schedule's), each table for its
    months_to_ask (the months still revised, and any it had not published when last asked);
    the months a table has published are fetched, the others said and asked again next
    month, and a table that has published none of them is skipped, not failed."""
    if months and through:
        raise FetchError(f"months {months!r} and through {through!r}: give one, not both")
    for source, table in tables:
        asked = months or months_to_ask(landing, source, table, through or previous_month())
        try:
            fetched = fetch_one(
                landing, source, table, asked, log=log, published_only=months is None
            )
        except NotPublished as e:
            yield Outcome(source, table, asked, error=e, failed=months is not None)
        except FetchError as e:
            yield Outcome(source, table, asked, error=e, failed=True)
        else:
            yield Outcome(source, table, asked, fetched=fetched)


def fetch_one(landing: Path, source: str, table: str, months: str, **kwargs) -> Fetched:
    """One configured extract, for a month or month range, as extracts.yml describes it."""
    period = for_table(source, table, months)
    if source == "jobindsats":
        return fetch_jobindsats(landing, table, period, **kwargs)
    return fetch_statbank(landing, table, period, **kwargs)
