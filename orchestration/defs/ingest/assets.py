"""Landing folders and raw tables: one multi-asset per source, one asset per raw table.

Each raw table carries a blocking `gx_suite` check: it fails when any file of that table was
quarantined in the run, so nothing downstream (dbt, publish, report) runs on a bad delivery,
and the published marts stay as they were. Each landing folder carries a `freshness` check
(warning) against its cadence in sources.yml.

Warehouse writers share the pool `duckdb_warehouse` and retry when the file is locked
(orchestration/lib/warehouse.py).
"""

import logging
from collections import defaultdict
from datetime import UTC, datetime

import dagster as dg
import duckdb

from orchestration.defs.extract.assets import extract_keys
from orchestration.lib.keys import landing_key, raw_key
from orchestration.lib.partitions import MONTHLY_SOURCES, MONTHS, month_filter
from orchestration.lib.privacy import failing_without_person_ids
from orchestration.lib.warehouse import WAREHOUSE_POOL, retry_when_locked
from pipeline.config import Settings, sources_config
from pipeline.freshness import source_freshness
from pipeline.ingest import FileOutcome, Ingestor
from pipeline.suites import load_specs, source_names

progress = logging.getLogger("bkwh.progress")


def _progress(context: dg.AssetExecutionContext):
    """A line for the run's log and for the console of `bkwh run`."""

    def say(message: str) -> None:
        context.log.info(message)
        progress.info(message)

    return say


SOURCES = source_names()

landing_specs = [
    dg.AssetSpec(
        landing_key(source),
        description=f"Files delivered to data/landing/{source}/ (the source's own format): "
        f"{sources_config()['sources'][source]['description']}.",
        group_name="landing",
        kinds={"file"},
        owners=["team:data-engineering"],
        metadata={"cadence": sources_config()["sources"][source]["cadence"]},
        deps=extract_keys(source),  # the fetches that write into it (none for most)
    )
    for source in SOURCES
]


def freshness(source: str, settings: Settings, now: datetime) -> dg.AssetCheckResult:
    """When the newest file of a landing source arrived, against its cadence
    (pipeline/freshness.py)."""
    [found] = [f for f in source_freshness(settings, now) if f.source == source]
    metadata: dict = {"cadence": found.cadence}
    if found.newest_file is not None:
        metadata |= {
            "newest_file": found.newest_file,
            "delivered_at": found.delivered_at.isoformat(timespec="seconds"),
            "age_days": round(found.age_days, 2),
            "overdue_after_days": found.overdue_after_days,
        }
    return dg.AssetCheckResult(
        passed=not found.is_overdue,
        severity=dg.AssetCheckSeverity.WARN,
        description=found.state,
        metadata=metadata,
    )


def build_freshness_check(source: str) -> dg.AssetChecksDefinition:
    rule = sources_config()["sources"][source]

    @dg.asset_check(
        asset=landing_key(source),
        name="freshness",
        description=f"Warns when the newest delivery is older than "
        f"{rule['overdue_after_days']} days ({rule['cadence']} source; sources.yml).",
    )
    def _freshness() -> dg.AssetCheckResult:
        return freshness(source, Settings.from_env(), datetime.now(UTC))

    return _freshness


freshness_checks = [build_freshness_check(source) for source in SOURCES]


def build_source_asset(source: str) -> dg.AssetsDefinition:
    specs = [s for s in load_specs() if s.source == source]

    @dg.multi_asset(
        name=f"ingest_{source}",
        specs=[
            dg.AssetSpec(
                raw_key(s.raw_table),
                deps=[landing_key(source)],
                description=f"raw.{s.raw_table}: append-only loads of {source} files that "
                f"passed suite expectations/{s.path.name}; person ids as keyed hashes.",
                group_name="raw",
                kinds={"duckdb"},
                owners=["team:data-engineering"],
            )
            for s in specs
        ],
        check_specs=[
            dg.AssetCheckSpec(
                "gx_suite",
                asset=raw_key(s.raw_table),
                blocking=True,
                description=f"Great Expectations suite {s.name} on every new file",
            )
            for s in specs
        ],
        pool=WAREHOUSE_POOL,
        **(
            {"partitions_def": MONTHS, "backfill_policy": dg.BackfillPolicy.single_run()}
            if source in MONTHLY_SOURCES
            else {}
        ),
    )
    def _ingest(context: dg.AssetExecutionContext):
        months = month_filter(context.partition_keys) if source in MONTHLY_SOURCES else None
        if months is not None:
            context.log.info(f"months {min(months.months)}..{max(months.months)}")
        with (
            failing_without_person_ids(f"ingest {source}"),
            retry_when_locked(context, f"ingest {source}"),
        ):
            outcomes = Ingestor(Settings.from_env(), progress=_progress(context)).run(
                sources=[source], months=months
            )
        by_table: dict[str | None, list[FileOutcome]] = defaultdict(list)
        for o in outcomes:
            by_table[o.raw_table].append(o)
        unmatched = by_table.pop(None, [])
        for o in unmatched:
            context.log.error(f"{o.file}: {o.message}")
        for s in specs:
            mine = by_table.get(s.raw_table, [])
            bad = [o for o in mine if o.status == "quarantined"] + unmatched
            loaded = [o for o in mine if o.status == "loaded"]
            for o in bad:
                context.log.error(f"{o.source}/{o.file}: {o.message}")
            yield dg.MaterializeResult(
                asset_key=raw_key(s.raw_table),
                metadata={
                    "files_loaded": len(loaded),
                    "files_skipped": sum(o.status == "skipped" for o in mine),
                    "files_quarantined": len(bad),
                    "rows_loaded": sum(o.rows for o in loaded),
                    "batch_ids": dg.MetadataValue.json([o.batch_id for o in loaded]),
                    "validation": dg.MetadataValue.json(
                        {"passed": len(loaded), "failed": len(bad), "suite": s.name}
                    ),
                    "validation_pages": dg.MetadataValue.path(
                        str(Settings.from_env().log_dir / "validations" / "index.html")
                    ),
                },
            )
            yield dg.AssetCheckResult(
                asset_key=raw_key(s.raw_table),
                check_name="gx_suite",
                passed=not bad,
                severity=dg.AssetCheckSeverity.ERROR,
                metadata={
                    "files_validated": len(loaded) + len(bad),
                    "quarantined": dg.MetadataValue.json(
                        [{"file": o.file, "why": o.message} for o in bad]
                    ),
                },
                description="; ".join(o.message for o in bad)[:2000] or "all files passed",
            )

    return _ingest


ingest_assets = [build_source_asset(source) for source in SOURCES]


@dg.asset(
    key=raw_key("load_log"),
    deps=[raw_key(s.raw_table) for s in load_specs()],
    description="raw._load_log: one row per landing file loaded or quarantined.",
    group_name="raw",
    kinds={"duckdb"},
    owners=["team:data-engineering"],
    pool=WAREHOUSE_POOL,
)
def load_log(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    settings = Settings.from_env()
    with (
        retry_when_locked(context, "load log"),
        duckdb.connect(str(settings.warehouse_path), read_only=True) as con,
    ):
        rows = con.execute("select status, count(*) from raw._load_log group by 1").fetchall()
    return dg.MaterializeResult(metadata={f"files_{k}": v for k, v in rows})
