"""Landing folders and raw tables: one multi-asset per source, one asset per raw table.

Each raw table carries a blocking `gx_suite` check: it fails when any file of that table was
quarantined in the run, so nothing downstream (dbt, publish, report) runs on a bad delivery,
and the published marts stay as they were. Each landing folder carries a `freshness` check
(warning) against its cadence in sources.yml.

Warehouse writers share the pool `duckdb_warehouse` (limit 1 in orchestration/dagster.yaml:
DuckDB has one writer) and retry with backoff when the file is locked by another process;
a validation failure is a check result, never an exception, so it is never retried.
"""

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import dagster as dg
import duckdb

from orchestration.defs.extract.assets import extract_keys
from pipeline.config import Settings, sources_config
from pipeline.ingest import FileOutcome, Ingestor, MonthFilter, landing_files
from pipeline.suites import load_specs

WAREHOUSE_POOL = "duckdb_warehouse"

# Person-level sources are partitioned by the month their files are named for (sources.yml):
# a new or corrected month loads and validates alone; a range runs as one run (a backfill).
MONTHLY_SOURCES = frozenset(sources_config()["partitions"]["monthly_sources"])
MONTHS = dg.MonthlyPartitionsDefinition(
    start_date=f"{sources_config()['partitions']['first_month']}-01", end_offset=0
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


LOCK_MARKERS = ("Could not set lock", "Conflicting lock")
MAX_LOCK_RETRIES = 4


@contextmanager
def retry_when_locked(context: dg.OpExecutionContext, what: str) -> Iterator[None]:
    """Turn 'the DuckDB file is locked by another process' (from DuckDB, or from a dbt run
    that could not open it) into a retry with backoff (5, 10, 20, 40 s); any other error
    fails the step as it is."""
    try:
        yield
    except (duckdb.IOException, dg.Failure) as e:
        text = f"{e} {getattr(e, 'description', '') or ''}"
        if not any(m in text for m in LOCK_MARKERS):
            raise
        wait = 5 * 2**context.retry_number
        context.log.warning(f"{what}: the warehouse is locked; retrying in {wait} s ({e})")
        raise dg.RetryRequested(max_retries=MAX_LOCK_RETRIES, seconds_to_wait=wait) from e


def landing_key(source: str) -> dg.AssetKey:
    return dg.AssetKey(["landing", source])


def raw_key(raw_table: str) -> dg.AssetKey:
    return dg.AssetKey(["raw", raw_table])


SOURCES = sorted({s.source for s in load_specs()})

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
    """When the newest file of a landing source arrived, against its cadence."""
    rule = sources_config()["sources"][source]
    folder = settings.landing_dir / source
    files = [path for _, path in landing_files(settings.landing_dir, [source])]
    expected = f"{rule['cadence']} deliveries, overdue after {rule['overdue_after_days']} days"
    if not files:
        return dg.AssetCheckResult(
            passed=False,
            severity=dg.AssetCheckSeverity.WARN,
            description=f"no delivery in {folder}; expected {expected}",
            metadata={"cadence": rule["cadence"]},
        )
    newest = max(files, key=lambda p: p.stat().st_mtime)
    delivered = datetime.fromtimestamp(newest.stat().st_mtime, UTC)
    age_days = (now - delivered).total_seconds() / 86400
    passed = age_days <= rule["overdue_after_days"]
    return dg.AssetCheckResult(
        passed=passed,
        severity=dg.AssetCheckSeverity.WARN,
        description=f"newest file {newest.name} arrived {delivered:%Y-%m-%d %H:%M} UTC, "
        f"{age_days:.1f} days ago: {'on time' if passed else 'OVERDUE'} ({expected})",
        metadata={
            "newest_file": newest.name,
            "delivered_at": delivered.isoformat(timespec="seconds"),
            "age_days": round(age_days, 2),
            "cadence": rule["cadence"],
            "overdue_after_days": rule["overdue_after_days"],
        },
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
        with retry_when_locked(context, f"ingest {source}"):
            outcomes = Ingestor(Settings.from_env()).run(sources=[source], months=months)
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
