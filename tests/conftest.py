"""Shared fixtures: a small generated world, built once through the real refresh job.

Everything is real: DuckDB files in temporary folders, dbt as a subprocess through
dagster-dbt, Great Expectations suites, the Dagster job executed in-process.
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from pipeline.config import (
    DBT_PROJECT_DIR,
    REPO_ROOT,
    SAMPLE_PSEUDONYM_KEY,
    Settings,
    dbt_executable,
)

# A small world: 23 months, so that indicators needing a month of history before a spell plus
# 26 weeks of follow-up (1.5) have values, reaching six months past the kontanthjælp reform
# of 1 July 2025 (DESIGN.md), so that both sides of its break are built and tested, and to the
# end of 2025: the one calendar year whose months are all measured, which the indicators
# counted per calendar year (3.3, 5.3, 5.6) need for a row.
# The first month starts on a Thursday: the register's first week (Monday 29 January 2024)
# reaches into the month before, as full-history samples do (2019-01 starts on 31 December).
WORLD = {"seed": 9, "scale": 0.05, "start": "2024-02", "end": "2025-12"}
# The world's last month, as case-system files name it (2025-12) and as Jobindsats and
# StatBank name it (2025M12), and the month after it, which no file of the world has.
LAST_MONTH = WORLD["end"]
LAST_PERIOD = LAST_MONTH.replace("-", "M")
_year, _month = map(int, LAST_MONTH.split("-"))
NEXT_PERIOD = f"{_year + _month // 12}M{_month % 12 + 1:02d}"


@dataclass
class Env:
    root: Path
    settings: Settings


def use_root(mp: pytest.MonkeyPatch, root: Path, deliveries: bool = False) -> Env:
    """Point the settings at `root`. Without a key, as `make run` on the sample: the sample
    key serves only the files the generator wrote (config.pseudonym_key). `deliveries`: the
    test puts files of its own into landing (corrections, broken files), so the key is set,
    as an operator sets it for deliveries, to the sample's, so that the hashes match the
    world's."""
    for k, v in Settings.env_for_root(root).items():
        mp.setenv(k, v)
    if deliveries:
        mp.setenv("BKWH_PSEUDONYM_KEY", SAMPLE_PSEUDONYM_KEY)
    else:
        mp.delenv("BKWH_PSEUDONYM_KEY", raising=False)
    mp.delenv("DAGSTER_HOME", raising=False)
    return Env(root, Settings.from_env())


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tables_checksum(path: Path, schema: str | None = None) -> dict[str, str]:
    """A checksum of each table's content, whatever the order of its rows (its row count
    and the sum of its rows' hashes, computed in DuckDB), opened read-only; only the tables
    of `schema` where one is given. (Each table's rows fetched into Python, sorted and
    hashed took 0.6 s for the test world's analytics file and 1.2 s for its raw schema.)"""
    import duckdb

    out = {}
    with duckdb.connect(str(path), read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where ? is null or table_schema = ? order by all",
            [schema, schema],
        ).fetchall()
        for schema, table in tables:
            [(n, summed)] = con.execute(
                f'select count(*), sum(hash(t)::hugeint) from "{schema}"."{table}" as t'
            ).fetchall()
            out[f"{schema}.{table}"] = f"{n} rows, {summed}"
    return out


def sheet_values(path: Path, name: str) -> list[tuple] | None:
    """The rows of the workbook's sheet `name` as values (its header first), or None where
    the workbook has no such sheet. Opened read-only, openpyxl parses only the sheet read
    (the whole workbook parsed was a quarter of the figure-changed report test's time)."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    try:
        return list(book[name].iter_rows(values_only=True)) if name in book.sheetnames else None
    finally:
        book.close()


def pdf_pages(path: Path) -> list[tuple[tuple[float, float], str]]:
    """Each page of a PDF: its width and height in mm, and its text as pdfium reads it
    (lines ended by a newline). pdfium, not pypdf: pypdf's text extraction took 3.1 s for
    the test world's 43 pages, pdfium 0.2 s, with the same words and lines."""
    import pypdfium2

    document = pypdfium2.PdfDocument(path)
    try:
        return [
            (
                tuple(v * 25.4 / 72 for v in page.get_size()),
                page.get_textpage().get_text_range().replace("\r\n", "\n"),
            )
            for page in document
        ]
    finally:
        document.close()


def serve(handler: type[BaseHTTPRequestHandler]) -> ThreadingHTTPServer:
    """A real HTTP server on 127.0.0.1 (a free port), serving in a thread of its own; its
    `shutdown()` returns within 0.05 s (the standard library's 0.5 s poll interval cost every
    test that stops a server half a second: 15 s of test_extract's 55)."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    return httpd


@pytest.fixture(scope="session")
def shared(tmp_path_factory, worker_id) -> Path:
    """A folder all pytest-xdist workers of this run share (the run's own, without xdist)."""
    base = tmp_path_factory.getbasetemp()
    return base if worker_id == "master" else base.parent


def once(folder: Path, build) -> Path:
    """`build(folder)` by the first worker to get here; the others wait for it, then use it.
    The world is generated and built once per test run, whatever the number of workers."""
    from filelock import FileLock

    done = folder.with_name(folder.name + ".done")
    with FileLock(str(folder) + ".lock"):
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            build(folder)
            done.touch()
    return folder


@pytest.fixture(scope="session")
def sample_landing(shared) -> Path:
    """The generated landing folder; tests copy it, never change it."""
    from pipeline.sample.generate import generate

    return once(shared / "sample", lambda f: generate(f / "landing", **WORLD)) / "landing"


def run_refresh_job(settings: Settings, **kwargs) -> bool:
    """The refresh job as `bkwh run` executes it (orchestration.run.execute, without the
    waiting and signal handling around it, which test_waiting and test_crash run in real
    `bkwh` processes); True when every step succeeded, the failed steps printed."""
    import sys

    from orchestration.run import execute

    result = execute(settings, **kwargs)
    for failure in result.failures:
        print(f"FAILED step {failure[:4000]}", file=sys.stderr)
    return result.success


def run_extract_job(through: str, instance, source: str = "jobindsats", tags=None):
    """The extract job's assets of one source, executed in process to the month `through`,
    as the monthly schedule asks (a failure is returned, not raised); `tags` the run's (the
    schedule's: {'bkwh/trigger': 'schedule'})."""
    from orchestration.definitions import defs

    job = defs.resolve_job_def("extract")
    return job.execute_in_process(
        instance=instance,
        asset_selection=[k for k in job.asset_layer.selected_asset_keys if source in k.path],
        run_config={"ops": {f"extract_{source}": {"config": {"through": through}}}},
        raise_on_error=False,
        tags=tags,
    )


@pytest.fixture(scope="session")
def built(shared, sample_landing) -> Iterator[Env]:
    """A world carried through the whole refresh job once: read-only for the tests."""

    def build(root: Path) -> None:
        shutil.copytree(sample_landing, root / "landing")
        with pytest.MonkeyPatch.context() as mp:
            # the build's dbt parse is for this world's warehouse (its profile): kept beside
            # it, it leaves the project's target/ to the working tree's own refreshes
            mp.setenv("DBT_TARGET_PATH", str(root / "dbt_target"))
            env = use_root(mp, root)
            assert run_refresh_job(env.settings), "the refresh job failed on the sample world"

    root = once(shared / "built", build)
    with pytest.MonkeyPatch.context() as mp:
        yield use_root(mp, root)


@pytest.fixture
def fresh(tmp_path, monkeypatch, sample_landing) -> Env:
    """An empty warehouse with its own copy of the sample landing folder."""
    shutil.copytree(sample_landing, tmp_path / "landing")
    return use_root(monkeypatch, tmp_path, deliveries=True)


def copy_world(built: Env, root: Path) -> None:
    """Copy the built world's landing, warehouse, analytics files and the Parquet exports
    made from its publication into `root` (not its report)."""
    for name in ("landing", "warehouse.duckdb", "analytics.duckdb", "exports"):
        src = built.root / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, root / name)


@pytest.fixture(scope="session")
def dbt_target(tmp_path_factory) -> Path:
    """This worker's dbt target folder (DBT_TARGET_PATH): the builds of one worker keep their
    parse for each other, and two workers never write the same files."""
    return tmp_path_factory.mktemp("dbt_target")


def run_dbt(args: list[str], env_root: Path) -> subprocess.CompletedProcess:
    """dbt with `args`, from the project folder, on the warehouse of the world at `env_root`
    (its output captured as text)."""
    env = {**os.environ, "BKWH_WAREHOUSE_PATH": str(env_root / "warehouse.duckdb")}
    return subprocess.run(
        [dbt_executable(), *args],
        cwd=DBT_PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture
def rebuilt(tmp_path_factory, monkeypatch, built, dbt_target) -> Env:
    """A copy of the built world (warehouse, analytics, landing) that a test may change.

    Every test of a worker gets it at the same place: dbt's parse depends on the warehouse
    path (its profile), so the dbt builds of one worker's tests re-parse only once."""
    root = tmp_path_factory.getbasetemp() / "world"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir()
    copy_world(built, root)
    monkeypatch.setenv("DBT_TARGET_PATH", str(dbt_target))
    return use_root(monkeypatch, root, deliveries=True)


@pytest.fixture(scope="session")
def _forked_dbts() -> Iterator[dict]:
    servers: dict = {}
    yield servers
    for server in servers.values():
        server.close()


@pytest.fixture
def world_dbt(rebuilt, dbt_target, _forked_dbts):
    """dbt commands on the warehouse of `rebuilt`, each in a child forked from one dbt
    process per worker that parsed the project once (tests/forked_dbt.py); the artifacts in
    the worker's dbt target folder. Every test of a worker has its world at the same
    place, so the parse serves them all."""
    from forked_dbt import ForkedDbt

    key = (rebuilt.settings.warehouse_path, dbt_target)
    if key not in _forked_dbts:
        _forked_dbts[key] = ForkedDbt(*key)
    return _forked_dbts[key]


@pytest.fixture
def synced(monkeypatch) -> list[tuple[str, bool]]:
    """Each fsync this process makes, as it happens: what the descriptor names (a file or a
    folder, by its path at that moment) and whether it is a folder. The real fsync runs
    (pipeline/files.py: what a power cut needs, which no test can cut)."""
    calls: list[tuple[str, bool]] = []
    real = os.fsync

    def fsync(fd: int) -> None:
        calls.append((os.readlink(f"/proc/self/fd/{fd}"), os.path.isdir(f"/proc/self/fd/{fd}")))
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    return calls


@functools.cache
def _blank_template() -> Path:
    """The folder of a new test instance, made once per process (removed at its exit)."""
    import dagster as dg

    template = Path(tempfile.mkdtemp(prefix="dagster-blank-"))
    with dg.instance_for_test(temp_dir=str(template)):
        pass
    atexit.register(shutil.rmtree, template, True)
    return template


@contextmanager
def blank_instance():
    """`dg.instance_for_test()` (a new instance, SQLite in a folder of its own), on a copy of
    the folder of one made once per process: creating an instance's SQLite storage (its
    schema and migrations) took 0.3-0.4 s each time, the copy and opening it 0.05-0.08 s."""
    import dagster as dg

    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as folder:
        copy = Path(folder) / "instance"
        shutil.copytree(_blank_template(), copy)
        with dg.instance_for_test(temp_dir=str(copy)) as instance:
            yield instance


@pytest.fixture
def home(tmp_path) -> Path:
    """A persistent Dagster instance with the project's dagster.yaml (the pool's limit of 1)."""
    path = tmp_path / "dagster_home"
    path.mkdir()
    shutil.copy(REPO_ROOT / "orchestration" / "dagster.yaml", path / "dagster.yaml")
    return path


@pytest.fixture
def instance(home):
    """The instance the refreshes use, opened once (as `bkwh doctor` opens it)."""
    import dagster as dg

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DAGSTER_HOME", str(home))
        with dg.DagsterInstance.get() as opened:
            yield opened


def published_at(env: Env):
    """When the published analytics file was published."""
    import duckdb

    with duckdb.connect(str(env.settings.analytics_path), read_only=True) as con:
        return con.execute("select published_at from marts._publication").fetchone()[0]


def correct_a_delivery(env: Env) -> str:
    """A corrected re-delivery of one month, so that the next refresh has a file to load."""
    path = env.settings.landing_dir / "case_system" / f"meetings_{LAST_MONTH}.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[:-1]) + "\n")
    return path.name


def pytest_configure(config) -> None:
    """Parse the dbt project once, before pytest-xdist starts its workers (each would
    otherwise find no manifest on a fresh clone and parse it at the same time)."""
    if not hasattr(config, "workerinput"):
        from pipeline.definitions import manifest_is_stale

        # the check alone, without the 3.5 s of Dagster's and dbt's imports, when it is not
        if manifest_is_stale():
            import orchestration.project  # noqa: F401  (prepares the manifest when stale)


def pytest_xdist_node_collection_finished(node, ids) -> None:
    """Once the first worker has collected the report's browser tests, chromium starts
    installing in the background where it is missing (tests/chromium.py), while the world
    is built: on a fresh machine its install took about 30 s of a worker's time."""
    if any(i.startswith("tests/test_report.py::") for i in ids):
        from chromium import start_in_background

        start_in_background()


def pytest_xdist_make_scheduler(config, log):
    """pytest-xdist's `--dist loadfile`, except that a worker takes the next module only when
    it has one test left (it needs one more to run its last). By xdist's own rule (two left)
    the worker given the one-test crash module at once took further modules too, which then
    waited behind that test (about 140 s with the world's build) while the other worker may
    run out of work. Measured with this rule: 176 s of tests on each worker."""
    from xdist.scheduler import LoadFileScheduling

    class OneAhead(LoadFileScheduling):
        def _reschedule(self, node) -> None:
            if node.shutting_down:
                return
            if not self.workqueue:
                node.shutdown()
                return
            if self._pending_of(self.assigned_work[node]) <= 1:
                self._assign_work_unit(node)

    return OneAhead(config, log)


def pytest_collection_modifyitems(items) -> None:
    """The order in which pytest-xdist hands out the modules (`--dist loadfile` with
    `--no-loadscope-reorder`: each worker takes the next module when it runs short). First
    the longest module that needs the built world: its worker builds the world in that
    module's first test. Then the modules that do not need the world: the other worker runs
    them meanwhile. Then the other modules that need it, longest first, so that no long one
    is left for the end. A module's mark `pytest.mark.seconds(n)` says about how long it runs
    on 2 cores (make test's --durations); an unmarked module counts as short."""
    modules: dict[str, tuple[bool, float]] = {}
    for item in items:
        needs = bool({"built", "rebuilt"} & set(item.fixturenames))
        mark = item.get_closest_marker("seconds")
        seconds = float(mark.args[0]) if mark else 0.0
        was_needed = modules.get(item.module.__name__, (False, 0.0))[0]
        modules[item.module.__name__] = (needs or was_needed, seconds)
    world = sorted((m for m, (needs, _) in modules.items() if needs), key=lambda m: -modules[m][1])
    rest = [m for m, (needs, _) in modules.items() if not needs]
    rank = {m: n for n, m in enumerate(world[:1] + rest + world[1:])}
    items.sort(key=lambda item: rank[item.module.__name__])


os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
os.environ.setdefault("DO_NOT_TRACK", "1")
