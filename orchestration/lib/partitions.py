"""The monthly partitions of the person-level sources (sources.yml).

A new or corrected month loads and validates without touching the others; a range of months
runs as one run (a backfill).

A run over a range of months records one "materialization planned" event per asset with the
range, instead of one per asset and month: a first load over 96 months planned 968 events,
which took the run 16 s to create on the SQLite instance (about 10 ms an event) before any
step started. Dagster keeps this opt-in (DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS,
dagster-io/dagster#29288) because the UI then does not mark the months of a failed run as
failed; here a failed run is reported by the run itself, its failed `gx_suite` check and the
load log (raw._load_log), which name the file. Set here for every process that loads these
definitions, and in the Makefile for `make dev`, whose webserver and daemon create runs.
"""

import os

import dagster as dg

from pipeline.config import sources_config
from pipeline.ingest import MonthFilter

os.environ.setdefault("DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS", "1")

MONTHLY_SOURCES = frozenset(sources_config()["partitions"]["monthly_sources"])
# the last partition is the last whole month where the jobcentre is (sources.yml's timezone,
# as the schedules and `bkwh run` count months), not in UTC, where the month just ended is
# not yet one for the first hour or two of a new month (helper-69)
MONTHS = dg.MonthlyPartitionsDefinition(
    start_date=f"{sources_config()['partitions']['first_month']}-01",
    end_offset=0,
    timezone=sources_config()["schedule"]["timezone"],
)


def partition_months() -> list[str]:
    """Every partition's month, 'YYYY-MM', oldest first."""
    return [k[:7] for k in MONTHS.get_partition_keys()]


def month_filter(partition_keys: list[str]) -> MonthFilter:
    return MonthFilter(frozenset(k[:7] for k in partition_keys), frozenset(partition_months()))


def partition_range_tags(first: str | None = None, last: str | None = None) -> dict[str, str]:
    """Run tags for one run over the months first..last ('YYYY-MM'); by default from the
    first partition to the last."""
    months = partition_months()
    return {
        "dagster/asset_partition_range_start": f"{first or months[0]}-01",
        "dagster/asset_partition_range_end": f"{last or months[-1]}-01",
    }
