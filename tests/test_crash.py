"""Crash safety, recovery and stopping (issues 4 and 13), with real `bkwh` processes and a
persistent Dagster instance with the project's own dagster.yaml, as `make run` uses it.

A refresh is killed with SIGKILL (its whole process group, dbt included) at a named failpoint
(pipeline/failpoints.py) inside each step that holds the warehouse slot: in a load
transaction, during `dbt build`, and between writing the new analytics file and swapping it
in. Each time the published file must still be the last good one, and the next plain
`bkwh run` must free what the killed run held and go on by itself (and, its only new
delivery a month of meetings, leave out the data tests of unchanged inputs, yet publish).
A second refresh started while one runs exits with a clear message. (Waiting for the
warehouse, and an analyst reading while a publish swaps the file: test_waiting.py.)
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from conftest import Env, correct_a_delivery, published_at, tables_checksum
from processes import bkwh_env, dbt_of, has_ended, kill, start, start_bkwh

from orchestration.lib.runs import states

pytestmark = pytest.mark.seconds(110)  # ordering only (conftest.py)


def _wait_for_failpoint(env: Env, proc: subprocess.Popen, name: str, log: Path) -> None:
    reached = env.root / "signals" / f"{name}.reached"
    deadline = time.monotonic() + 600
    while not reached.exists():
        assert proc.poll() is None, f"ended before {name}:\n{log.read_text()[-3000:]}"
        assert time.monotonic() < deadline, f"never reached {name}"
        time.sleep(0.1)
    reached.unlink()


def _load_log(env: Env, file: str) -> list[tuple]:
    with duckdb.connect(str(env.settings.warehouse_path), read_only=True) as con:
        return con.execute(
            "select status, is_current from raw._load_log where source_file = ? order by loaded_at",
            [file],
        ).fetchall()


def _deliveries(env: Env) -> dict[str, str]:
    """The checksum of each raw table of deliveries (not raw's own bookkeeping, raw._*)."""
    raw = tables_checksum(env.settings.warehouse_path, "raw")
    return {table: checksum for table, checksum in raw.items() if not table.startswith("raw._")}


def test_a_refresh_killed_in_any_step_is_recovered_by_the_next_run(
    rebuilt, home, instance, tmp_path, dbt_target
):
    good = tables_checksum(rebuilt.settings.analytics_path)
    published = published_at(rebuilt)

    # Killed before its publish swap (the marts are built: the report is missing, so the run
    # only publishes and reports); then, with a corrected delivery to load, the next run in
    # its load; then the next in dbt build. Each run that reaches its failpoint has first
    # freed the slot of the run killed before it; the last plain run completes and publishes.
    rebuilt.settings.report_dir.mkdir(parents=True, exist_ok=True)
    corrected = None
    raw_before = _deliveries(rebuilt)
    assert "raw.case_system_meetings" in raw_before
    for n, point in enumerate(("publish.before_swap", "ingest.before_commit", "dbt.building")):
        if point == "ingest.before_commit":
            corrected = correct_a_delivery(rebuilt)
        log = tmp_path / f"{point}.log"
        proc = start(rebuilt, log, failpoint=point, home=home)
        _wait_for_failpoint(rebuilt, proc, point, log)
        [held] = [s for s in states(instance) if s.slots]
        assert held.status == "STARTED" and held.alive and held.pid == proc.pid, held
        if point == "ingest.before_commit":  # a second refresh meanwhile: refused, with why
            second_log = tmp_path / "second.log"
            second = start(rebuilt, second_log, home=home, real=True)
            assert second.wait(timeout=300) == 75, second_log.read_text()[-3000:]
            assert f"another refresh is running (pid {proc.pid}" in second_log.read_text()
            assert proc.poll() is None  # the first goes on, untouched by the second
        kill(proc)
        assert ("recovered run" in log.read_text()) == (n > 0), log.read_text()[-3000:]
        assert tables_checksum(rebuilt.settings.analytics_path) == good, point
        if point == "publish.before_swap":
            assert "publish and report only" in log.read_text()
            [stray] = list(rebuilt.root.glob(".analytics.duckdb.*.tmp"))  # a file to clean
            # and the folder DuckDB spills to beside it, had it spilled: unlinked as a file,
            # it stopped every later publish (IsADirectoryError; helper-114)
            spill = stray.with_name(f"{stray.name}.tmp")
            spill.mkdir()
            (spill / "duckdb_temp_block-0.block").write_bytes(b"\0" * 4096)
        if point == "ingest.before_commit":
            # the open transaction died with the process: the file is not in the log or raw
            assert _load_log(rebuilt, corrected) == [("loaded", True)]
            assert _deliveries(rebuilt) == raw_before
        # what a SIGKILL leaves: a run STARTED, a slot held
        [dead] = [s for s in states(instance) if s.slots]
        assert dead.status == "STARTED" and dead.alive is False

    log = tmp_path / "after.log"
    proc = start(rebuilt, log, home=home)
    assert proc.wait(timeout=900) == 0, log.read_text()[-3000:]
    assert "recovered run" in log.read_text() and "dbt build:" in log.read_text()
    # the full logs hold dbt's own lines, without its terminal colour codes
    full_logs = [p.read_text(encoding="utf-8") for p in rebuilt.settings.log_dir.glob("refresh-*")]
    assert any("PASS=" in text for text in full_logs)
    # and where the passing build's time went (pipeline/dbt_timing.py), which the console
    # does not show
    assert any("dbt critical path:" in text for text in full_logs)
    assert "dbt critical path:" not in log.read_text()
    assert not any("\x1b[" in text for text in full_logs)
    # each killed run was told when the next run marked it failed
    alerts = (rebuilt.settings.log_dir / "alerts.log").read_text().splitlines()
    told = [json.loads(line) for line in alerts]
    assert [a.get("kind") for a in told if a.get("kind") == "run_recovered"] == [
        "run_recovered"
    ] * 3, told
    assert published_at(rebuilt) > published
    assert not list(rebuilt.root.glob(".analytics.duckdb.*.tmp*"))
    # Only the meetings changed since the last passing build (the built world's): the final
    # build made every model and seed (assets the publish step waits for) and ran the
    # meetings' data tests and those under a model that reads the clock, not the tests of
    # the registers or of the other case-system files (pipeline/dbt_plan.py)
    assert "data tests of unchanged inputs" in log.read_text()
    results = max(dbt_target.rglob("run_results.json"), key=lambda p: p.stat().st_mtime)
    ran = {r["unique_id"].split(".")[2] for r in json.loads(results.read_text())["results"]}
    assert {
        "unique_stg_case_system__meetings_meeting_id",
        "unique_dim_indicator_indicator_id",  # dim_indicator reads the clock
        "int_residence_periods",  # it keeps its rows (the register has no new load)
        "ydelse_codes",
    } <= ran
    assert not ran & {
        "unique_stg_registers__persons_person_key",
        "unique_stg_case_system__offers_offer_id",
        "unique_ydelse_codes_ydelse_code",
    }
    # the original delivery and its correction, the correction current, each loaded once
    assert _load_log(rebuilt, corrected) == [("loaded", False), ("loaded", True)]
    assert states(instance) == []  # no run left active, no slot held
    runs = instance.get_runs()
    assert [r.status for r in runs] == [
        dg.DagsterRunStatus.SUCCESS,
        *[dg.DagsterRunStatus.FAILURE] * 3,
    ]
    assert all("is gone" in _failure_message(instance, r.run_id) for r in runs[1:])

    # A run killed with nothing new after it (a month rebuilt as asked, killed as its dbt
    # build starts): the next plain run has nothing to do, and frees the dead run's slot
    # before it says so, rather than leaving it held until new data comes (helper-59). This
    # kill is the refresh's process alone, not its group (as the OOM killer kills), in the
    # first instant of its dbt (dbt's start-up alone takes 2 s, its parse more): its dbt
    # ends with it, before finishing its build (pipeline/lifetime.py; before, it built on
    # for 16-19 s, holding the warehouse, and a watcher that dbt's plugin started after the
    # parse left these first seconds uncovered)
    with duckdb.connect(str(rebuilt.settings.analytics_path), read_only=True) as con:
        [(last,)] = con.execute("select max(period) from marts.fct_indicator_values").fetchall()
    last_good = tables_checksum(rebuilt.settings.analytics_path)
    log = tmp_path / "month.log"
    proc = start_bkwh(["run", "--month", f"{last:%Y-%m}"], bkwh_env(rebuilt, home), log)
    deadline = time.monotonic() + 300
    while (dbt := dbt_of(proc)) is None:
        assert proc.poll() is None, f"ended before its dbt build:\n{log.read_text()[-3000:]}"
        assert time.monotonic() < deadline, "no dbt build started"
        time.sleep(0.02)
    dbt_target = Path(dbt.environ()["DBT_TARGET_PATH"])
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    deadline = time.monotonic() + 60
    while not has_ended(dbt):
        assert time.monotonic() < deadline, "dbt runs on after its refresh was killed"
        time.sleep(0.1)
    assert not (dbt_target / "run_results.json").exists(), "dbt finished its build alone"
    [dead] = [s for s in states(instance) if s.slots]
    assert dead.status == "STARTED" and dead.alive is False
    log = tmp_path / "nothing.log"
    proc = start(rebuilt, log, home=home)
    assert proc.wait(timeout=300) == 0, log.read_text()[-3000:]
    said = log.read_text()
    assert "recovered run" in said and "nothing to do" in said, said[-3000:]
    assert said.index("recovered run") < said.index("nothing to do")
    assert states(instance) == []  # no run left active, no slot held
    # the last good publication stays as it was through the kill and the run after it
    assert tables_checksum(rebuilt.settings.analytics_path) == last_good


def _failure_message(instance: dg.DagsterInstance, run_id: str) -> str:
    [failure] = [
        e.dagster_event.message
        for e in instance.all_logs(run_id)
        if e.dagster_event and e.dagster_event.event_type_value == "PIPELINE_FAILURE"
    ]
    return failure or ""
