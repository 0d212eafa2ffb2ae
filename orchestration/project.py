"""The dbt project as Dagster sees it."""

from __future__ import annotations

import importlib.metadata
import os
from functools import cached_property
from pathlib import Path

from dagster_dbt import DagsterDbtProjectPreparer, DbtCliResource, DbtProject
from packaging import version

from pipeline.config import DBT_PROJECT_DIR, dbt_executable
from pipeline.definitions import manifest_is_stale

# dagster-dbt looks dbt up on PATH (its project preparer too); `make test`, `make dev` and
# `make run` call .venv/bin tools without activating the venv, so put dbt's folder first.
_dbt_bin = str(Path(dbt_executable()).parent)
if _dbt_bin != "." and _dbt_bin not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = _dbt_bin + os.pathsep + os.environ.get("PATH", "")


class LeanDbtCli(DbtCliResource):
    """dagster-dbt's dbt command, without what it does in this process first: it runs
    `dbt --version` (2 s: dbt's start-up) and opens dbt's adapter here (about 2 s, 5 s in a
    process that had not imported dbt) only to fetch column metadata and row counts, which
    this project does not ask for. The version is read from the installed package instead
    (the dbt beside this interpreter, `dbt_executable`), and no adapter is opened. The dbt
    command itself runs as before, as a subprocess."""

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(importlib.metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):
        return None


class ParseInPlace(DagsterDbtProjectPreparer):
    """dagster-dbt's preparer (`dbt parse`, guarded against concurrent parses), with two
    differences. The parse runs through `LeanDbtCli`: `prepare` of this project, with its
    partial parse, took 3.6-3.8 s instead of 8.1-8.5 s (in a process that parses, as
    `make run`'s first run and `make test`'s start on a fresh clone do).
    And the partial-parse file stays as dbt wrote it. dagster-dbt's own then marks every seed
    as changed in that file, for a parse made in one place and run in another (a CI image, a
    container: its `_invalidate_seeds_in_partial_parse`, dagster-io/dagster#33471). This
    project parses where it builds (target/ is local, never shipped), and the invalidation
    made the first build after every parse re-parse every seed (17 when measured) before
    writing its manifest: 1.4 s instead of 0.5 s in a fresh clone's refresh. Should
    dagster-dbt rename `_prepare_manifest`, its own runs again, and
    tests/test_definitions.py notices."""

    def _prepare_manifest(self, project: DbtProject) -> None:
        LeanDbtCli(project_dir=project, dbt_executable=dbt_executable()).cli(
            self._prepare_project_cli_args, target_path=project.target_path
        ).wait()


dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
preparer = ParseInPlace()  # DbtProject builds dagster-dbt's own and takes no other


# `dagster dev` re-parses on load; elsewhere (make run, tests) parse when the project changed.
preparer.prepare_if_dev(dbt_project)
if manifest_is_stale(dbt_project.manifest_path):
    preparer.prepare(dbt_project)
