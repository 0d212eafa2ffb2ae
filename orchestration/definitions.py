"""The code location: every domain's definitions merged in one place."""

from __future__ import annotations

import dagster as dg

from orchestration.defs.automation.sensors import (
    alert_on_failure,
    build_extract_schedule,
    build_landing_sensor,
    build_monthly_schedule,
    build_refresh_after_extract_sensor,
    overdue_deliveries,
    recover_dead_runs_sensor,
)
from orchestration.defs.extract.assets import extract_assets
from orchestration.defs.ingest.assets import (
    freshness_checks,
    ingest_assets,
    landing_specs,
    load_log,
)
from orchestration.defs.publish.assets import analytics_db, report_outputs
from orchestration.defs.transform.assets import dbt_resource, warehouse_dbt_assets
from orchestration.lib.privacy import RUN_LOGGING, masked_console_logger

EXTRACTS = dg.AssetSelection.groups("extract")

# the tag dagster.yaml's run queue limits to one run at a time
REFRESH_TAG = "bkwh/refresh"

# In one process for scheduled and UI runs too: its steps run one after the other anyway
# (the warehouse pool), and a process per step would import the definitions, Great
# Expectations and dbt's adapter again for each of the fourteen steps.
refresh_job = dg.define_asset_job(
    "refresh",
    selection=(dg.AssetSelection.all() - EXTRACTS) | dg.AssetSelection.all_asset_checks(),
    description="Landing -> validate -> raw -> dbt build -> publish -> report.",
    executor_def=dg.in_process_executor,
    config=RUN_LOGGING,  # a month launched from the UI (lib/privacy.py)
    # every run of it: the daemon's queue runs one at a time (dagster.yaml concurrency.runs)
    tags={REFRESH_TAG: "1"},
)
extract_job = dg.define_asset_job(
    "extract",
    selection=EXTRACTS,
    description="Fetch the benchmark extracts (extracts.yml) from Jobindsats and StatBank "
    "into landing. Without JOBINDSATS_API_KEY its Jobindsats tables are skipped in a run "
    "started by hand, and the monthly_extract schedule's run fails (leave that schedule off "
    "where Jobindsats' answers are saved into landing by hand).",
)

defs = dg.Definitions(
    assets=[
        *extract_assets,
        *landing_specs,
        *ingest_assets,
        load_log,
        warehouse_dbt_assets,
        analytics_db,
        report_outputs,
    ],
    asset_checks=freshness_checks,
    jobs=[refresh_job, extract_job],
    schedules=[build_monthly_schedule(refresh_job), build_extract_schedule(extract_job)],
    sensors=[
        build_landing_sensor(refresh_job),
        build_refresh_after_extract_sensor(
            extract_job, refresh_job, {k for a in extract_assets for k in a.keys}
        ),
        alert_on_failure,
        recover_dead_runs_sensor,
        overdue_deliveries,
    ],
    resources={"dbt": dbt_resource},
    # the UI's "Materialize" runs Dagster's implicit asset job, not `refresh`: in one process
    # too (a process per step, each importing the definitions, GX and dbt, helper-69)
    executor=dg.in_process_executor,
    # every job's console (also of runs the daemon or the UI launch): no person id
    loggers={"console": masked_console_logger},
)
