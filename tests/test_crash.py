"""Crash safety and concurrency (issue 4), with real `bkwh` processes.

A refresh is killed with SIGKILL (its whole process group, dbt included) at a named failpoint
(pipeline/failpoints.py): inside a load transaction, during `dbt build`, and between writing
the new analytics file and swapping it in. Each time the published file must still be the
last good one, and the next run must complete and publish. A second refresh started while one
runs exits with a clear message; an analyst's open read-only connection neither blocks a
publish nor sees it until reconnecting.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
from conftest import Env, tables_checksum

from pipeline.config import Settings
from pipeline.publish import publish

BKWH = str(Path(sys.executable).with_name("bkwh"))


def _start(
    env: Env, log: Path, failpoint: str | None = None, command: str = "run"
) -> subprocess.Popen:
    run_env = {**os.environ, **Settings.env_for_root(env.root)}
    run_env.pop("DAGSTER_HOME", None)
    if failpoint:
        run_env["BKWH_FAILPOINT"] = f"{failpoint}@{env.root / 'signals'}"
    return subprocess.Popen(
        [BKWH, command],
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


def test_sigkill_at_any_stage_keeps_the_last_good_publication(rebuilt, tmp_path):
    good = tables_checksum(rebuilt.settings.analytics_path)
    published = _published_at(rebuilt)
    corrected = _correct_a_delivery(rebuilt)

    # A refresh killed in its load, then one killed in dbt build; then the publish step alone
    # (`bkwh publish`, the same code as the job's publish step, so that the test needs one
    # dbt build fewer) killed before its swap.
    for point, command in (
        ("ingest.before_commit", "run"),
        ("dbt.building", "run"),
        ("publish.before_swap", "publish"),
    ):
        log = tmp_path / f"{point}.log"
        proc = _start(rebuilt, log, failpoint=point, command=command)
        _wait_for_failpoint(rebuilt, proc, point, log)
        _kill(proc)
        assert tables_checksum(rebuilt.settings.analytics_path) == good, point
        if point == "ingest.before_commit":
            # the open transaction died with the process: the file is not in the log or raw
            assert _load_log(rebuilt, corrected) == [("loaded", True)]
        if point == "publish.before_swap":
            assert list(rebuilt.root.glob(".analytics.duckdb.*.tmp")), "no stray file to clean"

    log = tmp_path / "after.log"
    proc = _start(rebuilt, log)
    assert proc.wait(timeout=900) == 0, log.read_text()[-3000:]
    assert _published_at(rebuilt) > published
    assert not list(rebuilt.root.glob(".analytics.duckdb.*.tmp*"))
    # the original delivery and its correction, the correction current, each loaded once
    assert _load_log(rebuilt, corrected) == [("loaded", False), ("loaded", True)]


def test_two_refreshes_at_once_the_second_exits_with_a_clear_message(rebuilt, tmp_path):
    good = tables_checksum(rebuilt.settings.analytics_path)
    corrected = _correct_a_delivery(rebuilt)
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    first = _start(rebuilt, first_log, failpoint="ingest.before_commit")
    _wait_for_failpoint(rebuilt, first, "ingest.before_commit", first_log)

    second = _start(rebuilt, second_log)  # while the first is inside its load transaction
    assert second.wait(timeout=300) == 75, second_log.read_text()[-3000:]
    assert "another refresh is running" in second_log.read_text()
    assert first.poll() is None  # the first goes on, untouched by the second

    # nothing was corrupted: the first is stopped hard, and both files read as before
    _kill(first)
    assert tables_checksum(rebuilt.settings.analytics_path) == good
    assert _load_log(rebuilt, corrected) == [("loaded", True)]


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
