"""The dbt project as assets: `dbt build` (models, seeds, data and unit tests), streamed."""

import csv
import os
from collections.abc import Mapping
from functools import cache
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from orchestration.defs.ingest.assets import WAREHOUSE_POOL, retry_when_locked
from orchestration.project import dbt_project
from pipeline.config import SEEDS_DIR, Settings, dbt_executable
from pipeline.failpoints import failpoint


class WarehouseTranslator(DagsterDbtTranslator):
    """Groups assets by dbt folder (staging, intermediate, marts, reference for seeds).

    Sources map onto the raw-table assets through `meta.dagster.asset_key` in the sources'
    YAML (the default translator honours it), so lineage runs unbroken from landing to report.
    """

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else super().get_group_name(dbt_resource_props)

    def get_owners(self, dbt_resource_props: Mapping[str, Any]):
        return ["team:data-engineering"]

    def get_description(self, dbt_resource_props: Mapping[str, Any]) -> str:
        """The dbt YAML's description; for an indicator model, the strategy's own wording
        and the catalogue's definition and note first."""
        described = super().get_description(dbt_resource_props)
        row = _catalogue_by_model().get(dbt_resource_props["name"])
        if not row:
            return described
        parts = [
            f"Indikator {row['indicator_id']}: {row['strategy_text']}",
            f"Definition: {row['definition']}",
        ]
        if row["note"]:
            parts.append(f"Note: {row['note']}")
        return "\n\n".join([*parts, described])


@cache
def _catalogue_by_model() -> dict[str, dict[str, str]]:
    """The indicator catalogue seed (the single source of truth), by model name."""
    with open(SEEDS_DIR / "indicator_catalogue.csv", encoding="utf-8", newline="") as f:
        return {r["model_name"]: r for r in csv.DictReader(f) if r["model_name"]}


@dbt_assets(
    manifest=dbt_project.manifest_path,
    dagster_dbt_translator=WarehouseTranslator(),
    pool=WAREHOUSE_POOL,
)
def warehouse_dbt_assets(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    os.environ["BKWH_WAREHOUSE_PATH"] = str(Settings.from_env().warehouse_path)
    with retry_when_locked(context, "dbt build"):
        for n, event in enumerate(dbt.cli(["build"], context=context).stream(), start=1):
            yield event
            if n == 5:  # dbt has built a few nodes and is running: the crash tests kill here
                failpoint("dbt.building")


dbt_resource = DbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable())
