"""The dbt project as assets: `dbt build` (models, seeds, data and unit tests), streamed."""

import csv
import json
import logging
import os
import shutil
import time
from collections import Counter
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from orchestration.lib.failures import said_of_failure
from orchestration.lib.warehouse import WAREHOUSE_POOL, retry_when_locked
from orchestration.project import LeanDbtCli, dbt_project
from pipeline.config import SEEDS_DIR, Settings, dbt_executable
from pipeline.dbt_plan import BUILD_ARGS, unchanged_nodes
from pipeline.dbt_timing import dbt_timings
from pipeline.failpoints import failpoint
from pipeline.files import write_atomic
from pipeline.lifetime import PARENT_ENV
from pipeline.state import (
    dbt_code_changed,
    finish_attempt,
    raw_tables_loaded_since_build,
    record_attempt,
    record_dbt_build,
)

progress = logging.getLogger("bkwh.progress")
log = logging.getLogger(__name__)


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


def dbt_manifest() -> dict[str, Any]:
    """The dbt project's manifest (as the assets were defined from)."""
    return json.loads(Path(dbt_project.manifest_path).read_text(encoding="utf-8"))


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
    warehouse = Settings.from_env().warehouse_path
    os.environ["BKWH_WAREHOUSE_PATH"] = str(warehouse)
    started = time.perf_counter()
    with retry_when_locked(context, "dbt build"):
        # the incremental models extend what they hold only when it was built by this code
        whole = dbt_code_changed(warehouse)
        every = set(context.selected_asset_keys) >= set(warehouse_dbt_assets.keys)
        if whole and not every:
            # the models left out were built by earlier code (or never): a staging view of
            # it may read a raw column this code's ingest dropped and fail as a binder error
            # (helper-92), a seed be as it was. `bkwh run --source` selects all of it then
            raise dg.Failure(
                description=(
                    "the dbt project changed since its last whole build (or none passed): a "
                    "build of part of it would mix models of two versions. Materialise every "
                    "dbt asset once (`bkwh run`, or `bkwh run --source`, which does so then)."
                )
            )
        args = [*BUILD_ARGS, "--full-refresh"] if whole else list(BUILD_ARGS)
        # a build of every asset leaves out the data tests whose inputs are as the last
        # passing build of this code saw them (pipeline/dbt_plan.py)
        changed = raw_tables_loaded_since_build(warehouse)
        unchanged = []
        if every and changed is not None:
            unchanged = unchanged_nodes(dbt_manifest(), changed)
        if unchanged:
            # cautious: only the tests named are left out (dbt's default, eager, selects tests
            # by their parents too). One space-separated value: dagster-dbt reads one value
            # per --exclude
            args += ["--exclude", " ".join(unchanged), "--indirect-selection", "cautious"]
        left_out = f", not {len(unchanged)} data tests of unchanged inputs"
        progress.info(
            "dbt build: models and data tests"
            + (", incremental models whole (no build of this dbt code yet)" if whole else "")
            + (left_out if unchanged else "")
            + " (full log in the log file)"
        )
        with duckdb.connect(str(warehouse)) as con:
            passed_before = record_attempt(con)  # until it passes, its marts are not published
        invocation = dbt.cli(args, context=context, raise_on_error=False)
        for n, event in enumerate(invocation.stream(), start=1):
            yield event
            if n == 1:  # dbt has parsed: its parse serves the next build even if this one dies
                keep_partial_parse(invocation.target_path)
            if n == 5:  # dbt has built a few nodes and is running: the crash tests kill here
                failpoint("dbt.building")
        summary = _summarise(invocation)
        # dbt writes its results when it finishes, even of no node: a process that ended
        # without them did not finish, whatever its exit status was taken to be
        finished = (Path(invocation.target_path) / "run_results.json").exists()
        if invocation.is_successful() and finished:
            prune_build_folders(invocation.target_path)
            with duckdb.connect(str(warehouse)) as con:
                selected, project = context.selected_asset_keys, warehouse_dbt_assets.keys
                if record_dbt_build(con, selected, project) or passed_before:
                    finish_attempt(con)
            progress.info(f"dbt build: {summary}, {time.perf_counter() - started:.1f} s")
            _log_timings(Path(invocation.target_path))
            return
        failed = _failures(invocation)
        for line in failed:
            progress.error(f"dbt: {line}")
        raise dg.Failure(
            description=f"dbt build failed ({summary}): " + "; ".join(failed),
            metadata={"failed": dg.MetadataValue.md("\n".join(f"- {f}" for f in failed))},
        )


def _results(invocation) -> list[dict[str, Any]]:
    try:
        return invocation.get_artifact("run_results.json")["results"]
    except FileNotFoundError:  # dbt died before writing its results
        return []
    except ValueError as e:  # half written (orjson's JSONDecodeError is a ValueError)
        progress.warning(f"dbt's run_results.json cannot be read ({e}): no node results")
        return []


def _log_timings(target: Path) -> None:
    """Where the passing build's time went (pipeline/dbt_timing.py), to the full log only: a
    diagnosis, which fails nothing when dbt's artifacts cannot be read."""
    try:
        log.info("dbt build timings:\n%s", dbt_timings(target / "run_results.json"))
    except (OSError, ValueError, KeyError) as e:  # ValueError: a half-written file
        log.warning(f"dbt build timings: dbt's artifacts in {target} cannot be read ({e})")


def _summarise(invocation) -> str:
    """The nodes' statuses counted, not the project's hooks' (macros/build_attempt.sql; a
    hook that fails stops dbt, and dbt's error is the build's)."""
    nodes = [r for r in _results(invocation) if not r["unique_id"].startswith("operation.")]
    counts = Counter(r["status"] for r in nodes)
    return ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "no results"


def _failures(invocation) -> list[str]:
    """Each failed node with dbt's message, in full (and, for a data test that stores its
    failing rows, where they are and the indicators they belong to); dbt's own error when
    it ran nothing."""
    failed = [
        f"{r['unique_id']}: {r['status']}: {(r.get('message') or '').strip()}" + _stored_failures(r)
        for r in _results(invocation)
        if r["status"] in ("error", "fail", "runtime error")
    ]
    if failed:
        return failed
    error = invocation.get_error()
    if error:  # dagster-dbt's, with the whole command line: cut as the console says it
        return [said_of_failure(str(error))]
    if invocation.process.returncode == 0:
        return ["dbt ended without writing its results (run_results.json): it was stopped"]
    return [f"dbt exited with code {invocation.process.returncode}"]


def _stored_failures(result: dict[str, Any]) -> str:
    """Where a failed data test with store_failures keeps its rows (the tests of
    fct_indicator_values, one per rule for every indicator), and which indicators fail."""
    relation = result.get("relation_name")
    if not relation or not result["unique_id"].startswith("test."):
        return ""
    table = relation.split(".", 1)[1]  # the warehouse's catalog name is the file's
    try:
        with duckdb.connect(str(Settings.from_env().warehouse_path), read_only=True) as con:
            columns = {c[0] for c in con.execute(f"describe {table}").fetchall()}
            ids = (
                [
                    r[0]
                    for r in con.execute(
                        f"select distinct indicator_id from {table} order by 1"
                    ).fetchall()
                ]
                if "indicator_id" in columns
                else []
            )
    except duckdb.Error as e:  # the rows are still there to read; say why they are not named
        return f" (failing rows: select * from {table}; not read: {e})"
    named = f", indicators {', '.join(map(str, ids))}" if ids else ""
    return f" (failing rows: select * from {table}{named})"


def kept_parse_path() -> Path:
    """Where dagster-dbt looks for a parse to start from: `DBT_TARGET_PATH` (default the
    project's `target/`), which also holds each build's own target folder."""
    base = Path(os.environ.get("DBT_TARGET_PATH", "target"))
    folder = base if base.is_absolute() else dbt_project.project_dir / base
    return folder / "partial_parse.msgpack"


def keep_partial_parse(target: Path) -> None:
    """Keep the build's parse for the next one (dagster-dbt copies it into each build's own
    target folder): dbt then re-parses only what changed. dbt writes it when it has parsed,
    before it runs a node, so it is kept from the first node on: a build that fails or is
    killed still spares the next one a full parse (7-10 s). dbt starts over when the profile
    changed (another warehouse path)."""
    parsed = target / "partial_parse.msgpack"
    if parsed.exists():
        write_atomic(kept_parse_path(), parsed.read_bytes())


KEEP_BUILD_FOLDERS = 5


def prune_build_folders(current: Path, keep: int = KEEP_BUILD_FOLDERS) -> None:
    """dagster-dbt gives every build its own target folder (about 12 MB of compiled SQL and
    artifacts) and never removes one: 160 builds had filled 1.9 GB here. Keep the newest
    `keep` (the current one always), for reading a recent build's compiled SQL."""
    folders = sorted(
        (p for p in current.parent.glob(f"{current.name.rsplit('-', 2)[0]}-*") if p.is_dir()),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in folders[keep:]:
        if old != current:
            shutil.rmtree(old, ignore_errors=True)


class WarehouseDbtCli(LeanDbtCli):
    """The refresh's dbt command: `LeanDbtCli` (orchestration/project.py), run as
    `bkwh-dbt` (below)."""

    def cli(self, *args, **kwargs):
        """The command, as `bkwh-dbt` (below), told which process starts it: this one."""
        os.environ[PARENT_ENV] = str(os.getpid())
        return super().cli(*args, **kwargs)


# bkwh-dbt: dbt, ended when the refresh that started it dies (pipeline/lifetime.py)
dbt_resource = WarehouseDbtCli(
    project_dir=dbt_project, dbt_executable=str(Path(dbt_executable()).with_name("bkwh-dbt"))
)
