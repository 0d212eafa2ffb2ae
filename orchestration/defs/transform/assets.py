"""The dbt project as assets: `dbt build` (models, seeds, data and unit tests), streamed."""

import os
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from orchestration.defs.ingest.assets import WAREHOUSE_POOL, retry_when_locked
from orchestration.project import dbt_project
from pipeline.config import Settings, dbt_executable
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
