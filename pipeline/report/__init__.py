"""The follow-up report ("Opfølgning på beskæftigelsesstrategiens mål") and the Excel
workbook, built from the published `analytics.duckdb` only.

`build_report` writes `index.html` (one self-contained file: styles and the charts as SVG
inline, no scripts, in Danish, printable to A4) and `indikatorer.xlsx` into the report folder,
each written aside and renamed into place, so a reader never opens half a file.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import jinja2

from pipeline.config import REPO_ROOT, Settings, dbt_var, local_zone
from pipeline.failpoints import failpoint
from pipeline.files import installed_together
from pipeline.pdf import INSTALL_HINT, missing_libraries, printing
from pipeline.report import formats
from pipeline.report.data import (
    BALLERUP,
    Indicator,
    ReportData,
    load,
    published_by_this_code,
)
from pipeline.report.summary import HORIZON, group_summary
from pipeline.report.workbook import build_workbook
from pipeline.state import stamp_made_from

LOCAL_TIME = local_zone()
TEMPLATES = REPO_ROOT / "reports" / "templates"


@dataclass
class ReportResult:
    path: Path
    workbook_path: Path
    pdf_path: Path | None  # None: not made, `pdf_missing` says why
    n_indicators: int
    n_with_value: int
    n_charts: int
    pdf_missing: str = ""


def judged_decimals(ind: Indicator) -> int:
    """The decimals the value's interval and the comparator area's figure it is judged against
    are shown with: enough to tell them apart (formats.telling_decimals)."""
    if ind.comparator_area_code in (None, BALLERUP) or ind.comparator == "fixed_target":
        return formats.decimals_for(ind.unit)
    judged, row = ind.comparator_value, ind.row
    pairs = ((row.get("ci_lower"), judged), (row.get("ci_upper"), judged))
    return formats.telling_decimals(ind.unit, *pairs)


def comparator_text(ind: Indicator, area_names: dict[int, str]) -> str:
    """What the latest value is judged against, in words."""
    if ind.is_retired:
        # not '–': the report's '–' is a cell hidden for too few persons (helper-55)
        return "ikke erstattet" if not ind.replaced_by else f"erstattet af {ind.replaced_by}"
    if ind.comparator == "fixed_target":
        said = "Mål: " + ind.target_words
        earlier = ind.earlier_target
        return said + (f"; {earlier}" if earlier else "")
    if ind.comparator_area_code is not None and ind.comparator_area_code != BALLERUP:
        name = area_names.get(ind.comparator_area_code, str(ind.comparator_area_code))
        if ind.comparator_value is None:
            # e.g. 4.2: the country's figure ends at a reform; say when it was last there
            last = ind.last_comparator_point
            if last is not None and ind.period is not None:
                return (
                    f"{name}: intet tal for {formats.period_text(ind.period, ind.period_type)} "
                    f"(seneste: {formats.value_text(last.value, ind.unit)} i "
                    f"{formats.period_text(last.period, ind.period_type)})"
                )
        notes = [
            # the comparator's figure still revised (its table ends months before the register)
            *(["foreløbig"] if ind.is_comparator_provisional else []),
            *(
                [f"afrundede tal: {formats.interval_text(lo, hi, ind.unit)}"]
                if (lo := ind.comparator_lower) is not None
                and (hi := ind.comparator_upper) is not None
                and lo < hi
                else []
            ),
        ]
        said = f" ({'; '.join(notes)})" if notes else ""
        judged = formats.value_text(ind.comparator_value, ind.unit, judged_decimals(ind))
        return f"{name}: {judged}{said}" + "".join(
            f"; {area_names.get(code, str(code))}: {formats.value_text(value, ind.unit)}"
            for code in ind.also_compared_area_codes or []
            for value in [ind.value_in(code)]
        )
    return "Udviklingen følges"


def verdict_text(ind: Indicator, area_names: dict[int, str]) -> str:
    """The status's sentence (seed indicator_statuses), but for a comparator whose figures
    ended before the status period: the seed's 'intet offentliggjort tal måler det samme'
    would be untrue (4.2, helper-55). It says when the comparator was last there, and both
    figures then, without a verdict on a period that is not the status's."""
    if not ind.comparator_ended:
        return ind.status_text
    area, last = ind.comparator_area_code, ind.last_comparator_point
    name = area_names.get(area, str(area))
    within = name[:1].lower() + name[1:] if name.startswith("Hele ") else name  # mid-sentence
    then = formats.period_text(last.period, ind.period_type)
    figures = [f"{within} {formats.value_text(last.value, ind.unit)}"]
    home = ind.point(BALLERUP, last.period)
    if home is not None and home.value is not None and not home.is_suppressed:
        home_name = area_names.get(BALLERUP, str(BALLERUP))
        figures.append(f"{home_name} {formats.value_text(home.value, ind.unit)}")
    return (
        f"{name} har intet tal for {formats.period_text(ind.period, ind.period_type)}, så "
        f"status kan ikke vurderes. {'De seneste tal' if len(figures) > 1 else 'Det seneste tal'}"
        f" er fra {then}: {', '.join(figures)}."
    )


def shown_value(ind: Indicator) -> str:
    if ind.is_retired:
        return ind.status  # its status word (dim_status): 'udgået'
    if not ind.is_computed:
        return "endnu ikke beregnet"
    if ind.is_value_hidden:
        # the status period's value is hidden (status skjult): the report's mark of a hidden
        # cell, not 'ingen data', which would say there is none
        return formats.SUPPRESSED
    return formats.value_text(ind.value, ind.unit)


# the heads of a breakdown's two count columns: a share's numerator and denominator; a change
# since a year before (0.2) carries the count now and the same month's a year earlier
COUNT_HEADS = {"pct_change": ("Antal", "Året før")}
SHARE_COUNT_HEADS = ("Antal", "Ud af")


# a comparison of groups that is not defined, and why: a ratio of two rates has none when the
# comparison group has no event (5.6's dagpenge, where the case system sees no sanction: 0 of
# its fuldtidspersoner), which read as an error beside the counts (helper-57)
UNDEFINED = {"ratio": "kan ikke beregnes (0 i sammenligningsgruppen)"}


def pooled_note(ind: Indicator, code: str, data: ReportData) -> str:
    """Under a breakdown without the dimension the indicator's total compares its groups
    within (catalogue compared_within: 5.4's and 5.6's origins, compared within each target
    group), that its groups are pooled there and may give another picture than the total
    (helper-57: 5.6's 1,27 beside 12,2 against 5,0 by origin alone); '' for the others."""
    within = ind.compared_within
    if not within or within in code.split("_"):
        return ""
    name = data.name("breakdown", within).lower()
    return (
        f"Tabellen viser hver gruppe under ét. Indikatorens tal sammenligner grupperne inden "
        f"for hver {name} for sig, så en forskel i gruppernes fordeling på {name} ikke tæller "
        "med: derfor kan tabellen give et andet billede end indikatorens tal."
    )


def provisional_mark(is_provisional: bool | None, value: float | None) -> str:
    """' (foreløbig)' beside a shown figure its source still revises, in a breakdown table,
    as in the overview and the workbook (the country's month is often provisional where
    Ballerup's is final); '' otherwise."""
    return " (foreløbig)" if is_provisional and value is not None else ""


def _area_cell(value: float | None, suppressed: bool, provisional: bool, unit: str) -> str:
    """Another area's figure in a breakdown table: '–' where it is hidden."""
    if suppressed:
        return formats.SUPPRESSED
    return formats.value_text(value, unit) + provisional_mark(provisional, value)


def _breakdown_tables(ind: Indicator, data: ReportData) -> list[dict]:
    # the areas also compared (0.1's Region Hovedstaden), a column each beside the comparator's
    also_codes = list(ind.row.get("also_compared_area_codes") or [])
    tables: dict[str, list[dict]] = {}
    with_counts: set[str] = set()
    comparisons: dict[str, bool] = {}
    for r in ind.breakdown:
        if r["numerator"] is not None or r["denominator"] is not None:
            with_counts.add(r["breakdown"])
        # a row comparing groups (5.6's ratio within a target group): its count is the
        # smallest of the groups' counts, and it has no value where the comparison is not
        # defined (no sanction in either group), which is not missing data
        compares = bool(ind.compares_groups) and r["unit"] == ind.unit
        comparisons[r["breakdown"]] = comparisons.get(r["breakdown"], True) and compares
        undefined = compares and r["value"] is None and r["numerator"] is not None
        cells = {
            "label": r["label_da"],
            "value": formats.SUPPRESSED
            if r["is_suppressed"]
            else UNDEFINED.get(r["unit"], "kan ikke beregnes")
            if undefined
            else formats.value_text(r["value"], r["unit"])
            + provisional_mark(r["is_provisional"], r["value"]),
            "numerator": formats.SUPPRESSED
            if r["is_suppressed"]
            else formats.number(r["numerator"], "count"),
            "denominator": formats.SUPPRESSED
            if r["is_suppressed"]
            else formats.number(r["denominator"], "count") or "",
            "comparator": _area_cell(
                r["comparator_value"],
                r["comparator_suppressed"],
                r["comparator_provisional"],
                r["unit"],
            ),
            "also": [
                _area_cell(a["value"], a["is_suppressed"], a["is_provisional"], r["unit"])
                if (a := also.get(code))
                else formats.NO_DATA
                for also in [{a["area_code"]: a for a in r.get("also_compared") or []}]
                for code in also_codes
            ],
            "is_suppressed": r["is_suppressed"],
        }
        tables.setdefault(r["breakdown"], []).append(cells)
    return [
        {
            "code": code,
            "name": data.name("breakdown", code),
            "rows": rows,
            "has_counts": code in with_counts,
            "count_heads": COUNT_HEADS.get(ind.unit, SHARE_COUNT_HEADS),
            "compares": comparisons.get(code, False),
            # a comparator column with no figure in it is said once, below the table
            "has_comparator": any(r["comparator"] != formats.NO_DATA for r in rows),
            # an area also compared: a column where it has a figure of the breakdown
            "also": [
                (data.area_names.get(code, str(code)), n)
                for n, code in enumerate(also_codes)
                if any(r["also"][n] != formats.NO_DATA for r in rows)
            ],
            # every cell hidden and no comparator to show: a sentence, not a table of dashes
            # (3.1's two target groups: one small, so the other would reveal it; helper-55)
            "all_hidden": all(r["is_suppressed"] for r in rows)
            and all(
                c in (formats.NO_DATA, formats.SUPPRESSED)
                for r in rows
                for c in (r["comparator"], *r["also"])
            ),
            "pooled_note": pooled_note(ind, code, data),
        }
        for code, rows in tables.items()
    ]


def _by_date(reforms: list[dict]) -> list[dict]:
    return sorted(reforms, key=lambda r: r["effective_date"])


def _break(ind: Indicator, reform: dict, of_total: bool) -> dict:
    """A reform that breaks the indicator's series (of the total, or of its breakdowns only),
    as its section names it: dated by the reform, and, where a period's persons came in
    before it (a follow-up's cohorts, 2.3's 52 weeks, a year straddling it: seed reforms'
    dated_by), with the first period of the series after it (fct_indicator_values
    .series_since_reform_id), which may start months later: 1.5's after 1 February 2026 in
    August 2026, after its July 2026 break (helper-110)."""
    start = ind.series_starts.get((of_total, reform["reform_id"]))
    effective = reform["effective_date"]
    later = start is not None and (start.year, start.month) > (effective.year, effective.month)
    period_type = ind.row.get("period_type") or ind.row.get("catalogue_period_type")
    return {
        **reform,
        "date": formats.date_text(effective),
        "series_start": formats.period_text(start, period_type) if later else None,
    }


def _view(ind: Indicator, data: ReportData) -> dict:
    # matplotlib on first use: 0.4 s of every process that loads the Dagster definitions
    from pipeline.report.charts import history_chart

    status = data.status(ind.status)
    # a value that is itself a change since a year before (0.2) shows the year before's value,
    # not a change of the change with its verdict (change_words)
    change = (
        data.status(ind.published_change_status, "change") if ind.published_change_status else None
    )
    has_comparator_area = (
        ind.comparator_area_code is not None and ind.comparator_area_code != BALLERUP
    )
    return {
        "ind": ind,
        "anchor": formats.indicator_anchor(ind.indicator_id),
        "value_text": shown_value(ind),
        # a value whose figure says nothing of its unit ('1,27'): its unit's name beside it
        "value_unit": data.name("unit", ind.unit)
        if ind.unit in formats.UNIT_NAMED_BESIDE and ind.is_computed and ind.value is not None
        else "",
        "period_text": (
            formats.period_text(ind.period, ind.period_type)
            + (", foreløbig" if ind.is_value_provisional else "")
        )
        if ind.is_computed and ind.period is not None
        else "",
        "newer_text": newer_text(ind),
        "hidden_history_text": hidden_history_text(ind, dbt_var("small_cell_threshold")),
        "comparator_text": comparator_text(ind, data.area_names),
        "comparator_area_name": data.area_names.get(ind.comparator_area_code)
        if has_comparator_area
        else None,
        "change_text": change_words(ind) if ind.is_computed and ind.period is not None else "",
        "change_interval": formats.change_interval_text(*ind.change_interval, ind.unit),
        # the facts line's words before the change ('Året før: …' says itself what it is)
        "change_label": "" if ind.is_change_since_year_before else "Ændring siden året før: ",
        "status_symbol": status.symbol,
        "status_class": status.css_class,
        "status_sentence": verdict_text(ind, data.area_names),
        "interval_text": formats.interval_text(
            ind.ci_lower, ind.ci_upper, ind.unit, judged_decimals(ind)
        ),
        "interval_label": formats.interval_label(ind.interval_method).capitalize(),
        "persons_text": formats.persons_text(ind.n_counted, ind.counted_da, ind.compares_groups),
        "change_status": change,
        "mix_text": mix_words(ind, data) if ind.is_computed and ind.period is not None else "",
        "mix_status": data.status(ind.mix_change_status, "change")
        if ind.mix_change_status
        else None,
        "chart": None
        if ind.is_retired
        else history_chart(ind, data.area_names, data.name("unit", ind.unit)),
        # the reforms that break its published series, named under the figures
        # by the reforms' dates (ind.reforms is by the first period of each series)
        "breaks": [_break(ind, r, True) for r in _by_date(ind.reforms)],
        "breakdown_breaks": [_break(ind, r, False) for r in _by_date(ind.breakdown_reforms)],
        "revision_text": revision_text(ind),
        "breakdown_tables": (tables := _breakdown_tables(ind, data)),
        # a dash in a table shown: the legend under the tables says what it means
        "any_suppressed": any(
            row["is_suppressed"] for t in tables if not t["all_hidden"] for row in t["rows"]
        ),
        "replaced_by": next(
            (i for i in data.indicators if i.indicator_id == ind.replaced_by), None
        ),
        "comparable_text": comparable_text(
            ind, data.comparable.get(ind.indicator_id), data.home_name
        ),
        "outlook_text": outlook_text(
            ind, data.outlook.get(ind.indicator_id), data.reforms, data.area_names
        ),
        "course": data.status(data.outlook[ind.indicator_id]["on_course"], "course")
        if ind.indicator_id in data.outlook and not ind.is_retired
        else None,
    }


# the revised periods a revision sentence names; the rest are counted
REVISIONS_NAMED = 3


def revision_text(ind: Indicator) -> str:
    """What changed since the month before's report (marts._revisions, as the outputs write
    the figures): 'Revideret siden offentliggørelsen 6. november 2026 kl. 06.12: oktober 2026
    fra 12,3 % til 12,5 % …', the home municipality's totals newest first, and how many of
    its other figures shown (breakdowns, the compared areas) changed; '' where none did. The
    sources revise their latest months, and a corrected delivery any month: a figure the
    committee saw is not changed silently. An indicator computed another way since then
    (Indicator.redefined) is said as that, not as the sources' revision."""
    named = ind.revisions[:REVISIONS_NAMED]
    others = len(ind.revisions) - len(named) + ind.other_revisions
    if not named and not others:
        return ""
    since = ""
    if ind.revised_since is not None:  # published_at is UTC; the reader's clock is Danish
        before = ind.revised_since.replace(tzinfo=UTC).astimezone(LOCAL_TIME)
        since = f" siden offentliggørelsen {formats.date_text(before)}"
    parts = [formats.revision_words(r) for r in named]
    if others and parts:
        word = "andet tal" if others == 1 else "andre tal"
        parts.append(f"og {others} {word} i fordelingerne eller for de sammenlignede områder")
    elif others:
        parts.append(f"{others} tal i fordelingerne eller for de sammenlignede områder")
    if ind.redefined:  # a change of code, not of data: not said as the sources' revision
        return (
            f"Beregnet på en ny måde{since}: {'; '.join(parts)}. Indikatorens definition eller "
            "beregning er ændret siden da (se definitionen); ændringen kan også skyldes, at "
            "kilderne har revideret tallene."
        )
    return (
        f"Revideret{since}: {'; '.join(parts)}. Kilderne reviderer de seneste måneder, og en "
        "rettet levering kan ændre tidligere perioder."
    )


# the statuses of an indicator judged against a goal: it would be projected, if it could be
JUDGED = ("opfyldt", "ikke opfyldt", "ikke afgjort", "for få til en vurdering", "ikke vurderet")


def no_projection_text(ind: Indicator) -> str:
    """Why an indicator judged against a goal has no projection (fct_indicator_forecast
    projects only the series since the last reform that breaks it, of at least MIN_HISTORY
    months): 'Ingen fremskrivning: serien siden bruddet 1. juli 2025 har 16 måneder; en
    fremskrivning kræver 18.'; for a rank and a yearly figure, which the model does not
    project, why (helper-59: the report said nothing for 2.1, 4.1 and 4.3); '' for an
    indicator not judged against a goal. The months counted are the periods of the status
    period's series (a rolling year joins the new series only once its whole year is after
    the break)."""
    from pipeline.forecast import MIN_HISTORY

    if ind.status not in JUDGED or ind.period is None:
        return ""
    if ind.unit == "rank":
        return (
            "Ingen fremskrivning: en placering afhænger af de andre kommuners tal, så den "
            "fremskrives ikke."
        )
    if ind.period_type not in ("month", "rolling_year"):
        return (
            f"Ingen fremskrivning: tallet opgøres én gang om året, og en fremskrivning "
            f"kræver {MIN_HISTORY} perioder."
        )
    points = ind.series.get(BALLERUP, [])
    at_status = ind.point(BALLERUP)
    current = at_status.series if at_status is not None else None
    since = next((r["effective_date"] for r in ind.reforms if r["reform_id"] == current), None)
    if since is not None:
        months = [p.period for p in points if p.series == current and p.period <= ind.period]
        if len(months) < MIN_HISTORY:
            # a figure whose persons entered before its month (2.3's 52 weeks, a follow-up's
            # cohorts: counted_from_months) joins the new series only when all entered after
            first = min(months, default=None)
            later = (
                f" (fra {formats.period_text(first, ind.period_type)}, det første tal, der kun "
                "dækker tiden efter bruddet)"
                if first is not None and first > since
                else ""
            )
            return (
                f"Ingen fremskrivning: serien siden bruddet {formats.date_text(since)} har "
                f"{len(months)} {'måned' if len(months) == 1 else 'måneder'}{later}; en "
                f"fremskrivning kræver {MIN_HISTORY}."
            )
    return (
        f"Ingen fremskrivning: der er ikke {MIN_HISTORY} sammenhængende måneder med et "
        "offentliggjort tal at fremskrive fra."
    )


def outlook_text(
    ind: Indicator,
    o: dict | None,
    reforms: list[dict] = (),
    area_names: dict[int, str] | None = None,
) -> str:
    """The projection at its horizon (var projection_horizon_months), its interval, the model's
    back-test error and, for a share with a target, what it takes: 'Fremskrivning for oktober 2027:
    5,6 % (0,0–15,9 %, 95 %-interval), ud fra 94 måneder til og med oktober 2026, ved eksponentiel
    udglatning med sæson. Modellen er valgt, fordi den ramte bedst, ... i gennemsnit 1,3 pct.-point
    ved siden af. Andelen havde ligget på målets 25,0 % i oktober 2026 med 38 flere af de 677
    borgere, ...'; a goal that is a comparator's figure named with its period, held fixed
    (and provisional while its source revises it); and the reforms expected before the
    projected month (marts.dim_reform, status expected), which the projection cannot know
    of."""
    if ind.is_retired:
        return ""
    if o is None:
        return no_projection_text(ind)
    unit = ind.unit
    error_unit = "pct_points" if unit == "pct" else unit
    text = (
        f"Fremskrivning for {formats.period_text(o['forecast_period'], 'month')}: "
        f"{formats.value_text(o['forecast'], unit)} "
        f"({formats.interval_text(o['lower'], o['upper'], unit)}, {formats.LEVEL}-interval), "
        f"ud fra {o['n_history']} måneder til og med "
        f"{formats.period_text(o['status_period'], 'month')}, ved {o['model_da']}. Modellen er "
        "valgt, fordi den ramte bedst, når den blev prøvet på de tidligere måneder: i "
        f"gennemsnit {formats.value_text(o['backtest_mae'], error_unit)} ved siden af, over "
        f"fremskrivninger fra 1 til {HORIZON} måneder frem (fejlen er som regel større, jo "
        "længere frem)."
    )
    # a projection that is the latest figure as shown (2.5's and 3.2's in the sample: the
    # model follows the latest month wholly) expects no change: said, not left to be noticed
    # (helper-57)
    if formats.value_text(o["forecast"], unit) == formats.value_text(o["status_value"], unit):
        text += (
            " Fremskrivningen er det samme tal som for "
            f"{formats.period_text(o['status_period'], 'month')}: modellen forventer ingen "
            "ændring ud over den tilfældige variation, som intervallet viser."
        )
    # a goal that is a comparator's figure (2.5, 3.2: the country's) moves, and the projection
    # holds today's fixed: the course is said against that figure, named with its period,
    # and as provisional while its source still revises it (helper-75)
    if ind.comparator != "fixed_target" and o["goal"] is not None and o["on_course"]:
        area = (area_names or {}).get(ind.comparator_area_code)
        text += (
            f" Kursen er målt mod {area + 's' if area else 'sammenligningens'} tal for "
            f"{formats.period_text(ind.period, ind.period_type)}, "
            f"{formats.value_text(o['goal'], unit)}"
            + (", som endnu er foreløbigt" if ind.is_comparator_provisional else "")
            + ", holdt fast: hvor det ligger i "
            + f"{formats.period_text(o['forecast_period'], 'month')}, vides ikke."
        )
    if o["count_to_target"]:
        more = "færre" if ind.direction == "lower_is_better" else "flere"
        # the target's level, by the value; a verdict would need its interval past it too
        text += (
            f" Andelen havde ligget på målets {formats.value_text(ind.target_value, unit)} i "
            f"{formats.period_text(o['status_period'], ind.period_type)}"
            f" med {formats.number(o['count_to_target'], 'count')} {more} af de "
            f"{formats.number(o['share_base'], 'count')} borgere, andelen er opgjort blandt."
        )

    def concerns(r: dict) -> bool:  # a row that names what it affects names this one, or
        named = [*r["affects_indicators"], *(e["indicator_id"] for e in r["affects_breakdowns"])]
        return not named or ind.indicator_id in named  # names nothing yet: may affect all

    ahead = [
        r
        for r in reforms
        if r["status"] == "expected"
        and o["status_period"] < r["effective_date"] <= o["forecast_period"]
        and concerns(r)
    ]
    for r in ahead:
        name = r["name_da"].removesuffix(" (forventet)")
        text += (
            f" Fremskrivningen kender ikke reglerne i {name[:1].lower() + name[1:]}, som "
            f"forventes at træde i kraft {formats.date_text(r['effective_date'])}."
        )
    return text


def hidden_history_text(ind: Indicator, threshold: int) -> str:
    """Where periods of the home municipality's history before the status period are hidden,
    how many and which, so that a chart of one point or a broken line is not read as a
    history that begins late (5.6's 2025 alone, its 2019-2024 hidden: helper-78); '' where
    none is."""
    if ind.is_retired or ind.period is None:
        return ""
    earlier = [p for p in ind.series.get(BALLERUP, []) if p.period < ind.period]
    hidden = [p.period for p in earlier if p.is_suppressed]
    if not hidden:
        return ""
    periods = [formats.period_text(p, ind.period_type) for p in hidden]
    which = periods[0] if len(periods) == 1 else f"{periods[0]} og {periods[-1]}"
    if len(periods) > 2:
        which = f"{len(periods)} af de {len(earlier)} perioder fra {periods[0]} til {periods[-1]}"
    return (
        f"Skjult i historikken: {which}, fordi tallet bygger på færre end {threshold} "
        "personer, eller fordi et lille tal i en af grupperne ellers kunne regnes ud af det."
    )


def comparable_text(ind: Indicator, c: dict | None, home: str) -> str:
    """Where the home municipality stands among the comparable municipalities, in words:
    'Sammenlignelige kommuner: median 18,0 % (14,0-20,0 %); Ballerup nr. 2 af 4 (nr. 1 er
    bedst)': nr. 1 is the lowest share where lower is better (2.5), the highest where higher
    is (4.1), which the reader cannot tell from the number alone (helper-57)."""
    if c is None or ind.is_retired:
        return ""
    # the range as an interval is written: in words where an end is negative (0.2's
    # '(fra -1,2 til 4,4 %)', not a dash beside a minus sign: helper-78)
    spread = (
        f" ({formats.interval_text(c['comparable_min'], c['comparable_max'], ind.unit)})"
        if c["n_comparable"] > 1
        else ""
    )
    n, provisional = c["n_comparable"], c["n_comparable_provisional"]
    revised = (
        ""
        if not provisional
        else ", alle foreløbige"
        if provisional == n
        else f", heraf {provisional} foreløbige"
    )
    text = (
        f"Sammenlignelige kommuner ({formats.period_text(c['period'], ind.period_type)}, "
        f"{n} med et offentliggjort tal for indikatoren{revised}): median "
        f"{formats.value_text(c['comparable_median'], ind.unit)}{spread}"
    )
    if c["home_rank"] is not None:  # ranked by the indicator's direction (fct_comparable_level)
        text += f"; {home} nr. {c['home_rank']} af {c['n_ranked']} (nr. 1 er bedst)"
        # a rank of point values is no verdict: how much of it the uncertainty leaves open
        within = c["n_comparable_within_home_interval"]
        if within is not None:
            # a rank among ties has the range rounding allows, no statistical uncertainty
            what = "afrundingsintervallet" if ind.interval_method == "rounding" else "usikkerheden"
            whose = f"{what} på {formats.genitive(home)} tal"
            text += (
                f", men alle {n} ligger inden for {whose}, så placeringen er ikke sikker"
                if within == n and n > 1
                else f", men {within} af de {n} ligger inden for {whose}"
                if within
                else f"; ingen af de {n} ligger inden for {whose}"
            )
    return text


def render_html(data: ReportData, built_at: datetime) -> tuple[str, int]:
    views = {i.indicator_id: _view(i, data) for i in data.indicators}
    counts: dict[str, int] = {}
    for i in data.indicators:
        counts[i.status] = counts.get(i.status, 0) + 1
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
    )
    env.filters["keep_units"] = formats.keep_units
    env.filters["hyphenate"] = formats.hyphenate
    html = env.get_template("index.html.j2").render(
        home=data.home_name,
        home_genitive=formats.genitive(data.home_name),
        groups=data.groups,
        views=views,
        status_counts=[
            (s.status, s.symbol, s.css_class, counts.get(s.status, 0)) for s in data.verdicts()
        ],
        data_until=data.data_until_text,
        data_until_short=data.data_until_short,
        # _publication.published_at is UTC; the reader's clock is Danish
        level=formats.LEVEL,
        published_at=formats.date_text(
            data.published_at.replace(tzinfo=UTC).astimezone(LOCAL_TIME)
        ),
        built_at=formats.date_text(built_at),
        threshold=dbt_var("small_cell_threshold"),
        min_persons=dbt_var("min_persons_for_verdict"),
        design_effect=formats.design_effect_text(),
        status_colours=formats.STATUS_COLOURS,
        expected=[_expected_row(r) for r in data.expected_level],
        comparable_names=data.comparable_names,
        summaries={
            g.code: group_summary(g, list(data.statuses.values()), data.outlook)
            for g in data.groups
        },
        reforms=[
            {
                **r,
                "date": formats.date_text(r["effective_date"]),
                "expected": r["status"] == "expected",
                "indicators": formats.reform_affects(r, data.code_names) or "–",
            }
            for r in data.reforms
        ],
        n_comparable=dbt_var("n_comparable_municipalities"),
        expected_period=formats.period_text(
            data.expected_level[0]["period"] if data.expected_level else None, "rolling_year"
        ),
    )
    return html, sum(1 for v in views.values() if v["chart"])


def _expected_row(r: dict) -> dict:
    """A row of STAR's expected level as the report prints it: shares with one decimal, the
    difference in points and persons with its sign in words, the ranks 'nr. 12 af 98'."""
    diff = r["diff_pct"]
    verdict = r["difference_da"] or ""  # its sign in words (marts.fct_expected_level)
    return {
        "group": r["ydelsesgruppe"],
        "expected": formats.value_text(r["expected_pct"], "pct"),
        "actual": formats.value_text(r["actual_pct"], "pct"),
        "diff": formats.value_text(diff, "pct_points"),
        "persons": formats.number(r["diff_ftp"], "count"),
        "verdict": verdict,
        "rank_national": f"nr. {r['rank_national']} af {r['n_ranked_national']}",
        "rank_region": f"nr. {r['rank_region']} af {r['n_ranked_region']}",
    }


def change_words(ind) -> str:
    """The change since a year before in words (formats.change_text; a rank known to its
    ties' range moves by the range between the two years' ranges, formats.rank_change_text),
    or why there is none: not computed across a reform, this period's value or the year
    before's hidden (a small cell), rather than 'ingen værdi året før' where a value exists
    but is not shown. A value
    that is itself a change since a year before (0.2) shows the year before's value."""
    if ind.change_status == "ikke sammenlignelig":
        return "ikke opgjort"
    if ind.is_value_hidden:
        return "ikke opgjort, da periodens værdi er skjult"
    before = ind.year_before
    # 0.2's -2,0 % (per cent since the same month a year before) against -1,8 % the year
    # before: '-0,2 pct.-point' would read as a fall of the share itself (helper-57)
    if ind.is_change_since_year_before and before is not None and before.value is not None:
        return f"Året før: {formats.value_text(before.value, ind.unit)}"
    if ind.change_from_year_before is not None:
        if ind.unit == "rank":  # known to its ties' range: the status's own and the year before's
            before_range = (before.ci_lower, before.ci_upper) if before else (None, None)
            ends = (ind.ci_lower, ind.ci_upper, *before_range)
            if None not in ends:
                return formats.rank_change_text(ends[0] - ends[3], ends[1] - ends[2])
        return formats.change_text(ind.change_from_year_before, ind.unit)
    if before is not None and before.is_suppressed:
        return "værdien året før er skjult, fordi for få personer står bag den"
    return formats.change_text(None, ind.unit)


def mix_words(ind, data) -> str:
    """The change since a year before at this period's mix of a breakdown's groups
    (fct_indicator_status.mix_*; 1.1's target groups), in words: the same groups' share a
    year before, the share their shares then give at this period's mix, and this period's,
    with the groups' persons in both periods; the change in those groups cut in what the
    mix's change explains and the change within the groups (mix_change, with its interval);
    '' for an indicator the catalogue does not adjust (mix_adjusted_by). Only a share is
    adjusted (the model's rule), so its change is in percentage points. The status word of
    the change within the groups follows it (the template), not the change's sentence,
    which is the total's."""
    if not ind.mix_adjusted_by:
        return ""
    period = formats.period_text(ind.period, ind.period_type)
    said = (
        f"Ved samme fordeling på {data.name('breakdown', ind.mix_adjusted_by).lower()} "
        f"som i {period}"
    )
    if ind.mix_change_status == "ikke sammenlignelig":
        return f"{said}: ikke opgjort, fordi en reform mellem de to perioder ændrer grupperne."
    if ind.mix_change is None:
        return f"{said}: kan ikke beregnes, fordi ingen gruppe er vist i begge perioder."
    year_before = formats.period_text(ind.period.replace(year=ind.period.year - 1), ind.period_type)
    interval = formats.change_interval_text(
        ind.mix_change_ci_lower, ind.mix_change_ci_upper, ind.unit
    )
    counted = ind.counted_da or "personer"
    # the change in the same groups, cut in two: what the mix's change explains (expected
    # minus the year before) and what it does not (mix_change: this period minus expected),
    # each from the unrounded shares, as the facts line's change: where the groups hold
    # everyone, the two say the same change (from the shares as shown, 21,0 - 21,1 gave -0,1
    # beside the facts line's -0,2: review, December 2026). The parts, each rounded, may
    # then differ from their sum's rounding by a unit of the last decimal.
    before, expected, now = ind.mix_value_year_before, ind.mix_expected, ind.mix_value
    in_groups, from_mix, within = now - before, expected - before, now - expected
    return (
        f"{said}: i de grupper, der er vist begge år "
        f"({formats.number(ind.mix_n_counted, 'count')} af "
        f"{formats.number(ind.n_counted, 'count')} {counted} i {period}, "
        f"{formats.number(ind.mix_n_counted_year_before, 'count')} i {year_before}), var "
        f"andelen {formats.value_text(ind.mix_value_year_before, ind.unit)} i {year_before} og "
        f"{formats.value_text(ind.mix_value, ind.unit)} i {period} "
        f"({formats.change_text(in_groups, ind.unit)}). Havde andelen i hver gruppe været "
        f"som i {year_before}, ville den med fordelingen i {period} have været "
        f"{formats.value_text(ind.mix_expected, ind.unit)}: den ændrede fordeling forklarer "
        f"{formats.change_text(from_mix, ind.unit)}, og ændringen inden for grupperne er "
        f"{formats.change_text(within, ind.unit)}"
        + (f" ({interval})" if interval else "")
        + (":" if ind.mix_change_status else ".")  # the template adds its status word
    )


def newer_text(ind) -> str:
    """Why the status rests on an earlier period than the newest: the newer ones are still
    revised (fct_indicator_status keeps to the latest final period, its value shown or hidden:
    a hidden month never hands the status to an earlier one); '' when the status is on the
    newest period."""
    if ind.period is None:
        return ""
    newer = [p for p in ind.series.get(BALLERUP, []) if p.period > ind.period]
    if not any(p.is_provisional for p in newer):
        return ""
    since = formats.period_text(ind.period, ind.period_type)
    # final is the municipality's own figure; the comparator's of that period may not be
    # (the country's table is revised longer: helper-68)
    theirs = (
        " Sammenligningstallet for den periode er dog stadig foreløbigt."
        if ind.is_comparator_provisional
        else ""
    )
    return (
        f"Status bygger på {since}, den seneste periode med et endeligt tal for kommunen: de "
        "nyere perioder er foreløbige, fordi kilderne stadig reviderer dem (skraveret i "
        f"grafen).{theirs}"
    )


def build_report(settings: Settings) -> ReportResult:
    with published_by_this_code(settings.analytics_path):
        return _build_report(settings)


def _build_report(settings: Settings) -> ReportResult:
    data = load(settings.analytics_path, with_history=True)
    built_at = datetime.now(LOCAL_TIME)
    out = settings.report_path
    missing = missing_libraries()
    workbook, pdf_path = settings.workbook_path, settings.report_pdf_path
    # the page, the workbook and the PDF are made aside and replace the last ones together:
    # a failure in any leaves all three as they were (a failed page deleted the last good
    # PDF, a failed workbook left a new page beside the old one: helper-114)
    with installed_together([out, workbook] + ([] if missing else [pdf_path])) as tmps:
        # the PDF is printed in a child process, started now (its imports while the charts
        # are drawn), printing while this one builds the workbook
        pdf = nullcontext() if missing else printing(tmps[out], tmps[pdf_path])
        with pdf as printer:
            html, n_charts = render_html(data, built_at)
            tmps[out].write_bytes(html.encode("utf-8"))
            if printer is not None:
                printer.start()
            failpoint("report.workbook")  # the page written aside, the workbook not yet
            build_workbook(data, tmps[workbook], built_at)
    if missing:
        # an older PDF would not match the new page: none rather than a stale one
        pdf_path.unlink(missing_ok=True)
    stamp_made_from(settings.report_dir, "report", data.published_at.isoformat())  # all made: last
    return ReportResult(
        out,
        workbook,
        None if missing else settings.report_pdf_path,
        len(data.indicators),
        sum(1 for i in data.indicators if i.value is not None and i.period),
        n_charts,
        pdf_missing=(
            f"no PDF: the system lacks {', '.join(missing)} ({INSTALL_HINT})" if missing else ""
        ),
    )
