"""Crash safety, recovery and stopping (issues 4 and 13), with real `bkwh` processes and a
persistent Dagster instance with the project's own dagster.yaml, as `make run` uses it.

A refresh is killed with SIGKILL (its whole process group, dbt included) at a named failpoint
(pipeline/failpoints.py) inside each step that holds the warehouse slot: in a load
transaction, during `dbt build`, and between writing the new analytics file and swapping it
in. Each time the published file must still be the last good one, and the next plain
`bkwh run` must free what the killed run held and go on by itself. A refresh waiting for the
slot says who holds it, ends on Ctrl-C within seconds, and gives up after its time limit. A
second refresh started while one runs exits with a clear message; an analyst's open
read-only connection neither blocks a publish nor sees it until reconnecting.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from conftest import Env, tables_checksum
from processes import start_bkwh

from orchestration.lib.runs import states
from pipeline.config import REPO_ROOT, Settings
from pipeline.publish import publish

pytestmark = pytest.mark.seconds(90)  # ordering only (conftest.py)

BKWH = str(Path(sys.executable).with_name("bkwh"))
# Another run of the same instance holding the warehouse slot, as a run launched from the UI
# or by the daemon does while it loads: a STARTED run tagged with this process, its slot
# claimed through Dagster's own API. It holds the slot until it is killed.
HOLD_THE_SLOT = """
import time, uuid
import dagster as dg
from orchestration.lib.runs import process_tags
from orchestration.lib.warehouse import WAREHOUSE_POOL
instance = dg.DagsterInstance.get()
run = dg.DagsterRun(job_name="refresh", run_id=str(uuid.uuid4()),
                    status=dg.DagsterRunStatus.STARTED, tags=process_tags())
instance.add_run(run)
instance.event_log_storage.initialize_concurrency_limit_to_default(WAREHOUSE_POOL)
claim = instance.event_log_storage.claim_concurrency_slot(
    WAREHOUSE_POOL, run.run_id, "ingest_case_system")
assert claim.is_claimed, claim
print("holding", run.run_id, flush=True)
time.sleep(3600)
"""


@pytest.fixture
def home(tmp_path) -> Path:
    """A persistent Dagster instance with the project's dagster.yaml (the pool's limit of 1)."""
    path = tmp_path / "dagster_home"
    path.mkdir()
    shutil.copy(REPO_ROOT / "orchestration" / "dagster.yaml", path / "dagster.yaml")
    return path


def _env(env: Env, home: Path | None, failpoint: str | None = None, **extra) -> dict:
    run_env = {**os.environ, **Settings.env_for_root(env.root), **extra}
    run_env.pop("DAGSTER_HOME", None)
    if home is not None:
        run_env["DAGSTER_HOME"] = str(home)
    if failpoint:
        run_env["BKWH_FAILPOINT"] = f"{failpoint}@{env.root / 'signals'}"
    return run_env


def _start(
    env: Env,
    log: Path,
    failpoint: str | None = None,
    home: Path | None = None,
    args: list[str] | None = None,
    real: bool = False,
    **extra,
):
    """`bkwh run` in a process of its own: forked with its imports done (tests/processes.py),
    or `real`ly, the installed command; or another command (`args`)."""
    run_env = _env(env, home, failpoint, **extra)
    if args is None and not real:
        return start_bkwh(["run"], run_env, log)
    return subprocess.Popen(
        args or [BKWH, "run"],
        env=run_env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: dbt dies with it
    )


def _wait_for_failpoint(env: Env, proc: subprocess.Popen, name: str, log: Path) -> None:
    reached = env.root / "signals" / f"{name}.reached"
    deadline = time.monotonic() + 600
    while not reached.exists():
        assert proc.poll() is None, f"ended before {name}:\n{log.read_text()[-3000:]}"
        assert time.monotonic() < deadline, f"never reached {name}"
        time.sleep(0.1)
    reached.unlink()


def _wait_for_text(proc: subprocess.Popen, log: Path, text: str, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while text not in log.read_text():
        assert proc.poll() is None, f"ended before saying {text!r}:\n{log.read_text()[-3000:]}"
        assert time.monotonic() < deadline, f"never said {text!r}:\n{log.read_text()[-3000:]}"
        time.sleep(0.2)


def _kill(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)


def _published_at(env: Env):
    with duckdb.connect(str(env.settings.analytics_path), read_only=True) as con:
        return con.execute("select published_at from marts._publication").fetchone()[0]


def _load_log(env: Env, file: str) -> list[tuple]:
    with duckdb.connect(str(env.settings.warehouse_path), read_only=True) as con:
        return con.execute(
            "select status, is_current from raw._load_log where source_file = ? order by loaded_at",
            [file],
        ).fetchall()


def _correct_a_delivery(env: Env) -> str:
    """A corrected re-delivery of one month, so that the next refresh has a file to load."""
    path = env.settings.landing_dir / "case_system" / "meetings_2025-06.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[:-1]) + "\n")
    return path.name


@pytest.fixture
def instance(home) -> dg.DagsterInstance:
    """The instance the refreshes use, opened once (as `bkwh doctor` opens it)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DAGSTER_HOME", str(home))
        with dg.DagsterInstance.get() as opened:
            yield opened


def test_a_refresh_killed_in_any_step_is_recovered_by_the_next_run(
    rebuilt, home, instance, tmp_path
):
    good = tables_checksum(rebuilt.settings.analytics_path)
    published = _published_at(rebuilt)

    # Killed before its publish swap (the marts are built: the report is missing, so the run
    # only publishes and reports); then, with a corrected delivery to load, the next run in
    # its load; then the next in dbt build. Each run that reaches its failpoint has first
    # freed the slot of the run killed before it; the last plain run completes and publishes.
    rebuilt.settings.report_dir.mkdir(parents=True, exist_ok=True)
    corrected = None
    for n, point in enumerate(("publish.before_swap", "ingest.before_commit", "dbt.building")):
        if point == "ingest.before_commit":
            corrected = _correct_a_delivery(rebuilt)
        log = tmp_path / f"{point}.log"
        proc = _start(rebuilt, log, failpoint=point, home=home)
        _wait_for_failpoint(rebuilt, proc, point, log)
        [held] = [s for s in states(instance) if s.slots]
        assert held.status == "STARTED" and held.alive and held.pid == proc.pid, held
        if point == "ingest.before_commit":  # a second refresh meanwhile: refused, with why
            second_log = tmp_path / "second.log"
            second = _start(rebuilt, second_log, home=home, real=True)
            assert second.wait(timeout=300) == 75, second_log.read_text()[-3000:]
            assert f"another refresh is running (pid {proc.pid}" in second_log.read_text()
            assert proc.poll() is None  # the first goes on, untouched by the second
        _kill(proc)
        assert ("recovered run" in log.read_text()) == (n > 0), log.read_text()[-3000:]
        assert tables_checksum(rebuilt.settings.analytics_path) == good, point
        if point == "publish.before_swap":
            assert "publish and report only" in log.read_text()
            assert list(rebuilt.root.glob(".analytics.duckdb.*.tmp")), "no stray file to clean"
        if point == "ingest.before_commit":
            # the open transaction died with the process: the file is not in the log or raw
            assert _load_log(rebuilt, corrected) == [("loaded", True)]
        # what a SIGKILL leaves: a run STARTED, a slot held
        [dead] = [s for s in states(instance) if s.slots]
        assert dead.status == "STARTED" and dead.alive is False

    log = tmp_path / "after.log"
    proc = _start(rebuilt, log, home=home)
    assert proc.wait(timeout=900) == 0, log.read_text()[-3000:]
    assert "recovered run" in log.read_text() and "dbt build:" in log.read_text()
    assert _published_at(rebuilt) > published
    assert not list(rebuilt.root.glob(".analytics.duckdb.*.tmp*"))
    # the original delivery and its correction, the correction current, each loaded once
    assert _load_log(rebuilt, corrected) == [("loaded", False), ("loaded", True)]
    assert states(instance) == []  # no run left active, no slot held
    runs = instance.get_runs()
    assert [r.status for r in runs] == [
        dg.DagsterRunStatus.SUCCESS,
        *[dg.DagsterRunStatus.FAILURE] * 3,
    ]
    assert all("is gone" in _failure_message(instance, r.run_id) for r in runs[1:])


def _failure_message(instance: dg.DagsterInstance, run_id: str) -> str:
    [failure] = [
        e.dagster_event.message
        for e in instance.all_logs(run_id)
        if e.dagster_event and e.dagster_event.event_type_value == "PIPELINE_FAILURE"
    ]
    return failure or ""


def test_a_refresh_waiting_for_the_warehouse_says_who_holds_it_stops_and_gives_up(
    rebuilt, home, instance, tmp_path
):
    good = tables_checksum(rebuilt.settings.analytics_path)
    _correct_a_delivery(rebuilt)  # something to do, so that the refresh needs the slot
    holder_log = tmp_path / "holder.log"
    holder = _start(rebuilt, holder_log, home=home, args=[sys.executable, "-c", HOLD_THE_SLOT])
    _wait_for_text(holder, holder_log, "holding", timeout=60)
    try:
        waiting = "held by run"
        log = tmp_path / "ctrl_c.log"
        proc = _start(rebuilt, log, home=home, BKWH_WAREHOUSE_WAIT_S="600")
        _wait_for_text(proc, log, "waiting for the warehouse: " + waiting)
        assert f"pid {holder.pid}, running" in log.read_text()
        stopped_at = time.monotonic()
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C: to the whole foreground process group
        assert proc.wait(timeout=30) == 130, log.read_text()[-3000:]
        assert time.monotonic() - stopped_at < 10, log.read_text()[-3000:]
        console = log.read_text()
        assert "refresh stopped by SIGINT" in console
        # nothing the job's helpers (Dagster's log tailers) print on Ctrl-C reaches the console
        assert "Traceback" not in console and "KeyboardInterrupt" not in console, console

        log = tmp_path / "gives_up.log"
        proc = _start(rebuilt, log, home=home, BKWH_WAREHOUSE_WAIT_S="3")
        assert proc.wait(timeout=300) == 75, log.read_text()[-3000:]
        assert "gave up after waiting 3 s for the warehouse, held by run" in log.read_text()

        [held] = [s for s in states(instance) if s.slots]
        assert held.pid == holder.pid  # the holder keeps its slot, the stopped runs hold none
        ended = {r.status for r in instance.get_runs() if r.tags.get("bkwh/pid") != str(holder.pid)}
        assert ended == {dg.DagsterRunStatus.CANCELED, dg.DagsterRunStatus.FAILURE}
    finally:
        _kill(holder)
    assert tables_checksum(rebuilt.settings.analytics_path) == good


READER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
q = "select published_at, (select count(*) from marts.fct_indicator_values) from marts._publication"
def show(c):
    at, n = c.execute(q).fetchone()
    print(at.isoformat(), n, flush=True)
show(con)
sys.stdin.readline()
show(con)
con.close()
show(duckdb.connect(sys.argv[1], read_only=True))
"""


def test_an_analyst_holding_the_file_open_keeps_the_old_version(rebuilt):
    path = rebuilt.settings.analytics_path
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    opened = reader.stdout.readline().split()
    assert opened[0] == _published_at(rebuilt).isoformat() and int(opened[1]) > 0

    result = publish(rebuilt.settings)  # the refresh's publish, while the analyst reads

    out, _ = reader.communicate("\n", timeout=60)
    still, reconnected = (line.split() for line in out.strip().splitlines())
    assert reader.returncode == 0
    assert still == opened  # the old version, through the connection opened before
    assert reconnected[0].startswith(result.published_at) and reconnected[0] > opened[0]
