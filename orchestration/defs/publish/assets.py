"""Publish the audited marts to analytics.duckdb, then build the report from it."""

import dagster as dg
import duckdb

from orchestration.defs.transform.assets import warehouse_dbt_assets
from pipeline.config import Settings
from pipeline.publish import publish
from pipeline.report import build_report


@dg.asset(
    deps=[warehouse_dbt_assets],
    description="data/analytics.duckdb: the marts, built aside and swapped in atomically, "
    "only after dbt build and all its tests passed. Small cells suppressed.",
    group_name="publish",
    kinds={"duckdb"},
    owners=["team:data-engineering"],
)
def analytics_db() -> dg.MaterializeResult:
    result = publish(Settings.from_env())
    with duckdb.connect(str(result.path), read_only=True) as con:
        latest = con.execute(
            "select indicator_id, strftime(max(period), '%Y-%m') from marts.fct_indicator_values "
            "where area_code = 151 group by 1 order by 1"
        ).fetchall()
    return dg.MaterializeResult(
        metadata={
            "path": str(result.path),
            "tables": dg.MetadataValue.json(result.tables),
            "suppressed_cells": result.suppressed_cells,
            "latest_period_per_indicator": dg.MetadataValue.json(dict(latest)),
        }
    )


@dg.asset(
    deps=[analytics_db],
    description="reports/output/index.html: the follow-up report, from analytics.duckdb only.",
    group_name="report",
    kinds={"html"},
    owners=["team:analytics"],
)
def follow_up_report() -> dg.MaterializeResult:
    result = build_report(Settings.from_env())
    return dg.MaterializeResult(
        metadata={
            "path": str(result.path),
            "indicators_listed": result.n_indicators,
            "indicators_with_value": result.n_with_value,
        }
    )
