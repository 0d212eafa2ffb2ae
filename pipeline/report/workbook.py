"""`indikatorer.xlsx`: the report's figures for those who work on in Excel.

Sheets: "Om tallene" (the data's date, when the file was made, the sources, the rules for
small and provisional figures, and what each status means, in its colour), "Overblik" (one
row per catalogue indicator, as the report's overview; statuses coloured as in the report),
one sheet per group ("Overordnet", "Mål 1" … "Mål 5") with every published row for Ballerup,
the indicator's comparator area and the areas shown beside it (0.1: Region Hovedstaden),
"Revisioner" (those areas' figures changed since the publication before, published then and
now; only when some did), and "Definitioner" (the catalogue). Figures are numbers
with a number format, never text (Excel shows them with the reader's decimal comma); a hidden
(small) cell is an empty cell with "ja" in "Skjult". Header rows are frozen and filtered.
Every sheet prints with the data's date, the time it was made and the sources in its page
header and footer.

Written with XlsxWriter (openpyxl took 16 s for the 26,000 rows of a full history; this
takes about one); the tests read the file back with openpyxl.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from pipeline.config import dbt_var, local_zone
from pipeline.report import formats
from pipeline.report.data import Indicator, ReportData

MAX_WIDTH = 60
# the column of a count of events' design effect, named in the sheet's explanation too
DESIGN_EFFECT = "Designeffekt"


@dataclass(frozen=True)
class Stamp:
    """What every sheet says of the figures: their date, when the file was made, sources."""

    data_until: str
    # the printed header's: Excel's limit is 255 characters, and the long form's parenthesis
    # (what a provisional month means for a status) is the sheet "Om tallene"'s to say
    data_until_short: str
    built_at: str
    sources: str

    def apply(self, ws: Worksheet) -> None:
        ws.set_header(
            f"&L{ws.name}&RData til og med {self.data_until_short}, dannet {self.built_at}"
        )
        ws.set_footer(f"&LKilder: {self.sources}&RSide &P af &N")
        ws.set_landscape()
        ws.fit_to_pages(1, 0)


class _Sheet:
    """One sheet: a frozen, filtered header row; widths follow the longest text."""

    def __init__(
        self,
        book: xlsxwriter.Workbook,
        styles: dict,
        title: str,
        headers: list[str],
        stamp: Stamp,
    ):
        self.ws: Worksheet = book.add_worksheet(title)
        stamp.apply(self.ws)
        self.styles = styles
        self.widths = [len(h) + 2 for h in headers]
        self.ws.write_row(0, 0, headers, styles["header"])
        self.ws.freeze_panes(1, 0)
        self.row = 0
        self.book = book

    def style(self, key: str):
        """A style by its key; 'unit:decimals' (an interval's end that takes more decimals
        than its unit's to show its sign, formats.bound_decimals) is made when first asked."""
        if key not in self.styles and ":" in key:
            unit, decimals = key.split(":")
            self.styles[key] = self.book.add_format(
                {"num_format": number_format(unit, int(decimals))}
            )
        return self.styles.get(key)

    def append(self, values: list, number_styles: dict[int, str] | None = None) -> None:
        self.row += 1
        for col, value in enumerate(values):
            style = self.style((number_styles or {}).get(col, ""))
            if value is None:
                self.ws.write_blank(self.row, col, None, style)
            elif isinstance(value, date):
                self.ws.write_datetime(self.row, col, value, self.styles["date"])
                self.widths[col] = max(self.widths[col], 12)
            elif isinstance(value, bool):
                self.ws.write_string(self.row, col, "ja" if value else "nej", style)
            elif isinstance(value, int | float):
                self.ws.write_number(self.row, col, value, style)
                self.widths[col] = max(self.widths[col], 12)
            else:
                self.ws.write_string(self.row, col, str(value), style)
                self.widths[col] = max(self.widths[col], min(len(str(value)) + 2, MAX_WIDTH))

    def finish(self) -> None:
        for col, width in enumerate(self.widths):
            self.ws.set_column(col, col, max(width, 8))
        self.ws.autofilter(0, 0, max(self.row, 1), len(self.widths) - 1)


def number_format(unit: str, decimals: int | None = None) -> str:
    decimals = formats.decimals_for(unit) if decimals is None else decimals
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def _styles(book: xlsxwriter.Workbook, units: list[str]) -> dict:
    styles: dict = {
        "header": book.add_format(
            {"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F4E8C", "text_wrap": True}
        ),
        "date": book.add_format({"num_format": "yyyy-mm-dd"}),
        "count": book.add_format({"num_format": "#,##0.##"}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
    }
    for unit in units:
        styles[unit] = book.add_format({"num_format": number_format(unit)})
    for css, (ink, background) in formats.STATUS_COLOURS.items():
        styles["status_" + css] = book.add_format(
            {"font_color": ink, "bg_color": background, "bold": css == "bad"}
        )
    return styles


@dataclass(frozen=True)
class Column:
    """A sheet's column: its header, its value for a record, and the style key (a unit,
    "count" or "wrap") of that value, if any."""

    header: str
    value: Callable[[Any], Any]
    style: Callable[[Any], str] | None = None


def _write_sheet(book, styles, stamp: Stamp, title: str, columns: list[Column], records) -> None:
    sheet = _Sheet(book, styles, title, [c.header for c in columns], stamp)
    for record in records:
        sheet.append(
            [c.value(record) for c in columns],
            {n: c.style(record) for n, c in enumerate(columns) if c.style},
        )
    sheet.finish()


def _unit(i: Indicator) -> str:
    return i.unit


def _bound_style(i: Indicator, value: float | None) -> str:
    """An interval end's style: its unit's, with the decimals the report shows it with (an
    end of 0.03 reads 0,03, not 0,0: formats.bound_decimals)."""
    decimals = formats.bound_decimals(value, i.unit)
    return i.unit if decimals == formats.decimals_for(i.unit) else f"{i.unit}:{decimals}"


def _about(book, styles, stamp: Stamp, data: ReportData) -> None:
    """The first sheet: what the figures are and how to read them."""
    small = dbt_var("small_cell_threshold")
    rows = [
        ("Data til og med", stamp.data_until),
        ("Dannet", stamp.built_at),
        ("Kilder", stamp.sources),
        (
            "Små tal",
            f"Et tal, der bygger på færre end {small} personer eller fuldtidspersoner, vises "
            "ikke (tom celle, «ja» i "
            "«Skjult»), og heller ikke et tal, som et lille tal kan regnes ud fra.",
        ),
        (
            "Interval",
            f"For kommunens egne tal et {formats.LEVEL}-konfidensinterval "
            "(den statistiske usikkerhed). "
            + (
                "For tal, der bygger på afrundede offentliggjorte tal "
                f"({', '.join(data.rounded_values)}), det interval, som afrundingen tillader "
                f"(«Intervallets art»: {data.name('interval_method', 'rounding')}): et landstal "
                "lagt sammen af afrundede procenter, eller en placering, der deles med "
                "kommuner med samme offentliggjorte tal (fra den bedste til den dårligste "
                "placering, de kan have); en status kræver, at hele det interval ligger på "
                "den ene side af målet eller sammenligningen, og en placering uden antal bag "
                "får ingen vurdering af målet («ikke vurderet»), da dens statistiske "
                "usikkerhed ikke kan opgøres. "
                if data.rounded_values
                else ""
            )
            + formats.design_effect_text(DESIGN_EFFECT)
            + " Offentliggør kilden kun tallet, ikke antallene bag det (en placering eller en "
            "procent alene), kan usikkerheden ikke opgøres: status er da «ikke vurderet» "
            "(«ikke afgjort», hvis heller ikke en direkte sammenligning af de offentliggjorte "
            "tal afgør det), og «Hvad status betyder» siger det.",
        ),
        (
            "Foreløbige tal",
            "De seneste måneder, som kilderne stadig reviderer, er markeret «ja» i «Foreløbig»; "
            "en status bygger på den seneste endelige måned med et offentliggjort tal. Er "
            "sammenligningstallet for den måned stadig foreløbigt, står der «ja» i "
            "«Sammenligningsværdi foreløbig».",
        ),
        (
            "Året før",
            "«Værdi året før» er kommunens tal for samme periode året før, når de to perioder "
            "er opgjort efter de samme regler (ikke hen over en reform); «Ændring siden året "
            "før» er forskellen mellem de to."
            + (
                f" Er tallet selv en ændring siden året før ({', '.join(changes)}), vises "
                "ingen ændring af ændringen og ingen vurdering af den, kun værdien året før."
                if (
                    changes := [
                        i.indicator_id for i in data.indicators if i.is_change_since_year_before
                    ]
                )
                else ""
            ),
        ),
        (
            "Brud i serien",
            "En reform, der ændrer, hvad en indikator måler, bryder dens serie: rækkerne efter "
            "den nævner reformen i «Serie efter reform», og tal fra før og efter er ikke "
            "opgjort efter de samme regler. "
            + "; ".join(
                f"{r['name_da']} ({formats.date_text(r['effective_date'])}): "
                + (formats.reform_affects(r, data.code_names) or "ingen indikatorer")
                for r in data.reforms
                if r["status"] == "in_force"
            )
            + ".",
        ),
    ]
    rows += [(f"{s.symbol} {s.status}", s.sentences_da) for s in data.verdicts()]
    # the change since a year before has its own words («Ændringens vurdering»)
    rows += [(f"Ændring: {s.symbol} {s.status}", s.sentence_da) for s in data.change_words()]
    statuses = {f"{s.symbol} {s.status}": s.css_class for s in data.verdicts()}
    statuses |= {f"Ændring: {s.symbol} {s.status}": s.css_class for s in data.change_words()}
    columns = [
        Column("Emne", lambda r: r[0], lambda r: "status_" + statuses.get(r[0], "")),
        Column("Forklaring", lambda r: r[1], lambda r: "wrap"),
    ]
    _write_sheet(book, styles, stamp, "Om tallene", columns, rows)


def _overview(book, styles, stamp: Stamp, data: ReportData) -> None:
    from pipeline.report import change_words, verdict_text  # the package imports this module

    def compared_with(i: Indicator) -> str | None:
        if i.comparator_area_code is not None:
            return data.area_names.get(i.comparator_area_code)
        # the comparator's name as the catalogue's codes give it (seed catalogue_codes)
        return data.name("comparator", i.comparator) if i.comparator not in (None, "none") else None

    columns = [
        Column("Nr.", lambda i: i.indicator_id),
        Column("Gruppe", lambda i: i.focus_area_label),
        Column("Indikator", lambda i: i.headline_da),
        Column(
            "Periode", lambda i: formats.period_text(i.period, i.period_type) if i.period else None
        ),
        Column("Periodens første dag", lambda i: i.period),
        # Ballerup's own figure; its comparator's is marked beside the comparator's value
        Column("Foreløbig", lambda i: "ja" if i.is_value_provisional else None),
        Column("Seneste værdi", lambda i: i.value, _unit),
        # the status period's value hidden (status skjult): an empty cell with 'ja' here, as
        # a hidden cell on the groups' sheets
        Column("Skjult (lille tal)", lambda i: "ja" if i.is_value_hidden else None),
        Column("Interval, fra", lambda i: i.ci_lower, _unit),
        Column("Interval, til", lambda i: i.ci_upper, _unit),
        Column(
            "Intervallets art",
            lambda i: (
                data.name("interval_method", i.interval_method)
                if i.ci_lower is not None and i.interval_method
                else None
            ),
        ),
        Column("Antal bag tallet", lambda i: i.n_counted, lambda i: "count"),
        Column(
            "Talt i",
            lambda i: (
                f"{i.counted_da} (mindste antal i en gruppe)"
                if i.counted_da and i.compares_groups
                else i.counted_da
            ),
        ),
        Column("Enhed", lambda i: data.name("unit", i.unit)),
        Column("Sammenlignet med", compared_with),
        Column("Sammenligningsværdi", lambda i: i.comparator_value, _unit),
        Column(
            "Sammenligningsværdi foreløbig",
            lambda i: "ja" if i.is_comparator_provisional else None,
        ),
        # the areas shown beside the comparator (0.1: Region Hovedstaden), as the report does
        Column(
            "Også vist",
            lambda i: (
                "; ".join(
                    f"{data.area_names.get(code, str(code))}: "
                    + formats.value_text(i.value_in(code), i.unit)
                    for code in i.also_compared_area_codes or []
                )
                or None
            ),
        ),
        Column("Mål", lambda i: i.target_value, _unit),
        # the target the current one replaced (1.5: the strategy's 80 % until June 2026)
        Column("Tidligere mål", lambda i: i.earlier_target),
        Column("Status", lambda i: i.status, lambda i: "status_" + data.status(i.status).css_class),
        # the sentence the report says (pipeline/report: verdict_text)
        Column("Hvad status betyder", lambda i: verdict_text(i, data.area_names)),
        # Ballerup's value a year before, where it measures the same (not across a reform);
        # 0.2's is what the report shows in place of a change of a change
        Column(
            "Værdi året før",
            lambda i: i.year_before.value if i.year_before else None,
            _unit,
        ),
        Column("Ændring siden året før", lambda i: i.published_change, _unit),
        # the change as the report says it: 2.1's rank 'rykket 2-5 pladser frem' (its ties'
        # ranges), where the column before holds the published ranks' difference
        Column(
            "Ændringen i ord",
            lambda i: change_words(i) if i.is_computed and i.period is not None else None,
        ),
        # the interval its status rests on, as the report says it beside the change
        Column(
            f"Ændringens {formats.LEVEL}-interval, fra",
            lambda i: i.change_interval[0],
            lambda i: _bound_style(i, i.change_interval[0]),
        ),
        Column(
            f"Ændringens {formats.LEVEL}-interval, til",
            lambda i: i.change_interval[1],
            lambda i: _bound_style(i, i.change_interval[1]),
        ),
        # a percentage's change is in percentage points, as the report says it
        Column(
            "Ændringens enhed",
            lambda i: (
                (
                    # a rank's change in places: a higher number is a lower place
                    "pladser (negativ: rykket frem)"
                    if i.unit == "rank"
                    else formats.CHANGE_SUFFIX.get(i.unit, "").strip() or None
                )
                if i.published_change is not None
                else None
            ),
        ),
        _change_column("Ændringens vurdering", lambda i: i.published_change_status, data),
        # the change at this period's mix of a breakdown's groups (1.1's target groups;
        # fct_indicator_status.mix_*), as the report says it under the indicator
        Column(
            "Ved samme fordeling på",
            lambda i: data.name("breakdown", i.mix_adjusted_by) if i.mix_adjusted_by else None,
        ),
        Column("Antal i de sammenlignede grupper", lambda i: i.mix_n_counted, lambda i: "count"),
        Column(
            "Antal i de samme grupper året før",
            lambda i: i.mix_n_counted_year_before,
            lambda i: "count",
        ),
        Column("De samme grupper året før", lambda i: i.mix_value_year_before, _unit),
        Column(
            "Forventet ved årets fordeling og sidste års andele", lambda i: i.mix_expected, _unit
        ),
        Column("De samme grupper i år", lambda i: i.mix_value, _unit),
        Column(
            "Ændring ved samme fordeling (pct.-point)",
            lambda i: i.mix_change,
            lambda i: "pct_points",
        ),
        _change_column("Dens vurdering", lambda i: i.mix_change_status, data),
    ]
    _write_sheet(book, styles, stamp, "Overblik", columns, data.indicators)


def _change_column(
    header: str, status: Callable[[Indicator], str | None], data: ReportData
) -> Column:
    """A column of a change's status word (kind change), coloured as the report colours it."""
    return Column(
        header,
        status,
        lambda i: "status_" + data.status(status(i), "change").css_class if status(i) else "",
    )


def _expected_level(book, styles, stamp: Stamp, data: ReportData) -> None:
    """STAR's expected level (Jobindsats Y30R21) for Ballerup, as the report shows it, and
    each indicator among the comparable municipalities."""
    if data.expected_level:
        columns = [
            Column(
                "Periode",
                lambda r: formats.period_text(r["period"], "rolling_year"),
            ),
            Column("Ydelsesgruppe", lambda r: r["ydelsesgruppe"]),
            Column("Forventet andel", lambda r: r["expected_pct"], lambda r: "pct"),
            Column("Faktisk andel", lambda r: r["actual_pct"], lambda r: "pct"),
            Column("Forskel (pct.-point)", lambda r: r["diff_pct"], lambda r: "pct_points"),
            Column("Forventet antal", lambda r: r["expected_ftp"], lambda r: "count"),
            Column("Faktisk antal", lambda r: r["actual_ftp"], lambda r: "count"),
            Column("Forskel (fuldtidspersoner)", lambda r: r["diff_ftp"], lambda r: "count"),
            Column("Placering i landet", lambda r: r["rank_national"]),
            Column("Antal kommuner", lambda r: r["n_ranked_national"]),
            Column("Placering i regionen", lambda r: r["rank_region"]),
            Column("Kommuner i regionen", lambda r: r["n_ranked_region"]),
        ]
        _write_sheet(book, styles, stamp, "Forventet niveau", columns, data.expected_level)
    if data.comparable:
        units = {i.indicator_id: i.unit for i in data.indicators}
        texts = {i.indicator_id: i.headline_da for i in data.indicators}
        columns = [
            Column("Nr.", lambda r: r["indicator_id"]),
            Column("Indikator", lambda r: texts.get(r["indicator_id"])),
            Column("Periodens første dag", lambda r: r["period"]),
            Column(data.home_name, lambda r: r["home_value"], lambda r: units[r["indicator_id"]]),
            Column(
                "Sammenlignelige, median",
                lambda r: r["comparable_median"],
                lambda r: units[r["indicator_id"]],
            ),
            Column("Laveste", lambda r: r["comparable_min"], lambda r: units[r["indicator_id"]]),
            Column("Højeste", lambda r: r["comparable_max"], lambda r: units[r["indicator_id"]]),
            Column("Kommuner med tal", lambda r: r["n_comparable"]),
            Column("Heraf foreløbige", lambda r: r["n_comparable_provisional"]),
            Column(f"{formats.genitive(data.home_name)} placering", lambda r: r["home_rank"]),
            Column("Ud af", lambda r: r["n_ranked"]),
            Column(
                f"Inden for {formats.genitive(data.home_name)} {formats.LEVEL}-interval",
                lambda r: r["n_comparable_within_home_interval"],
            ),
            Column("Sammenlignelige kommuner", lambda r: ", ".join(data.comparable_names), None),
        ]
        rows = sorted(data.comparable.values(), key=lambda r: r["indicator_id"])
        _write_sheet(book, styles, stamp, "Sammenlignelige", columns, rows)


def _outlook(book, styles, stamp: Stamp, data: ReportData) -> None:
    """Each indicator's projection at its horizon (var projection_horizon_months) against its
    goal (marts.fct_indicator_outlook), as the report says it: the course, the interval, the
    model's back-test error, what it takes."""
    if not data.outlook:
        return
    units = {i.indicator_id: i.unit for i in data.indicators}
    texts = {i.indicator_id: i.headline_da for i in data.indicators}

    def unit(r: dict) -> str:
        return units[r["indicator_id"]]

    columns = [
        Column("Nr.", lambda r: r["indicator_id"]),
        Column("Indikator", lambda r: texts.get(r["indicator_id"])),
        Column("Seneste endelige måned", lambda r: r["status_period"]),
        Column(f"{data.home_name} da", lambda r: r["status_value"], unit),
        Column("Mål eller sammenligning", lambda r: r["goal"], unit),
        Column("Fremskrevet måned", lambda r: r["forecast_period"]),
        Column("Fremskrivning", lambda r: r["forecast"], unit),
        Column(f"{formats.LEVEL}-interval, fra", lambda r: r["lower"], unit),
        Column(f"{formats.LEVEL}-interval, til", lambda r: r["upper"], unit),
        Column("Kurs mod målet", lambda r: r["on_course"]),
        Column("Model", lambda r: r["model_da"]),
        Column(
            "Gennemsnitlig fejl i tilbagetest",
            lambda r: r["backtest_mae"],
            lambda r: "pct_points" if unit(r) == "pct" else unit(r),
        ),
        Column("Måneder bag", lambda r: r["n_history"]),
        Column("Personer til målet", lambda r: r["count_to_target"]),
        Column("Ud af", lambda r: r["share_base"]),
    ]
    rows = sorted(data.outlook.values(), key=lambda r: r["indicator_id"])
    _write_sheet(book, styles, stamp, "Fremskrivning", columns, rows)


def _revisions(book, styles, stamp: Stamp, data: ReportData) -> None:
    """The shown areas' figures changed since the month before's report (marts._revisions),
    as the outputs write them, each with the value published then and now; no sheet where
    none changed."""
    if not data.revisions:
        return
    texts = {i.indicator_id: i.headline_da for i in data.indicators}

    def unit(r: dict) -> str:
        return r["unit"]

    def local(moment):  # published_at is UTC; the reader's clock is Danish
        return formats.date_text(moment.replace(tzinfo=UTC).astimezone(local_zone()))

    columns = [
        Column("Nr.", lambda r: r["indicator_id"]),
        Column("Indikator", lambda r: texts.get(r["indicator_id"])),
        Column("Periode", lambda r: r["period"]),
        Column("Periodetype", lambda r: data.name("period_type", r["period_type"])),
        Column("Område", lambda r: r["area_name"]),
        Column("Opdeling", lambda r: data.name("breakdown", r["breakdown"])),
        Column("Værdi for opdelingen", lambda r: r["label_da"]),
        Column("Værdi før", lambda r: r["value_before"], unit),
        Column("Værdi nu", lambda r: r["value"], unit),
        Column("Bemærkning", _revision_remark),
        Column("Før: offentliggjort", lambda r: local(r["published_before"])),
    ]
    _write_sheet(book, styles, stamp, "Revisioner", columns, data.revisions)


def _revision_remark(r: dict) -> str | None:
    """Why a revised figure reads as it does: computed another way, and a count's change
    too small to show the figure before."""
    said = []
    if r["is_redefined"]:
        said.append("Ny beregning: indikatorens definition eller beregning er ændret")
    if r["is_small_change"]:
        said.append(f"Ændret med {formats.small_change_words()}: værdien før vises ikke")
    return "; ".join(said) or None


def _group_sheets(book, styles, stamp: Stamp, data: ReportData) -> None:
    texts = {i.indicator_id: i.headline_da for i in data.indicators}
    reforms = {
        r["reform_id"]: f"{r['name_da']} ({formats.date_text(r['effective_date'])})"
        for r in data.reforms
    }
    columns = [
        Column("Nr.", lambda r: r["indicator_id"]),
        Column("Indikator", lambda r: texts[r["indicator_id"]]),
        Column("Periode", lambda r: r["period"]),
        Column(
            "Periodetype",
            lambda r: data.name("period_type", r["period_type"]),
        ),
        Column("Område", lambda r: r["area_name"]),
        Column("Opdeling", lambda r: data.name("breakdown", r["breakdown"])),
        Column("Værdi for opdelingen", lambda r: r["label_da"]),
        Column("Værdi", lambda r: r["value"], lambda r: r["unit"]),
        Column("Foreløbig", lambda r: "ja" if r["is_provisional"] else None),
        Column("Serie efter reform", lambda r: reforms.get(r["series_since_reform_id"])),
        Column("Interval, fra", lambda r: r["ci_lower"], lambda r: r["unit"]),
        Column("Interval, til", lambda r: r["ci_upper"], lambda r: r["unit"]),
        Column(
            "Intervallets art",
            lambda r: (
                data.name("interval_method", r["interval_method"]) if r["interval_method"] else None
            ),
        ),
        # the period's design effect of a count of events (macros/design_effect.sql)
        Column(DESIGN_EFFECT, lambda r: r["design_effect"], lambda r: "count"),
        Column("Tæller", lambda r: r["numerator"], lambda r: "count"),
        Column("Nævner", lambda r: r["denominator"], lambda r: "count"),
        Column("Enhed", lambda r: data.name("unit", r["unit"])),
        Column("Skjult (lille tal)", lambda r: bool(r["is_suppressed"])),
    ]
    for group in data.groups:
        ids = {i.indicator_id for i in group.indicators}
        # history is in catalogue order already, so a group's rows keep it
        rows = [r for r in data.history if r["indicator_id"] in ids]
        _write_sheet(book, styles, stamp, group.label, columns, rows)


def _definitions(book, styles, stamp: Stamp, data: ReportData) -> None:
    def wrap(_):
        return "wrap"

    columns = [
        Column("Nr.", lambda i: i.indicator_id),
        Column("Gruppe", lambda i: i.focus_area_label),
        Column("Strategiens tekst", lambda i: i.strategy_text, wrap),
        Column("Strategiens bemærkning", lambda i: i.strategy_remark, wrap),
        Column("Definition", lambda i: i.definition_da, wrap),
        Column("Fortolkning og kilder", lambda i: i.note_da, wrap),
        Column("Enhed", lambda i: data.name("unit", i.unit)),
        # the unit's method, or none where the latest value is published without its counts
        # (0.1's rate): no interval was computed
        Column(
            "Statistisk usikkerhed",
            lambda i: (
                data.name("interval_method", "none")
                if i.interval_method == "none" and i.value is not None
                else i.interval_method_da
            ),
            wrap,
        ),
        Column("Retning", lambda i: data.name("direction", i.direction)),
        Column("Sammenligning", lambda i: data.name("comparator", i.comparator)),
        Column("Mål", lambda i: i.target_words if i.target_text else None),
        Column(
            "Status i kataloget",
            lambda i: data.name("catalogue_status", i.catalogue_status),
        ),
        Column("Erstattet af", lambda i: i.replaced_by),
        Column(
            "Opdelinger",
            lambda i: (
                ", ".join(data.name("breakdown", b) for b in i.breakdowns.split(";"))
                if i.breakdowns
                else None
            ),
        ),
        Column(
            "Periodetype",
            lambda i: data.name("period_type", i.catalogue_period_type),
        ),
        Column("dbt-model", lambda i: i.model_name),
    ]
    _write_sheet(book, styles, stamp, "Definitioner", columns, data.indicators)


def build_workbook(data: ReportData, path: Path, built_at: datetime) -> None:
    book = xlsxwriter.Workbook(str(path), {"remove_timezone": True})
    styles = _styles(book, data.codes("unit"))
    stamp = Stamp(
        data_until=data.data_until_text,
        data_until_short=data.data_until_short,
        built_at=formats.date_text(built_at),
        sources=formats.sources_da(data.home_name),
    )
    _about(book, styles, stamp, data)
    _overview(book, styles, stamp, data)
    _expected_level(book, styles, stamp, data)
    _outlook(book, styles, stamp, data)
    _group_sheets(book, styles, stamp, data)
    _revisions(book, styles, stamp, data)
    _definitions(book, styles, stamp, data)
    book.close()
