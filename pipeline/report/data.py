"""What the report and the workbook show, read from the published `analytics.duckdb` only.

The catalogue (`marts.dim_indicator`) decides what is listed and in which order; the status
(`marts.fct_indicator_status`) gives the latest value, comparator, status and change; the
history and the breakdowns come from `marts.fct_indicator_values`, as published (small cells
already blanked, `is_suppressed` true).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import NamedTuple

import duckdb

from pipeline.config import dbt_var
from pipeline.report import formats
from pipeline.state import code_fingerprint, columns_of

BALLERUP = dbt_var("home_municipality")  # the municipality followed up on (dbt_project.yml)

INDICATORS_SQL = """
select
    d.indicator_id, d.sort_order, d.focus_area_code, d.focus_area_label, d.focus_area_name,
    d.goal_text, d.indicator_role, d.indicator_role_da, d.is_key_figure, d.strategy_text,
    d.headline_da, d.strategy_remark,
    d.definition_da, d.note_da, d.definition, d.unit, d.interval_method_da, d.counted_da,
    d.compares_groups, d.is_change_since_year_before,
    d.direction, d.comparator, d.comparator_area_code, a.area_name as comparator_area_name,
    d.also_compared_area_codes,
    t.target_operator, t.target_value, t.target_tolerance, t.target_text,
    d.status as catalogue_status,
    d.replaced_by, d.breakdowns, d.period_type as catalogue_period_type, d.model_name, d.note,
    s.period, s.period_type, s.value, s.is_provisional, s.is_value_provisional,
    s.is_comparator_provisional, s.is_value_hidden,
    s.ci_lower, s.ci_upper, s.n_counted,
    s.interval_method,
    s.comparator_value, s.comparator_lower, s.comparator_upper, s.gap, s.status, s.status_text,
    s.change_from_year_before,
    s.change_ci_lower, s.change_ci_upper, s.change_status, s.change_text, s.is_computed,
    d.mix_adjusted_by, d.compared_within, s.mix_value, s.mix_expected, s.mix_change,
    s.mix_change_ci_lower, s.mix_change_ci_upper, s.mix_n_counted, s.mix_n_counted_year_before,
    s.mix_change_status, s.mix_change_text, s.mix_value_year_before
from marts.dim_indicator as d
left join marts.fct_indicator_status as s on s.indicator_id = d.indicator_id
left join marts.dim_area as a on a.area_code = d.comparator_area_code
-- the target of the status period, as the status judged it (a law may have changed it since:
-- 1.5's 80 % until June 2026); today's for an indicator without a status period
left join marts.dim_indicator_target as t
    on t.indicator_id = d.indicator_id
    and coalesce(s.period, current_date) between t.valid_from and t.valid_to
order by d.sort_order
"""

# The areas the report shows for an indicator (v: its values, d: dim_indicator): Ballerup,
# the comparator area and the areas shown beside it (0.1: Region Hovedstaden).
SHOWN_AREAS = """(
        v.area_code = $ballerup
        or v.area_code = d.comparator_area_code
        or list_contains(d.also_compared_area_codes, v.area_code)
    )"""

# The shown areas' totals over time, in the period type the status uses.
SERIES_SQL = f"""
select v.indicator_id, v.area_code, v.period, v.value, v.is_suppressed, v.ci_lower, v.ci_upper,
    v.is_provisional, v.series_since_reform_id
from marts.fct_indicator_values as v
inner join marts.dim_indicator as d on d.indicator_id = v.indicator_id
left join marts.fct_indicator_status as s on s.indicator_id = v.indicator_id
where v.breakdown = 'total'
    and v.period_type = coalesce(s.period_type, d.period_type)
    and {SHOWN_AREAS}
order by v.indicator_id, v.area_code, v.period
"""

# Ballerup's breakdown rows in the status period, with the comparator area's value beside, and
# the areas also compared (0.1's Region Hovedstaden, INDICATORS.md: "whole country, Region H"),
# in the catalogue's order
BREAKDOWN_SQL = """
select
    v.indicator_id, v.breakdown, v.breakdown_value, b.label_da, v.value, v.unit, v.numerator,
    v.denominator, v.is_suppressed, v.is_provisional, c.value as comparator_value,
    c.is_suppressed as comparator_suppressed, c.is_provisional as comparator_provisional,
    (
        select list(
            {'area_code': a.area_code, 'value': a.value, 'is_suppressed': a.is_suppressed,
            'is_provisional': a.is_provisional}
            order by list_position(d.also_compared_area_codes, a.area_code)
        )
        from marts.fct_indicator_values as a
        where a.indicator_id = v.indicator_id and a.period = v.period
            and a.period_type = v.period_type and a.breakdown = v.breakdown
            and a.breakdown_value = v.breakdown_value
            and list_contains(d.also_compared_area_codes, a.area_code)
    ) as also_compared
from marts.fct_indicator_values as v
inner join marts.dim_breakdown_value as b using (breakdown, breakdown_value)
inner join marts.fct_indicator_status as s
    on s.indicator_id = v.indicator_id and s.period = v.period and s.period_type = v.period_type
inner join marts.dim_indicator as d on d.indicator_id = v.indicator_id
left join marts.fct_indicator_values as c
    on c.indicator_id = v.indicator_id and c.period = v.period
    and c.period_type = v.period_type and c.breakdown = v.breakdown
    and c.breakdown_value = v.breakdown_value and c.area_code = d.comparator_area_code
where v.area_code = $ballerup and v.breakdown <> 'total'
order by v.indicator_id, v.breakdown, b.is_combined_group, v.breakdown_value
"""

# The series of Ballerup's rows of each indicator (fct_indicator_values.series_since_reform_id:
# the reform whose break a row is after), each with its first period, apart for the total
# and for the breakdowns: the reforms after the first series are the breaks inside the
# indicator's history, of the total, or of its breakdowns only (seed reforms:
# '5.1/maalgruppe').
SERIES_BREAKS_SQL = """
select
    indicator_id,
    breakdown = 'total' as is_total,
    series_since_reform_id as reform_id,
    min(period) as first_period
from marts.fct_indicator_values
where area_code = $ballerup
group by all
order by indicator_id, is_total desc, first_period
"""

# Every published row of the shown areas, for the workbook's group sheets.
HISTORY_SQL = f"""
select
    v.indicator_id, v.period, v.period_type, a.area_name, v.breakdown, v.breakdown_value,
    b.label_da, v.value, v.ci_lower, v.ci_upper, v.interval_method, v.design_effect,
    v.numerator, v.denominator, v.unit,
    v.is_suppressed, v.is_provisional, v.series_since_reform_id
from marts.fct_indicator_values as v
inner join marts.dim_breakdown_value as b using (breakdown, breakdown_value)
inner join marts.dim_indicator as d on d.indicator_id = v.indicator_id
inner join marts.dim_area as a on a.area_code = v.area_code
where {SHOWN_AREAS}
order by d.sort_order, v.period, v.area_code <> $ballerup, v.breakdown <> 'total',
    v.breakdown, v.breakdown_value
"""


# What changed since the month before's report (marts._revisions, made by the publish), of
# the areas the outputs show: the report says the home municipality's totals one by one (newest
# first) and counts the indicator's other figures; the workbook lists them all; the alerts tell
# the home totals.
REVISIONS_SQL = f"""
select
    v.indicator_id, v.period, v.period_type, a.area_name, v.breakdown, b.label_da, v.unit,
    v.value_before, v.value, v.is_small_change, v.published_before, REDEFINED as is_redefined,
    v.area_code = $ballerup and v.breakdown = 'total' as is_home_total
from marts._revisions as v
inner join marts.dim_indicator as d on d.indicator_id = v.indicator_id
inner join marts.dim_area as a on a.area_code = v.area_code
inner join marts.dim_breakdown_value as b using (breakdown, breakdown_value)
where {SHOWN_AREAS}
order by d.sort_order, v.period desc, v.area_code <> $ballerup, v.breakdown <> 'total',
    v.breakdown, v.breakdown_value
"""


def revisions(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """The revised figures of the shown areas that the outputs can show changed
    (REVISIONS_SQL, seen_to_change), in the outputs' order."""
    # a publication made before definitions were fingerprinted has no is_redefined
    has = "is_redefined" in columns_of(con, "marts", "_revisions")
    sql = REVISIONS_SQL.replace("REDEFINED", "v.is_redefined" if has else "false")
    return [r for r in _dicts(con, sql) if seen_to_change(r)]


def seen_to_change(revision: dict) -> bool:
    """A revision the outputs can show: its two values differ as the outputs write them
    (8,4 % to 8,4 % is none, whatever the decimals behind), or a count moved by fewer than
    small_cell_threshold (said without the figure before: the publish kept it only where its
    values differ as written, publish._hide_small_changes)."""
    return revision["is_small_change"] or differs_as_written(
        revision["unit"], revision["value_before"], revision["value"]
    )


def differs_as_written(unit: str, before: float | None, after: float | None) -> bool:
    """Two values of `unit` the outputs write differently (formats.value_text)."""
    return formats.value_text(before, unit) != formats.value_text(after, unit)


class Point(NamedTuple):
    """One period of a history: the value, its interval, and whether it is blanked (a small
    cell) or still provisional."""

    period: date
    value: float | None
    is_suppressed: bool
    ci_lower: float | None = None
    ci_upper: float | None = None
    is_provisional: bool = False
    series: str | None = None  # the reform whose break the period is after (none: before any)


# change statuses (seed indicator_statuses, kind change) that are not a judgement of the
# change against its interval
CHANGE_NOT_JUDGED = ("ikke sammenlignelig", "for få til en vurdering", "ikke vurderet")


@dataclass
class Indicator:
    """One catalogue row with its status, history and breakdowns (`row` holds the columns
    of INDICATORS_SQL)."""

    row: dict
    series: dict[int, list[Point]] = field(default_factory=dict)
    breakdown: list[dict] = field(default_factory=list)
    # the reforms that break its series inside the history published (SERIES_BREAKS_SQL)
    reforms: list[dict] = field(default_factory=list)
    # those that break only its breakdowns' series (their groups), not the total's
    breakdown_reforms: list[dict] = field(default_factory=list)
    # the first period of each series after a reform, of the total (True) or the breakdowns
    # (False): later than the reform's date where a period's persons came in before it
    series_starts: dict[tuple[bool, str], date] = field(default_factory=dict)
    # every target it has had, dated (marts.dim_indicator_target), oldest first
    targets: list[dict] = field(default_factory=list)
    # the home municipality's totals changed since the month before's report, newest first
    # (revisions), and the number of its other figures shown that changed
    revisions: list[dict] = field(default_factory=list)
    other_revisions: int = 0
    revised_since: datetime | None = None  # when the baseline they changed since was published
    # computed another way since that baseline (marts._revisions.is_redefined)
    redefined: bool = False

    def __getattr__(self, name: str):
        try:
            return self.__dict__["row"][name]
        except KeyError as e:
            raise AttributeError(name) from e

    @property
    def is_retired(self) -> bool:
        return self.catalogue_status == "retired"

    @property
    def is_yearly(self) -> bool:
        """Counted per calendar year (the catalogue's period type, else its status's)."""
        return (self.row.get("catalogue_period_type") or self.row.get("period_type")) == "year"

    def after(self, period: date) -> date:
        """The first day after what the point of `period` stands for, as a reform dated inside
        it goes: a year's point stands for its whole year (the next 1 January); any other
        point is dated by its month and breaks from the next day."""
        return period.replace(year=period.year + 1) if self.is_yearly else period + timedelta(1)

    @property
    def change_interval(self) -> tuple[float | None, float | None]:
        """The 95 % interval of the change since a year before where its status rests on it
        (forbedret ... ingen sikker ændring); (None, None) for a change not judged: across a
        reform, on too few persons, or without an interval, and for one not published
        (`published_change`)."""
        if self.published_change is None or self.change_status in CHANGE_NOT_JUDGED:
            return None, None
        return self.change_ci_lower, self.change_ci_upper

    @property
    def target_words(self) -> str:
        """The target of the status period in words, with the range a tolerance allows."""
        return formats.target_words(self.row, self.unit)

    @property
    def earlier_target(self) -> str | None:
        """The target before the one the status is judged against, when a law or the
        strategy changed it (marts.dim_indicator_target: 1.5's 80 % until June 2026), so
        that the reader sees both: 'til og med juni 2026: mindst 80 pct., strategiens mål';
        None when there was none, or when the status is not judged against a target (a
        retired indicator, one compared with an area)."""
        if self.period is None or self.is_retired or self.comparator != "fixed_target":
            return None
        now = [t for t in self.targets if t["valid_from"] <= self.period <= t["valid_to"]]
        before = [t for t in self.targets if now and t["valid_to"] < now[0]["valid_from"]]
        if not before:
            return None
        last = max(before, key=lambda t: t["valid_to"])
        text = formats.target_words(last, self.unit)
        kind = "year" if self.period_type == "year" else "month"
        return f"til og med {formats.period_text(last['valid_to'], kind)}: {text}"

    @property
    def year_before(self) -> Point | None:
        """Ballerup's point a year before the status period, where the two periods measure
        the same (None across a reform that changes what is measured, change 'ikke
        sammenlignelig', and without a status period or such a point): what the report and
        the workbook set beside the status period's value."""
        if self.period is None or self.change_status == "ikke sammenlignelig":
            return None
        return self.point(BALLERUP, self.period.replace(year=self.period.year - 1))

    @property
    def is_value_hidden(self) -> bool:
        """The status period's value is hidden (fct_indicator_status.is_value_hidden, status
        skjult): shown as a hidden cell, with no change; False for a publication from
        before the column."""
        return bool(self.row.get("is_value_hidden"))

    @property
    def published_change(self) -> float | None:
        """The change since a year before as the report and the workbook publish it: none
        for a value that is itself a change since a year before (0.2's per cent change: its
        change of that change, in percentage points, would read as a fall of the share
        itself; the year before's value is shown instead, helper-57); the mart keeps it."""
        return None if self.row.get("is_change_since_year_before") else self.change_from_year_before

    @property
    def published_change_status(self) -> str | None:
        """The change's status word where a change is published (`published_change`)."""
        return None if self.row.get("is_change_since_year_before") else self.change_status

    def point(self, area_code: int, period: date | None = None) -> Point | None:
        """An area's point of the series in `period` (the status period by default)."""
        wanted = self.period if period is None else period
        return next((p for p in self.series.get(area_code, []) if p.period == wanted), None)

    @property
    def last_comparator_point(self) -> Point | None:
        """The comparator area's latest shown figure before the status period, for an
        indicator whose comparator has none in it (4.2: the country's table ends at the
        kontanthjælp reform); None without a status period or such a figure."""
        if self.period is None:
            return None
        shown = [
            p
            for p in self.series.get(self.comparator_area_code, [])
            if p.value is not None and not p.is_suppressed and p.period < self.period
        ]
        return max(shown, key=lambda p: p.period) if shown else None

    @property
    def comparator_ended(self) -> bool:
        """No comparison for want of the comparator's figure in the status period, though it
        had figures before it (4.2: the country's table ends at the kontanthjælp reform): the
        report's sentence and the group summary say so rather than 'no basis to compare'."""
        return (
            self.status == "ingen sammenligning"
            and self.comparator_area_code not in (None, BALLERUP)
            and self.comparator_value is None
            and self.last_comparator_point is not None
        )

    def value_in(self, area_code: int) -> float | None:
        """An area's published value in the indicator's status period."""
        found = self.point(area_code)
        return None if found is None or found.is_suppressed else found.value


@dataclass
class Group:
    """Overordnet or one of the five focus areas (Mål 1-5)."""

    code: int
    label: str
    name: str
    goal_text: str | None
    indicators: list[Indicator]

    @property
    def key_figures(self) -> list[Indicator]:
        return [i for i in self.indicators if i.is_key_figure and not i.is_retired]


@dataclass(frozen=True)
class Status:
    """A word of marts.dim_status: a verdict or a change, as the outputs show it."""

    status: str
    kind: str
    sort_order: int
    symbol: str
    css_class: str
    sentence_da: str
    summary_da: str | None  # a focus area's summary's phrase for it (pipeline/report/summary.py)
    # a verdict's sentences for a figure published without its counts (compared directly, or
    # known to its rounding), where they differ from sentence_da
    sentence_plain_da: str | None = None
    sentence_rounding_da: str | None = None

    @property
    def sentences_da(self) -> str:
        """Every case the status may stand for, as the workbook's legend says it: 2.1's
        'ikke vurderet' is a rank published without counts, not a counted figure without an
        interval (helper-110)."""
        cases = [
            ("Et tal uden antallene bag, sammenlignet direkte", self.sentence_plain_da),
            ("En placering eller et tal kendt med dets afrunding", self.sentence_rounding_da),
        ]
        return " ".join([self.sentence_da, *(f"{case}: {text}" for case, text in cases if text)])


@dataclass
class ReportData:
    published_at: datetime
    area_names: dict[int, str]
    indicators: list[Indicator]
    history: list[dict]
    statuses: dict[tuple[str, str], Status] = field(default_factory=dict)
    # STAR's expected level (marts.fct_expected_level): the home municipality's latest rows
    expected_level: list[dict] = field(default_factory=list)
    # the municipalities most like the home one, and each indicator among them
    comparable_names: list[str] = field(default_factory=list)
    comparable: dict[str, dict] = field(default_factory=dict)
    # the reforms that break the series (marts.dim_reform), by date
    reforms: list[dict] = field(default_factory=list)
    # each indicator's projection against its goal (marts.fct_indicator_outlook)
    outlook: dict[str, dict] = field(default_factory=dict)
    # the codes' names, by (code list, code) in their order (marts.dim_catalogue_code)
    code_names: dict[tuple[str, str], str] = field(default_factory=dict)
    # the shown areas' figures changed since the publication before (with_history)
    revisions: list[dict] = field(default_factory=list)

    def name(self, code_list: str, code: str) -> str:
        """A code in the committee's words: name('breakdown', 'herkomst') is 'Herkomst'. The
        build's data tests (is_a_code_of) hold every published code to its list, so a code
        without a name is an error here, not a code printed as it is."""
        return self.code_names[(code_list, code)]

    @property
    def rounded_values(self) -> list[str]:
        """The indicators with a shown value whose range is its rounding, not a statistical
        interval (interval_method 'rounding': 2.5's country), from the history it shows."""
        return sorted(
            {r["indicator_id"] for r in self.history if r["interval_method"] == "rounding"}
        )

    def codes(self, code_list: str) -> list[str]:
        """The codes of a list, in its order."""
        return [code for (listed, code) in self.code_names if listed == code_list]

    @property
    def home_name(self) -> str:
        """The home municipality's name (marts.dim_area), as the outputs say it."""
        return self.area_names[BALLERUP]

    def verdicts(self) -> list[Status]:
        """The verdict words in their order (dim_status, kind verdict)."""
        words = [s for (kind, _), s in self.statuses.items() if kind == "verdict"]
        return sorted(words, key=lambda s: s.sort_order)

    def change_words(self) -> list[Status]:
        """The words for a change since a year before in their order (dim_status, kind
        change)."""
        words = [s for (kind, _), s in self.statuses.items() if kind == "change"]
        return sorted(words, key=lambda s: s.sort_order)

    def status(self, word: str, kind: str = "verdict") -> Status:
        return self.statuses[(kind, word)]

    @property
    def groups(self) -> list[Group]:
        by_code: dict[int, list[Indicator]] = defaultdict(list)
        for i in self.indicators:
            by_code[i.focus_area_code].append(i)
        return [
            Group(code, rows[0].focus_area_label, rows[0].focus_area_name, rows[0].goal_text, rows)
            for code, rows in sorted(by_code.items())
        ]

    @property
    def data_until(self) -> date | None:
        """The latest period any indicator has a published value for (provisional or not;
        Ballerup's series hold every period a status can name)."""
        periods = [
            p.period
            for i in self.indicators
            for p in i.series.get(BALLERUP, [])
            if p.value is not None
        ]
        return max(periods) if periods else None

    @property
    def latest_is_provisional(self) -> bool:
        """Some indicator's value in the latest period is one its sources still revise (each
        indicator's own final months differ: its status names its latest final one)."""
        latest = self.data_until
        return any(
            p.is_provisional
            for i in self.indicators
            for p in i.series.get(BALLERUP, [])
            if p.value is not None and p.period == latest
        )

    @property
    def data_until_short(self) -> str:
        """'november 2026', or 'november 2026 (foreløbig)' (for the page footer)."""
        text = formats.period_text(self.data_until, "month")
        return text + (" (foreløbig)" if self.latest_is_provisional else "")

    @property
    def data_until_text(self) -> str:
        """'november 2026', or, where its sources still revise the latest months,
        'november 2026 (de nyeste måneder er foreløbige; hver status bygger på kommunens
        seneste endelige måned med et offentliggjort tal ...)': a comparator's figure of that
        month may still be provisional, which its indicator says (helper-110)."""
        text = formats.period_text(self.data_until, "month")
        if self.latest_is_provisional:
            text += (
                " (de nyeste måneder er foreløbige; hver status bygger på kommunens seneste "
                "endelige måned med et offentliggjort tal for indikatoren; er "
                "sammenligningstallet for den måned stadig foreløbigt, står det ved indikatoren)"
            )
        return text


def _dicts(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    cursor = con.execute(sql, {"ballerup": BALLERUP} if "$ballerup" in sql else None)
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


# The home municipality's rows of STAR's expected level in the latest rolling year, the
# benefit groups in STAR's order (the total first).
EXPECTED_LEVEL_SQL = """
select
    period, ydelsesgruppe, expected_pct, actual_pct, diff_pct, difference_da, expected_ftp,
    actual_ftp,
    diff_ftp, rank_national, n_ranked_national, rank_region, n_ranked_region
from marts.fct_expected_level
where is_home_municipality
    and period = (select max(period) from marts.fct_expected_level where is_home_municipality)
order by ydelsesgruppe != 'Ydelsesgrupper i alt', ydelsesgruppe
"""


def inside_the_last_year(ind: Indicator, reforms: list[dict]) -> list[dict]:
    """The reforms that break a yearly indicator inside its latest year published: that
    year belongs to the series before the reform (fct_indicator_values), so no row of the
    new series marks the break yet, though the year is no longer measured by one set of
    rules (5.3 and 5.6 in 2025, whose July brought the kontanthjælp reform; helper-68)."""
    points = [p.period for p in ind.series.get(BALLERUP, [])]
    if not ind.is_yearly or not points:
        return []
    first, end = min(points), ind.after(max(points))
    return [
        r
        for r in reforms
        if ind.indicator_id in (r["affects_indicators"] or [])
        and first < r["effective_date"] < end
        and r not in ind.reforms
    ]


class AnalyticsFileError(RuntimeError):
    """The published analytics file is missing, or lacks what this version of the report
    reads (it was published by another version of the code)."""


@contextmanager
def published_by_this_code(analytics_path: Path) -> Iterator[None]:
    """Around reading and rendering `analytics_path`: a table or column this version reads
    that a file published by another version of the code lacks
    (marts._publication.built_from_code, pipeline/state.py) is said, with what is missing and
    what to run, rather than as a bare KeyError. With the same code a missing one is a
    defect, raised as it is. A refresh publishes again whenever the code changed; `bkwh
    report` alone reads whatever file is there."""
    if not analytics_path.exists():
        raise AnalyticsFileError(
            f"no published analytics file at {analytics_path}: a refresh publishes it "
            "(`make run`, or `bkwh run`)"
        )
    try:
        yield
    except (duckdb.CatalogException, duckdb.BinderException, KeyError) as e:
        with duckdb.connect(str(analytics_path), read_only=True) as con:
            rows = con.execute(
                "select published_at, built_from_code from marts._publication"
            ).fetchall()
        if not rows or rows[0][1] == code_fingerprint():
            raise
        raise AnalyticsFileError(
            f"{analytics_path} lacks what this version of the report reads "
            f"({type(e).__name__}: {e}): it was published {rows[0][0]:%Y-%m-%d %H:%M} by "
            "another version of the warehouse's code. A refresh publishes it again with this "
            "one (`make run`, or `bkwh run`) and builds the report."
        ) from e


def load(analytics_path: Path, with_history: bool = False) -> ReportData:
    """Read everything the outputs show in one read-only connection."""
    with duckdb.connect(str(analytics_path), read_only=True) as con:
        published_at = con.execute("select published_at from marts._publication").fetchone()[0]
        area_names = dict(con.execute("select area_code, area_name from marts.dim_area").fetchall())
        indicators = {r["indicator_id"]: Indicator(r) for r in _dicts(con, INDICATORS_SQL)}
        for r in _dicts(con, SERIES_SQL):
            points = indicators[r["indicator_id"]].series.setdefault(r["area_code"], [])
            points.append(
                Point(
                    r["period"],
                    r["value"],
                    r["is_suppressed"],
                    r["ci_lower"],
                    r["ci_upper"],
                    r["is_provisional"],
                    r["series_since_reform_id"],
                )
            )
        for r in _dicts(con, BREAKDOWN_SQL):
            indicators[r["indicator_id"]].breakdown.append(r)
        for r in _dicts(
            con, "select * from marts.dim_indicator_target order by indicator_id, valid_from"
        ):
            indicators[r["indicator_id"]].targets.append(r)
        revised = revisions(con)
        for r in revised:
            ind = indicators[r["indicator_id"]]
            ind.revised_since = r["published_before"]
            ind.redefined = ind.redefined or r["is_redefined"]
            if r["is_home_total"]:
                ind.revisions.append(r)
            else:
                ind.other_revisions += 1
        history = _dicts(con, HISTORY_SQL) if with_history else []
        statuses = {
            (r["kind"], r["status"]): Status(**r)
            for r in _dicts(
                con,
                "select status, kind, sort_order, symbol, css_class, sentence_da, summary_da, "
                "sentence_plain_da, sentence_rounding_da from marts.dim_status",
            )
        }
        expected_level = _dicts(con, EXPECTED_LEVEL_SQL)
        comparable_names = [
            r[0]
            for r in con.execute(
                "select area_name from marts.dim_comparable_municipality order by closeness"
            ).fetchall()
        ]
        comparable = {
            r["indicator_id"]: r for r in _dicts(con, "select * from marts.fct_comparable_level")
        }
        reforms = _dicts(con, "select * from marts.dim_reform order by effective_date")
        series_breaks = _dicts(con, SERIES_BREAKS_SQL)
        outlook = {
            r["indicator_id"]: r for r in _dicts(con, "select * from marts.fct_indicator_outlook")
        }
        code_names = {
            (code_list, code): name
            for code_list, code, name in con.execute(
                "select code_list, code, name_da from marts.dim_catalogue_code "
                "order by code_list, sort_order"
            ).fetchall()
        }
    by_id = {r["reform_id"]: r for r in reforms}
    seen: set[tuple[str, bool]] = set()
    for r in series_breaks:  # each indicator's series in order: every one after its first
        key = (r["indicator_id"], r["is_total"])
        if key in seen and r["reform_id"] is not None:
            ind = indicators[r["indicator_id"]]
            ind.series_starts[(r["is_total"], r["reform_id"])] = r["first_period"]
            if r["is_total"]:
                ind.reforms.append(by_id[r["reform_id"]])
            elif by_id[r["reform_id"]] not in ind.reforms:
                ind.breakdown_reforms.append(by_id[r["reform_id"]])
        seen.add(key)
    for ind in indicators.values():
        ind.reforms += inside_the_last_year(ind, reforms)
    return ReportData(
        published_at,
        area_names,
        list(indicators.values()),
        history,
        statuses,
        expected_level,
        comparable_names,
        comparable,
        reforms,
        outlook,
        code_names,
        revised if with_history else [],
    )
