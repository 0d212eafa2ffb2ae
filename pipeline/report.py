"""The follow-up report, built from the published `analytics.duckdb` only.

For now a plain page: every catalogue row with Ballerup's latest value, or why there is none.
(The full committee report is its own issue.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import jinja2

from pipeline.config import REPO_ROOT, Settings
from pipeline.danish import format_number

UNIT_SUFFIX = {
    "pct": " %",
    "pct_change": " %",
    "pct_points": " pct.-point",
    "per_10000": " pr. 10.000",
    "per_100": " pr. 100",
    "weeks": " uger",
}
UNIT_DECIMALS = {"rank": 0, "ratio": 2}


def decimals_for(unit: str) -> int:
    """How many decimals a figure of this unit is shown with (one unless said here)."""
    return UNIT_DECIMALS.get(unit, 1)


TEMPLATES = REPO_ROOT / "reports" / "templates"
MONTHS_DA = [
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


def danish_period(period, period_type: str) -> str:
    if period is None:
        return ""
    if period_type == "year":
        return str(period.year)
    if period_type == "quarter":
        return f"{(period.month - 1) // 3 + 1}. kvartal {period.year}"
    return f"{MONTHS_DA[period.month - 1]} {period.year}"


@dataclass
class ReportResult:
    path: Path
    n_indicators: int
    n_with_value: int


# Value, period and status come together from fct_indicator_status: the latest published
# (unsuppressed) value is the one the status judges.
LATEST_SQL = """
select
    d.indicator_id, d.sort_order, d.focus_area_label, d.focus_area_name, d.strategy_text,
    d.status as catalogue_status, d.replaced_by, d.unit, d.note,
    s.period, s.period_type, s.value, s.status, s.is_computed
from marts.dim_indicator as d
left join marts.fct_indicator_status as s on s.indicator_id = d.indicator_id
order by d.sort_order
"""


def build_report(settings: Settings) -> ReportResult:
    with duckdb.connect(str(settings.analytics_path), read_only=True) as con:
        rows = con.execute(LATEST_SQL).fetchall()
        cols = [c[0] for c in con.description]
        published_at = con.execute("select published_at from marts._publication").fetchone()[0]
    items = []
    for row in rows:
        r = dict(zip(cols, row, strict=True))
        if r["catalogue_status"] == "retired":
            shown = "udgået" + (f" – erstattet af {r['replaced_by']}" if r["replaced_by"] else "")
        elif not r["is_computed"]:
            shown = "endnu ikke beregnet"
        elif r["value"] is None:
            shown = "ingen offentliggjort værdi"
        else:
            shown = format_number(r["value"], decimals_for(r["unit"])) + UNIT_SUFFIX.get(
                r["unit"], ""
            )
        items.append(
            {
                **r,
                "shown": shown,
                "period_text": danish_period(r["period"], r["period_type"] or "month"),
            }
        )
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=jinja2.select_autoescape(["html"])
    )
    html = env.get_template("index.html.j2").render(
        items=items,
        published_at=published_at,
        built_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )
    settings.report_dir.mkdir(parents=True, exist_ok=True)
    out = settings.report_dir / "index.html"
    tmp = out.with_name(".index.html.tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(out)
    return ReportResult(
        out, len(items), sum(1 for i in items if i["value"] is not None and i["period"])
    )
