"""Landing folders and raw tables: one multi-asset per source, one asset per raw table.

Each raw table carries a blocking `gx_suite` check: it fails when any file of that table was
quarantined in the run, so nothing downstream (dbt, publish, report) runs on a bad delivery,
and the published marts stay as they were.
"""

from collections import defaultdict

import dagster as dg
import duckdb

from pipeline.config import Settings
from pipeline.ingest import FileOutcome, Ingestor
from pipeline.suites import load_specs

WAREHOUSE_POOL = "duckdb_warehouse"  # DuckDB has one writer: a pool of size 1


def landing_key(source: str) -> dg.AssetKey:
    return dg.AssetKey(["landing", source])


def raw_key(raw_table: str) -> dg.AssetKey:
    return dg.AssetKey(["raw", raw_table])


SOURCES = sorted({s.source for s in load_specs()})

landing_specs = [
    dg.AssetSpec(
        landing_key(source),
        description=f"Files delivered to data/landing/{source}/ (the source's own format).",
        group_name="landing",
        kinds={"file"},
    )
    for source in SOURCES
]


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
    )
    def _ingest(context: dg.AssetExecutionContext):
        outcomes = Ingestor(Settings.from_env()).run(sources=[source])
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
    pool=WAREHOUSE_POOL,
)
def load_log() -> dg.MaterializeResult:
    settings = Settings.from_env()
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        rows = con.execute("select status, count(*) from raw._load_log group by 1").fetchall()
    return dg.MaterializeResult(metadata={f"files_{k}": v for k, v in rows})
