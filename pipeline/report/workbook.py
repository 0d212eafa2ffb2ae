"""`indikatorer.xlsx`: the report's figures for those who work on in Excel.

Sheets: "Overblik" (one row per catalogue indicator, as the report's overview), one sheet per
group ("Overordnet", "Mål 1" … "Mål 5") with every published row for Ballerup and the
indicator's comparator area, and "Definitioner" (the catalogue). Figures are numbers with a
number format, never text (Excel shows them with the reader's decimal comma); a hidden
(small) cell is an empty cell with "ja" in "Skjult". Header rows are frozen and filtered.

Written with XlsxWriter (openpyxl took 16 s for the 26,000 rows of a full history; this
takes about one); the tests read the file back with openpyxl.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from pipeline.report import formats
from pipeline.report.data import ReportData

MAX_WIDTH = 60


class _Sheet:
    """One sheet: a frozen, filtered header row; widths follow the longest text."""

    def __init__(self, book: xlsxwriter.Workbook, styles: dict, title: str, headers: list[str]):
        self.ws: Worksheet = book.add_worksheet(title)
        self.styles = styles
        self.widths = [len(h) + 2 for h in headers]
        self.ws.write_row(0, 0, headers, styles["header"])
        self.ws.freeze_panes(1, 0)
        self.row = 0

    def append(self, values: list, number_styles: dict[int, str] | None = None) -> None:
        self.row += 1
        for col, value in enumerate(values):
            style = self.styles.get((number_styles or {}).get(col, ""), None)
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


def number_format(unit: str) -> str:
    decimals = formats.decimals_for(unit)
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def _styles(book: xlsxwriter.Workbook) -> dict:
    styles: dict = {
        "header": book.add_format(
            {"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F4E8C", "text_wrap": True}
        ),
        "date": book.add_format({"num_format": "yyyy-mm-dd"}),
        "count": book.add_format({"num_format": "#,##0.##"}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
    }
    for unit in formats.UNIT_NAMES:
        styles[unit] = book.add_format({"num_format": number_format(unit)})
    return styles


def _overview(book, styles, data: ReportData) -> None:
    sheet = _Sheet(
        book,
        styles,
        "Overblik",
        [
            "Nr.",
            "Gruppe",
            "Indikator",
            "Periode",
            "Periodens første dag",
            "Seneste værdi",
            "Enhed",
            "Sammenlignet med",
            "Sammenligningsværdi",
            "Mål",
            "Status",
            "Ændring siden sidste år",
        ],
    )
    for i in data.indicators:
        if i.comparator_area_code is not None:
            compared_with = data.area_names.get(i.comparator_area_code)
        else:
            compared_with = {"trend": "udviklingen", "fixed_target": "mål"}.get(i.comparator)
        sheet.append(
            [
                i.indicator_id,
                i.focus_area_label,
                i.strategy_text,
                formats.period_text(i.period, i.period_type) if i.period else None,
                i.period,
                i.value,
                formats.UNIT_NAMES.get(i.unit, i.unit),
                compared_with,
                i.comparator_value,
                i.target_value,
                i.status,
                i.change_from_year_before,
            ],
            {5: i.unit, 8: i.unit, 9: i.unit, 11: i.unit},
        )
    sheet.finish()


GROUP_HEADERS = [
    "Nr.",
    "Periode",
    "Periodetype",
    "Område",
    "Opdeling",
    "Værdi for opdelingen",
    "Værdi",
    "Tæller",
    "Nævner",
    "Enhed",
    "Skjult (lille tal)",
]


def _group_sheets(book, styles, data: ReportData) -> None:
    units = {i.indicator_id: i.unit for i in data.indicators}
    rows_by_id: dict[str, list[dict]] = {}
    for r in data.history:
        rows_by_id.setdefault(r["indicator_id"], []).append(r)
    for group in data.groups:
        sheet = _Sheet(book, styles, group.label, GROUP_HEADERS)
        for ind in group.indicators:
            for r in rows_by_id.get(ind.indicator_id, []):
                sheet.append(
                    [
                        r["indicator_id"],
                        r["period"],
                        formats.PERIOD_TYPE_NAMES.get(r["period_type"], r["period_type"]),
                        r["area_name"],
                        formats.breakdown_name(r["breakdown"]),
                        r["breakdown_value"],
                        r["value"],
                        r["numerator"],
                        r["denominator"],
                        formats.UNIT_NAMES.get(r["unit"], r["unit"]),
                        bool(r["is_suppressed"]),
                    ],
                    {6: units[r["indicator_id"]], 7: "count", 8: "count"},
                )
        sheet.finish()


def _definitions(book, styles, data: ReportData) -> None:
    sheet = _Sheet(
        book,
        styles,
        "Definitioner",
        [
            "Nr.",
            "Gruppe",
            "Strategiens tekst",
            "Strategiens bemærkning",
            "Definition",
            "Fortolkning og kilder",
            "Enhed",
            "Retning",
            "Sammenligning",
            "Mål",
            "Status i kataloget",
            "Erstattet af",
            "Opdelinger",
            "Periodetype",
            "dbt-model",
        ],
    )
    for i in data.indicators:
        sheet.append(
            [
                i.indicator_id,
                i.focus_area_label,
                i.strategy_text,
                i.strategy_remark,
                i.definition_da,
                i.note_da,
                formats.UNIT_NAMES.get(i.unit, i.unit),
                i.direction,
                i.comparator,
                i.target_text,
                i.catalogue_status,
                i.replaced_by,
                i.breakdowns,
                formats.PERIOD_TYPE_NAMES.get(i.catalogue_period_type, i.catalogue_period_type),
                i.model_name,
            ],
            {c: "wrap" for c in (2, 3, 4, 5)},
        )
    sheet.finish()


def build_workbook(data: ReportData, path: Path) -> None:
    book = xlsxwriter.Workbook(str(path), {"remove_timezone": True})
    styles = _styles(book)
    _overview(book, styles, data)
    _group_sheets(book, styles, data)
    _definitions(book, styles, data)
    book.close()
