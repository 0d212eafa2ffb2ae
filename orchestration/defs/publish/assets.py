"""Publish the audited marts to analytics.duckdb, then build the report from it."""

import logging

import dagster as dg
import duckdb

from orchestration.defs.transform.assets import warehouse_dbt_assets
from orchestration.lib.warehouse import WAREHOUSE_POOL, retry_when_locked
from pipeline.alerts import (
    alert_changes,
    failed_everywhere,
    remember_alerted,
    sent_by,
    status_changes,
    status_snapshot,
    statuses_alerted_last,
)
from pipeline.config import Settings, dbt_var
from pipeline.publish import publish
from pipeline.report import build_report

progress = logging.getLogger("bkwh.progress")


@dg.asset(
    deps=[warehouse_dbt_assets],
    description="data/analytics.duckdb: the marts, built aside and swapped in atomically, "
    "only after dbt build and all its tests passed. Small cells suppressed.",
    group_name="publish",
    kinds={"duckdb"},
    owners=["team:data-engineering"],
    pool=WAREHOUSE_POOL,
)
def analytics_db(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    settings = Settings.from_env()
    before = statuses_alerted_last(settings)
    with retry_when_locked(context, "publish"):
        result = publish(settings)
    after = status_snapshot(result.path)
    changes = status_changes(before, after)
    told = True
    if changes:
        alert = alert_changes(settings, changes)
        # every channel beside alerts.log failed: the changes are told again by the next
        # publication, not taken as told
        told = not failed_everywhere(alert)
        sent = ["alerts.log", *sent_by(alert)]
        progress.warning(
            f"alert: {len(changes)} change(s) since the last publication ("
            + ", ".join(sent)
            + "): "
            + "; ".join(c["text"] for c in changes)
        )
    if told:
        remember_alerted(settings, after)
    progress.info(
        f"published {len(result.tables)} tables to {result.path} "
        f"({result.suppressed_cells} small cells suppressed)"
    )
    with duckdb.connect(str(result.path), read_only=True) as con:
        latest = con.execute(LATEST_VALUES, {"home": dbt_var("home_municipality")}).fetchall()
    return dg.MaterializeResult(
        metadata={
            "path": str(result.path),
            "tables": dg.MetadataValue.json(result.tables),
            "suppressed_cells": result.suppressed_cells,
            "status_changes": dg.MetadataValue.json(changes),
            "parquet_exports": dg.MetadataValue.path(str(result.exports[0].parent))
            if result.exports
            else "none",
            # what changed this month, without SQL: each indicator's latest Ballerup value
            "latest_values": dg.MetadataValue.md(_latest_table(latest)),
            "latest_period_per_indicator": dg.MetadataValue.json(
                {i: period for i, period, *_ in latest}
            ),
        }
    )


# Ballerup's total in each indicator's latest period, with the value a year before.
LATEST_VALUES = """
with ballerup as (
    select indicator_id, period, value, unit, is_suppressed
    from marts.fct_indicator_values
    where area_code = $home and breakdown = 'total'
),
latest as (
    select indicator_id, max(period) as period from ballerup group by 1
)
select
    b.indicator_id,
    strftime(b.period, '%Y-%m') as period,
    b.value,
    b.unit,
    b.is_suppressed,
    a.value as value_year_before
from ballerup as b
inner join latest using (indicator_id, period)
left join ballerup as a
    on a.indicator_id = b.indicator_id and a.period = b.period - interval 1 year
order by b.indicator_id
"""


def _latest_table(rows) -> str:
    def fmt(v):
        return "–" if v is None else f"{v:.2f}"

    lines = ["| indicator | period | value | unit | a year before |", "|---|---|---|---|---|"]
    for indicator, period, value, unit, suppressed, before in rows:
        shown = "suppressed" if suppressed else fmt(value)
        lines.append(f"| {indicator} | {period} | {shown} | {unit} | {fmt(before)} |")
    return "\n".join(lines)


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            "follow_up_report",
            deps=[analytics_db],
            description=(
                "reports/output/index.html: Opfølgning på beskæftigelsesstrategiens mål, the "
                "committee's report in Danish (self-contained HTML, printable to A4), from "
                "analytics.duckdb only. Declared in dbt as the exposure follow_up_report."
            ),
            group_name="report",
            kinds={"html"},
            owners=["team:analytics"],
        ),
        dg.AssetSpec(
            "indicator_workbook",
            deps=[analytics_db],
            description=(
                "reports/output/indikatorer.xlsx: overview, one sheet per group and the "
                "definitions, numbers as numbers. Declared in dbt as the exposure "
                "indicator_workbook."
            ),
            group_name="report",
            kinds={"excel"},
            owners=["team:analytics"],
        ),
    ]
)
def report_outputs():
    """Both outputs come from one read of analytics.duckdb."""
    result = build_report(Settings.from_env())
    progress.info(
        f"report: {result.n_with_value} of {result.n_indicators} indicators with a value, "
        f"{result.n_charts} charts"
    )
    if result.pdf_missing:
        progress.warning(f"report: {result.pdf_missing}")
    yield dg.MaterializeResult(
        asset_key="follow_up_report",
        metadata={
            "path": dg.MetadataValue.path(str(result.path)),
            "pdf": dg.MetadataValue.path(str(result.pdf_path))
            if result.pdf_path
            else dg.MetadataValue.text(result.pdf_missing),
            "indicators_listed": result.n_indicators,
            "indicators_with_value": result.n_with_value,
            "charts": result.n_charts,
        },
    )
    yield dg.MaterializeResult(
        asset_key="indicator_workbook",
        metadata={"path": dg.MetadataValue.path(str(result.workbook_path))},
    )
