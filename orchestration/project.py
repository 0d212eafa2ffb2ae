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


def _manifest_is_stale(manifest: Path) -> bool:
    """True when the manifest is missing or older than any file dbt parses, so that an
    edited model is never run from an old graph (a new model would be unknown to it)."""
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    sources = [DBT_PROJECT_DIR / "dbt_project.yml", DBT_PROJECT_DIR / "profiles.yml"]
    for folder in ("models", "macros", "seeds", "tests", "analyses"):
        sources.extend(p for p in (DBT_PROJECT_DIR / folder).rglob("*") if p.is_file())
    return any(p.exists() and p.stat().st_mtime > built for p in sources)


# `dagster dev` re-parses on load; elsewhere (make run, tests) parse when the project changed.
dbt_project.prepare_if_dev()
if _manifest_is_stale(dbt_project.manifest_path):
    dbt_project.preparer.prepare(dbt_project)
