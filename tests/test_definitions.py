"""The Dagster definitions: they load, validate, and form one connected graph."""

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
from dagster._core.definitions.dependency import NodeHandle

from orchestration.definitions import defs
from orchestration.defs.extract.assets import extract_key
from pipeline.config import REPO_ROOT, extracts_config
from pipeline.fetch.extracts import configured
from pipeline.suites import load_specs


def test_dagster_definitions_validate():
    dagster = Path(sys.executable).with_name("dagster")
    proc = subprocess.run(
        [str(dagster), "definitions", "validate", "-m", "orchestration.definitions"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]


def _upstream(graph, key):
    seen, todo = set(), [key]
    while todo:
        for parent in graph.get(todo.pop()).parent_keys:
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen


REPORT_OUTPUTS = {dg.AssetKey("follow_up_report"), dg.AssetKey("indicator_workbook")}


def test_graph_runs_from_every_landing_source_to_the_report():
    graph = defs.resolve_asset_graph()
    upstream = _upstream(graph, dg.AssetKey("follow_up_report"))
    assert upstream == _upstream(graph, dg.AssetKey("indicator_workbook"))
    sources = {s.source for s in load_specs()}
    assert {dg.AssetKey(["landing", s]) for s in sources} <= upstream
    assert {dg.AssetKey(["raw", s.raw_table]) for s in load_specs()} <= upstream
    assert {
        dg.AssetKey("analytics_db"),
        dg.AssetKey(["marts", "fct_indicator_values"]),
        dg.AssetKey(["marts", "dim_indicator"]),
    } <= upstream
    # every asset in the graph leads to the report and the workbook (nothing dangles)
    assert set(graph.get_all_asset_keys()) - upstream == REPORT_OUTPUTS


def test_every_raw_table_has_a_blocking_suite_check():
    graph = defs.resolve_asset_graph()
    checks = {
        (spec.asset_key, spec.name): spec
        for spec in (graph.get_check_spec(k) for k in graph.asset_check_keys)
    }
    assert checks, "no asset check in the graph"
    specs = load_specs()
    assert specs, "no source entity is specified"
    for spec in specs:
        check = checks.get((dg.AssetKey(["raw", spec.raw_table]), "gx_suite"))
        assert check is not None and check.blocking, spec.raw_table


def test_the_refresh_job_runs_every_asset_and_check():
    job = defs.resolve_job_def("refresh")
    graph = defs.resolve_asset_graph()
    layer = job.asset_layer
    extracts = {extract_key(s, t) for s, t in configured()}
    # every asset but the fetches, which run in their own job before it
    assert set(layer.selected_asset_keys) == set(graph.materializable_asset_keys) - extracts
    checks = {
        key
        for node in job.graph.node_dict
        for key in layer.get_selected_entity_keys_for_node(NodeHandle(node, None))
        if isinstance(key, dg.AssetCheckKey)
    }
    assert checks == set(graph.asset_check_keys)  # the GX, dbt and freshness checks


def test_each_configured_extract_is_an_asset_upstream_of_its_landing_folder():
    graph = defs.resolve_asset_graph()
    job = defs.resolve_job_def("extract")
    extracts = {extract_key(s, t) for s, t in configured()}
    assert len(extracts) == sum(len(extracts_config()[s]) for s in ("jobindsats", "statbank"))
    assert set(job.asset_layer.selected_asset_keys) == extracts
    for source, table in configured():
        landing = graph.get(dg.AssetKey(["landing", source]))
        assert extract_key(source, table) in landing.parent_keys
    assert defs.resolve_schedule_def("monthly_extract").job_name == "extract"


def test_old_dbt_build_folders_are_pruned_and_the_current_one_kept(tmp_path):
    """dagster-dbt leaves one target folder per build; only the newest few stay."""
    from orchestration.defs.transform.assets import KEEP_BUILD_FOLDERS, prune_build_folders

    folders = []
    for i in range(KEEP_BUILD_FOLDERS + 3):
        folder = tmp_path / f"warehouse_dbt_assets-{i:07d}-abc{i:04d}"
        (folder / "compiled").mkdir(parents=True)
        os.utime(folder, (1_000_000 + i, 1_000_000 + i))
        folders.append(folder)
    other = tmp_path / "partial_parse.msgpack"
    other.write_bytes(b"kept")
    current = folders[0]  # even the oldest stays when it is the build that just ran
    prune_build_folders(current)
    left = sorted(p.name for p in tmp_path.iterdir() if p.is_dir())
    assert current.name in left and len(left) == KEEP_BUILD_FOLDERS + 1
    assert [f.name for f in folders[-KEEP_BUILD_FOLDERS:]] == left[1:]
    assert other.read_bytes() == b"kept"


def test_the_home_municipality_is_one_dbt_var_not_a_number_in_the_code():
    """Ballerup's code is `var('home_municipality')` (dbt_project.yml), written nowhere else
    in the project's SQL, dbt Python models, Python packages or report templates outside
    comments: not as a number, not as text ('151'). (The YAML's unit-test rows name areas
    by their codes, as data.)"""
    import re

    from pipeline.config import DBT_PROJECT_DIR, REPO_ROOT, dbt_var

    home = str(dbt_var("home_municipality"))
    comment = {".sql": "--", ".py": "#", ".j2": "{#"}
    files = [
        *(p for f in ("models", "macros", "tests") for p in (DBT_PROJECT_DIR / f).rglob("*.sql")),
        *(DBT_PROJECT_DIR / "models").rglob("*.py"),
        *(p for f in ("pipeline", "orchestration") for p in (REPO_ROOT / f).rglob("*.py")),
        *(REPO_ROOT / "reports" / "templates").rglob("*.j2"),
    ]
    assert len(files) > 100
    found = []
    for path in files:
        text = re.sub(
            r"\{#.*?#\}",
            lambda m: "\n" * m.group(0).count("\n"),
            path.read_text(encoding="utf-8"),
            flags=re.S,
        )  # Jinja comments, kept as many lines
        for n, line in enumerate(text.splitlines(), start=1):
            code = line.split(comment[path.suffix], 1)[0]
            if re.search(rf"(?<!\w){home}(?!\w)", code):
                found.append(f"{path.relative_to(REPO_ROOT)}:{n}")
    assert found == []


def test_the_parse_keeps_the_seeds_checksums_so_the_next_build_does_not_reparse(tmp_path):
    """orchestration.project's preparer parses as dagster-dbt's does, but leaves dbt's
    partial-parse file as dbt wrote it: a seed's saved checksum is its file's, so the first
    build after a parse finds nothing changed (dagster-dbt's own writes a checksum no file
    has, and that build re-parsed every seed, 17 then)."""
    import msgpack
    from dagster_dbt import DbtProject
    from dbt.contracts.files import FileHash

    from orchestration.project import preparer

    (tmp_path / "seeds").mkdir()
    seed = tmp_path / "seeds" / "codes.csv"
    seed.write_text("code,name\n1,one\n", encoding="utf-8")
    (tmp_path / "dbt_project.yml").write_text(
        "name: tiny\nversion: '1.0'\nconfig-version: 2\nprofile: tiny\n"
        "flags:\n  send_anonymous_usage_stats: false\n",
        encoding="utf-8",
    )
    (tmp_path / "profiles.yml").write_text(
        "tiny:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
        f"      path: {tmp_path / 'tiny.duckdb'}\n",
        encoding="utf-8",
    )
    project = DbtProject(project_dir=tmp_path, profiles_dir=tmp_path)
    preparer.prepare(project)
    with open(project.manifest_path.parent / "partial_parse.msgpack", "rb") as f:
        saved = msgpack.unpack(f, raw=False, strict_map_key=False)
    [entry] = [e for e in saved["files"].values() if e.get("parse_file_type") == "seed"]
    expected = FileHash.from_contents(seed.read_text(encoding="utf-8").strip())
    assert entry["checksum"] == {"name": expected.name, "checksum": expected.checksum}


def test_every_job_runs_in_one_process_the_uis_materialize_too():
    """The refresh, the extract and the implicit asset job the UI's "Materialize" runs: in
    one process, not a process per step that imports the definitions, GX and dbt again."""
    jobs = [defs.resolve_implicit_global_asset_job_def()]
    jobs += [defs.resolve_job_def(name) for name in ("refresh", "extract")]
    assert [j.executor_def.name for j in jobs] == ["in_process"] * 3


def test_the_daemon_runs_one_refresh_at_a_time(tmp_path, monkeypatch):
    """Every run of the refresh job carries the tag the instance's run queue (dagster.yaml,
    as `make run` and `make dev` install it) limits to one run at a time: an extract's
    files started a refresh from the landing sensor and another from the after-extract
    sensor, under different run keys, and their steps interleaved (helper-112)."""
    from orchestration.definitions import REFRESH_TAG

    assert defs.resolve_job_def("refresh").run_tags[REFRESH_TAG] == "1"
    (tmp_path / "dagster.yaml").write_bytes(
        (REPO_ROOT / "orchestration" / "dagster.yaml").read_bytes()
    )
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    with dg.DagsterInstance.get() as instance:
        limits = instance.get_concurrency_config().run_queue_config.tag_concurrency_limits
    assert {"key": REFRESH_TAG, "limit": 1} in limits


def test_the_last_partition_is_the_last_whole_month_where_the_jobcentre_is():
    """Half an hour into December in Copenhagen (23:30 UTC on 30 November), November is a
    whole month and a partition: counted in UTC, it was not one for the first hour."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from orchestration.lib.partitions import MONTHS
    from pipeline.config import sources_config

    local = ZoneInfo(sources_config()["schedule"]["timezone"])
    just_after = datetime(2026, 12, 1, 0, 30, tzinfo=local)
    assert MONTHS.get_partition_keys(current_time=just_after)[-1] == "2026-11-01"
