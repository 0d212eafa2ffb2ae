"""How the report writes figures, periods and statuses in Danish.

Numbers: decimal comma, thousands dot (`pipeline.danish.format_number`). Periods: "oktober
2026", "3. kvartal 2026", "12 mdr. til og med oktober 2026". A status is a word, a symbol
and a colour class (marts.dim_status), so it reads in black and white too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime

from markupsafe import Markup, escape

from pipeline.config import dbt_var
from pipeline.danish import format_number, rounded

MONTHS = [
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
]

# what follows a figure of each unit ("3,5 %", "12 uger"); count and ratio stand alone (the
# units: seed units; tests/test_report.py holds these keys to it)
UNIT_SUFFIX = {
    "pct": " %",
    "pct_change": " %",
    "pct_points": " pct.-point",
    "per_10000": " pr. 10.000",
    "per_100": " pr. 100",
    "weeks": " uger",
}
# a change of a percentage is in percentage points (a rank's change is said in words)
CHANGE_SUFFIX = {**UNIT_SUFFIX, "pct": " pct.-point", "pct_change": " pct.-point"}
UNIT_DECIMALS = {"rank": 0, "count": 0, "ratio": 2}
# units whose figure alone does not say what it is (5.6's '1,27'): the facts line names the
# unit beside the value (a chart names its axis: charts.TICK_UNITS)
UNIT_NAMED_BESIDE = {"ratio"}

# a status's colours (ink, background) by its class (marts.dim_status.css_class): the report's
# CSS and the workbook's cells take them from here. The codes' names (units, directions,
# breakdowns, ...) are not here: marts.dim_catalogue_code holds them (ReportData.name).
STATUS_COLOURS = {
    "ok": ("#1b6e2d", "#e3f3e6"),
    "bad": ("#a31d1d", "#fbe4e4"),
    "level": ("#6b5300", "#fbf3d6"),
    "few": ("#555555", "#eeeeee"),
    "none": ("#555555", "#eeeeee"),
    "retired": ("#555555", "#eeeeee"),
}


def sources_da(home: str) -> str:
    """Where the figures come from, as the committee knows the publications ('home': the
    municipality's name, dim_area)."""
    return (
        f"{home} Kommunes sagssystem og ydelsesregister (kommunens egne tal); Jobindsats "
        "(Styrelsen for Arbejdsmarked og Rekruttering); Danmarks Statistik, Statistikbanken"
    )


def genitive(name: str) -> str:
    """A name's Danish genitive: 'Ballerups', 'Hvidovres'; after s, x or z an apostrophe
    ('Halsnæs'')."""
    return name + ("'" if name[-1:].lower() in "sxz" else "s")


# The level of every interval the report and the workbook name: 1 - var interval_alpha, as
# the models compute them (macro intervals, pipeline/forecast.py): "95 %"
LEVEL = f"{round(100 * (1 - dbt_var('interval_alpha')))} %"
MINUS = "\N{MINUS SIGN}"
SUPPRESSED = "–"  # en dash: a small cell, not shown
NO_DATA = "ingen data"


def decimals_for(unit: str) -> int:
    """How many decimals a figure of this unit is shown with (one unless said here)."""
    return UNIT_DECIMALS.get(unit, 1)


def number(value: float | None, unit: str, decimals: int | None = None) -> str:
    """The bare figure, '3,5' or '\N{MINUS SIGN}0,4' (a true minus sign), with the unit's
    decimals unless `decimals` says otherwise; '' for None."""
    if value is None:
        return ""
    decimals = decimals_for(unit) if decimals is None else decimals
    text = format_number(rounded(value, decimals), decimals)  # no minus on a zero
    return MINUS + text[1:] if text.startswith("-") else text


# units whose figures are signed (seed units: a change since a year before, a gap between
# groups): 'under 0,1 %' would take in every fall too
SIGNED_UNITS = {"pct_change", "pct_points"}


def telling_decimals(unit: str, *pairs: tuple[float | None, float | None]) -> int:
    """The decimals that show each pair of different figures as different: the unit's, or
    up to three more where an interval's end and the comparator it is judged against would
    read alike (2.3: an interval from 16,977 % judged above the country's 16,960 % read
    '17,0' beside '17,0 %', as 4.1's did beside a comparator inside its interval: helper-78)."""
    decimals = decimals_for(unit)
    wanted = decimals
    for a, b in pairs:
        if a is None or b is None or a == b:
            continue
        more = decimals
        while number(a, unit, more) == number(b, unit, more) and more < decimals + 3:
            more += 1
        if number(a, unit, more) != number(b, unit, more):  # else more decimals tell nothing
            wanted = max(wanted, more)
    return wanted


def value_text(value: float | None, unit: str, decimals: int | None = None) -> str:
    """'3,5 %', 'nr. 4', '1.234'; 'ingen data' when there is none. A positive figure that
    would round to zero reads 'under 0,1 %': '0,0 %' beside a count of 5 (5 of 12.128)
    reads as none; not a signed one (SIGNED_UNITS), for which 0,0 says it to the decimal."""
    if value is None:
        return NO_DATA
    if unit == "rank":
        return f"nr. {number(value, unit)}"
    suffix = UNIT_SUFFIX.get(unit, "")
    if value > 0 and unit not in SIGNED_UNITS and number(value, unit) == number(0, unit):
        return f"under {number(10 ** -decimals_for(unit), unit)}{suffix}"
    return number(value, unit, decimals) + suffix


def interval_label(interval_method: str | None) -> str:
    """What an interval is called: a 95 % confidence interval, or for a range that the
    rounding of published figures allows (seed interval_methods 'rounding': 2.1's rank among
    ties, 2.5's country) not a statistical one."""
    return "interval ved afrunding" if interval_method == "rounding" else f"{LEVEL}-interval"


def interval_text(
    low: float | None, high: float | None, unit: str, decimals: int | None = None
) -> str:
    """'14,6–17,9 %' (the 95 % interval, an en dash between); with a negative end, in words:
    'fra \N{MINUS SIGN}61,5 til \N{MINUS SIGN}6,4 pct.-point' (a dash beside a minus sign
    reads as a second minus);
    '' without one."""
    if low is None or high is None:
        return ""
    suffix = UNIT_SUFFIX.get(unit, "")
    low_text, high_text = number(low, unit, decimals), number(high, unit, decimals)
    if low < 0 or high < 0:
        return f"fra {low_text} til {high_text}{suffix}"
    return f"{low_text}\N{EN DASH}{high_text}{suffix}"


def target_words(target: Mapping, unit: str) -> str:
    """A fixed target as the outputs say it (`target`: a row of marts.dim_indicator_target,
    or an indicator's row, with target_text, target_value and target_tolerance): its text
    (seed indicator_targets), or its value; with a tolerance, the range it allows, which the
    status judges by (5.6's 'sammenlignelig sanktioneringsgrad' is a rate ratio within
    0,90-1,10; an interval of 1,05-2,10 is 'ikke afgjort', which the target alone, 1, did not
    explain: helper-110)."""
    value, tolerance = target.get("target_value"), target.get("target_tolerance")
    said = target.get("target_text") or value_text(value, unit)
    if tolerance and value is not None:
        return f"{said} ({interval_text(value - tolerance, value + tolerance, unit)})"
    return said


def persons_text(n: float | None, counted: str | None, compares_groups: bool) -> str:
    """What a value rests on: 'n = 2.830 virksomheder' (rounded: fuldtidspersoner are
    fractional), or, for a comparison of groups, the smallest of its groups' counts (those
    flagged or all of a group: macro smallest_count), 'mindste antal: 6 personer'; '' without
    a count."""
    if n is None or not counted:
        return ""
    label = "mindste antal:" if compares_groups else "n ="
    return f"{label} {format_number(n, 0)} {counted}"


def _places(n: int) -> str:
    return f"{n} plads{'er' if n != 1 else ''}"


def change_text(change: float | None, unit: str) -> str:
    """'+0,4 pct.-point', or with a true minus sign (U+2212) '\N{MINUS SIGN}3,5 %';
    'ingen værdi året før' when there is none. A rank's change in words: a higher number is
    a lower place, so 17 to 19 is 'rykket 2 pladser tilbage' and 20 to 15 'rykket 5 pladser
    frem' ('steget', the status word of a number that rose, read the other way; helper-55)."""
    if change is None:
        return "ingen værdi året før"
    change = rounded(change, decimals_for(unit))  # the sign of what is shown
    if unit == "rank":
        places = int(abs(change))
        if not places:
            return "samme placering"
        way = "tilbage" if change > 0 else "frem"
        return f"rykket {_places(places)} {way}"
    sign = "+" if change > 0 else MINUS if change < 0 else "±"
    return sign + format_number(abs(change), decimals_for(unit)) + CHANGE_SUFFIX.get(unit, "")


def rank_change_text(low: float, high: float) -> str:
    """A rank's change where the ranks are known only to the range their ties span (2.1: a
    rank of published shares with one decimal): the change from the year before's range to
    this one's, 'rykket 2–5 pladser frem' for 20 to 15–18, rather than the 5 of the best
    ranks alone (helper-57). `low` and `high` are the least and greatest change in places
    (negative: forward)."""
    low, high = round(low), round(high)
    if low == high:
        return change_text(low, "rank")
    if high <= 0 or low >= 0:
        near, far = sorted((abs(low), abs(high)))
        way = "frem" if high <= 0 else "tilbage"
        if near == 0:
            return f"samme placering eller rykket op til {_places(far)} {way}"
        return f"rykket {near}\N{EN DASH}{far} pladser {way}"
    return f"mellem {_places(-low)} frem og {_places(high)} tilbage"


def change_interval_text(low: float | None, high: float | None, unit: str) -> str:
    """A change's 95 % interval in the change's unit, said in words so that a minus sign is
    never beside a dash: '95 %-interval fra \N{MINUS SIGN}0,2 til 2,3 pct.-point'; '' without
    one (a rank, a rate published without counts, a range that rounding allows)."""
    if low is None or high is None:
        return ""
    suffix = CHANGE_SUFFIX.get(unit, "")
    return f"{LEVEL}-interval fra {_bound(low, unit)} til {_bound(high, unit)}{suffix}"


def bound_decimals(value: float | None, unit: str) -> int:
    """The decimals an interval's end is shown with: the unit's, or, where that would read 0
    of an end that is not (a change judged forbedret from 0.03), as many as it takes to show
    its sign (at most 6). An end too near 0 to show its sign keeps the unit's: it reads 0."""
    decimals = decimals_for(unit)
    more = decimals
    while value and rounded(value, more) == 0 and more < 6:
        more += 1
    return more if value and rounded(value, more) != 0 else decimals


def _bound(value: float, unit: str) -> str:
    """An interval's end as `number` gives it, with the decimals that show its sign
    (bound_decimals): never 0 for an end that is not, never a minus zero."""
    return number(value, unit, bound_decimals(value, unit))


# a figure with its unit ("2,3 pct.-point", "\N{MINUS SIGN}1,0 %", "75 pct.", "95 %-interval",
# "2,5 pr. 10.000", "12 uger", "2 pladser"), or a range of them ("14,5 %\N{EN DASH}17,7 %",
# "14,6\N{EN DASH}17,9 %"), which a line of the report must not break: not at the space, not at
# the hyphen of "pct.-point" or "%-interval", and not after a range's dash. The units are the
# ones figures are written with (UNIT_SUFFIX, CHANGE_SUFFIX), and the words the report writes
# beside figures: an interval's label, a target's "pct.", a rank's places
_FIGURE = r"[\N{MINUS SIGN}+±-]?\d[\d.,]*"
_UNITS = {s.strip() for s in (*UNIT_SUFFIX.values(), *CHANGE_SUFFIX.values())}
_UNIT = "|".join(
    re.escape(u) + (r"\b" if u[-1].isalnum() else "")
    for u in sorted(_UNITS | {"%-interval", "pct.", "pladser", "plads"}, key=len, reverse=True)
)
FIGURE_AND_UNIT = re.compile(rf"(?:{_FIGURE}(?: %)?\N{{EN DASH}})?{_FIGURE} (?:{_UNIT})")


def keep_units(text: str) -> Markup:
    """`text` (escaped) with each figure and its unit in a span that does not wrap
    (`span.nw`), so that a wrapped line never ends in '2,3' or '2,3 pct.-' with the rest of
    its unit on the next (the facts line, the comparable municipalities, the outlook and
    1.1's mix under each indicator; helper-48 and helper-49)."""
    out, at = [], 0
    for found in FIGURE_AND_UNIT.finditer(text):
        out += [escape(text[at : found.start()]), Markup('<span class="nw">')]
        out += [escape(found.group()), Markup("</span>")]
        at = found.end()
    out.append(escape(text[at:]))
    return Markup("").join(out)


# Words of the catalogue's headlines that the Danish hyphenation patterns (pyphen's hyph_da_DK,
# which WeasyPrint uses for `hyphens: auto`) break wrongly: 've-stlig', 'lønt-ilskud',
# 'må-lgruppe', 'pro-cent-po-int', 'aktivitetspa-rate' (found by listing pyphen's breaks of
# every word of the headlines; helper-55 saw 've-stlig' in the overview). Each is written with
# its breaks as Dansk Sprognævn divides compounds (at the joint, then by syllable). A word with
# a soft hyphen is broken only there (CSS Text 3, `hyphens: auto`), so each stem is also found
# inside a longer word ('ikke-vestlige', 'målgrupperne').
HYPHENATION = {
    word.replace("-", ""): word
    for word in (
        "vest-lig",
        "løn-til-skud",
        "mål-grup-pe",
        "pro-cent-point",
        "ak-ti-vi-tets-pa-ra-te",
        "er-hvervs-kom-pe-ten-ce-gi-ven-de",
        "lands-tal",
        # not wrong, but the badge "≠ ikke sammenlignelig" (hyphens: manual) is wider than
        # the overview's change column: it may break at the joint
        "sammen-lignelig",
    )
}
_HYPHENATED = re.compile("|".join(HYPHENATION), re.IGNORECASE)


def hyphenate(text: str) -> Markup:
    """`text` (escaped unless it is Markup, such as keep_units' spans) with soft hyphens where
    HYPHENATION breaks its words, the case of each letter kept; other words are left to the
    renderer's hyphenation."""

    def soft(found: re.Match) -> str:
        word, out = found.group(), []
        for part in HYPHENATION[word.lower()].split("-"):
            out.append(word[: len(part)])
            word = word[len(part) :]
        return "\N{SOFT HYPHEN}".join(out)

    return Markup(_HYPHENATED.sub(soft, str(escape(text))))


def period_text(period: date | None, period_type: str | None) -> str:
    if period is None:
        return NO_DATA
    month = f"{MONTHS[period.month - 1]} {period.year}"
    match period_type:
        case "year":
            return str(period.year)
        case "quarter":
            return f"{(period.month - 1) // 3 + 1}. kvartal {period.year}"
        case "rolling_year":
            return f"12 mdr. til og med {month}"
        case _:
            return month


def revision_words(revision: dict) -> str:
    """A revised figure (a row of marts._revisions) as the report and the alerts say it:
    'oktober 2026 fra 17,2 % til 20,8 %'; one whose count moved by fewer than
    small_cell_threshold without the figure before (it would give the count): 'oktober 2026
    ændret med under 5 i tæller eller nævner (tallet før vises ikke)'."""
    unit = revision["unit"]
    if revision["is_small_change"]:
        return (
            f"{period_text(revision['period'], revision['period_type'])} ændret med "
            f"{small_change_words()} (tallet før vises ikke)"
        )
    return (
        f"{period_text(revision['period'], revision['period_type'])} fra "
        f"{value_text(revision['value_before'], unit)} til {value_text(revision['value'], unit)}"
    )


def small_change_words() -> str:
    """A count's change too small to show: 'under 5 i tæller eller nævner'."""
    return f"under {dbt_var('small_cell_threshold')} i tæller eller nævner"


def design_effect_text(column: str | None = None) -> str:
    """How an interval of a count of events is computed (macros/design_effect.sql), for the
    report's explanation and the workbook's; `column`: the workbook's column that shows the
    design effect."""
    shown = f"kolonnen «{column}»; " if column else ""
    return (
        "Tæller en indikator hændelser (tilbud, sanktioner), kan den samme borger stå bag flere "
        "af dem, og de er da ikke uafhængige: intervallet regnes med periodens designeffekt "
        f"({shown}antallene deles med den), så det bliver så bredt, som gentagelserne gør "
        "usikkerheden; har perioden for få hændelser til at måle den, får tallet intet interval."
    )


def date_text(moment: date | datetime) -> str:
    """'22. november 2026', with the time ('kl. 10.30') for a datetime."""
    text = f"{moment.day}. {MONTHS[moment.month - 1]} {moment.year}"
    if isinstance(moment, datetime):
        text += f" kl. {moment.hour:02d}.{moment.minute:02d}"
    return text


def reform_affects(reform: dict, code_names: dict[tuple[str, str], str]) -> str:
    """The indicators a reform breaks (marts.dim_reform), and those whose breakdowns by one
    dimension only it breaks, by the dimension's name (catalogue code list 'breakdown'):
    '1.3, 1.4; fordelingen på målgruppe: 1.1, 5.1'."""
    parts = [", ".join(reform["affects_indicators"])] if reform["affects_indicators"] else []
    by_dimension: dict[str, list[str]] = {}
    for entry in reform.get("affects_breakdowns") or []:
        by_dimension.setdefault(entry["dimension"], []).append(entry["indicator_id"])
    for dimension, ids in by_dimension.items():
        name = code_names.get(("breakdown", dimension), dimension).lower()
        parts.append(f"fordelingen på {name}: {', '.join(ids)}")
    return "; ".join(parts)


def indicator_anchor(indicator_id: str) -> str:
    """The id of an indicator's section in the report ('2.1' -> 'i-2-1'): alerts link to it."""
    return "i-" + indicator_id.replace(".", "-")
