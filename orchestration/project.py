"""The dbt project as Dagster sees it."""

from __future__ import annotations

import os
from pathlib import Path

from dagster_dbt import DbtProject

from pipeline.config import DBT_PROJECT_DIR, dbt_executable

# dagster-dbt looks dbt up on PATH (its project preparer too); `make test`, `make dev` and
# `make run` call .venv/bin tools without activating the venv, so put dbt's folder first.
_dbt_bin = str(Path(dbt_executable()).parent)
if _dbt_bin != "." and _dbt_bin not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = _dbt_bin + os.pathsep + os.environ.get("PATH", "")

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
# `dagster dev` re-parses on load; elsewhere (make run, tests) parse once if no manifest yet.
dbt_project.prepare_if_dev()
if not dbt_project.manifest_path.exists():
    dbt_project.preparer.prepare(dbt_project)
