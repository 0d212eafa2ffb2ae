"""Run the `refresh` job in this process, as `bkwh run` (and `make run`) do.

The person-level sources are partitioned by month: a run covers the months that have new
files (planned by `pipeline.plan`), or the latest month when only other sources have new
files, so that Dagster records only what changed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import dagster as dg

from orchestration.definitions import defs
from orchestration.lib.keys import raw_key
from orchestration.lib.partitions import partition_months, partition_range_tags
from pipeline.config import Settings
from pipeline.suites import load_specs


@dataclass
class RefreshResult:
    success: bool
    run_id: str
    failures: list[str] = field(default_factory=list)  # "step: message", in full


def instance() -> dg.DagsterInstance:
    """The persistent instance of DAGSTER_HOME (make run, make dev), else a throw-away one."""
    if os.environ.get("DAGSTER_HOME"):
        return dg.DagsterInstance.get()
    return dg.DagsterInstance.ephemeral()


def month_range(settings: Settings) -> tuple[str, str]:
    """The months with new person-level files; the latest month when there are none."""
    from pipeline.plan import plan_refresh

    known = partition_months()
    # a file named for a month outside the partitions is read by every run (MonthFilter)
    months = [m for m in plan_refresh(settings).months if m in set(known)]
    if not months:
        return known[-1], known[-1]
    return months[0], months[-1]


def execute(
    settings: Settings,
    first_month: str | None = None,
    last_month: str | None = None,
    source: str | None = None,
) -> RefreshResult:
    if first_month is None:
        first_month, last_month = month_range(settings)
    tags = partition_range_tags(first_month, last_month or first_month)
    selection = None
    if source:
        raws = [raw_key(s.raw_table) for s in load_specs() if s.source == source]
        if not raws:
            raise ValueError(f"no source {source!r} in expectations/")
        graph = defs.resolve_asset_graph()
        selection = sorted(dg.AssetSelection.assets(*raws).downstream().resolve(graph))
    result = defs.resolve_job_def("refresh").execute_in_process(
        instance=instance(),
        raise_on_error=False,
        tags=tags,
        asset_selection=selection,
        run_config={"loggers": {"console": {"config": {"log_level": "DEBUG"}}}},
    )
    failures = [
        f"{e.step_key}: {e.event_specific_data.error.message.strip()}"
        for e in result.all_events
        if e.is_step_failure
    ]
    return RefreshResult(result.success, result.run_id, failures)


def run_refresh_job(
    settings: Settings,
    first_month: str | None = None,
    last_month: str | None = None,
    source: str | None = None,
) -> bool:
    """Execute the refresh job; True when every step succeeded. Failed steps are printed."""
    import sys

    result = execute(settings, first_month, last_month, source)
    for failure in result.failures:
        print(f"FAILED step {failure[:4000]}", file=sys.stderr)
    return result.success
