"""The code location: every domain's definitions merged in one place."""

from __future__ import annotations

import dagster as dg

from orchestration.defs.ingest.assets import ingest_assets, landing_specs, load_log
from orchestration.defs.publish.assets import analytics_db, follow_up_report
from orchestration.defs.transform.assets import dbt_resource, warehouse_dbt_assets

refresh_job = dg.define_asset_job(
    "refresh",
    selection=dg.AssetSelection.all(),
    description="Landing -> validate -> raw -> dbt build -> publish -> report.",
)

# Jobindsats and DST publish around the 10th; the 15th leaves room for late releases.
monthly_refresh = dg.ScheduleDefinition(
    name="monthly_refresh",
    job=refresh_job,
    cron_schedule="0 6 15 * *",
    execution_timezone="Europe/Copenhagen",
)

defs = dg.Definitions(
    assets=[
        *landing_specs,
        *ingest_assets,
        load_log,
        warehouse_dbt_assets,
        analytics_db,
        follow_up_report,
    ],
    jobs=[refresh_job],
    schedules=[monthly_refresh],
    resources={"dbt": dbt_resource},
)
