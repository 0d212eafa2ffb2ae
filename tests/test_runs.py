"""Whose process a run is (orchestration/lib/runs.py) when `bkwh run` did not tag it: a run
the UI or the daemon launched, whose steps may each run in a process of their own (the
multiprocess executor of the `extract` job). `bkwh run` and `bkwh doctor` free the runs whose
process is gone (test_crash.py); a live run must never be taken for one. And what `bkwh run`
says around a refresh: the months it is asked to rebuild, and its summary."""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from conftest import blank_instance
from processes import BKWH

from orchestration.lib.runs import is_dead, run_state
from pipeline.config import Settings, local_today


@dg.op
def first_step() -> int:
    # the next step's process starts more than a second after the run did
    time.sleep(1.5)
    return 1


@dg.op(config_schema={"worker_pid": int})
def later_step(context: dg.OpExecutionContext, after: int) -> None:
    record = context.instance.get_run_record_by_id(context.run_id)
    state = run_state(context.instance, record)
    assert os.getpid() != context.op_config["worker_pid"], "the step runs in its own process"
    assert state.pid == context.op_config["worker_pid"], state
    assert state.alive and not is_dead(state), state


def steps_in_processes() -> dg.JobDefinition:
    @dg.job(executor_def=dg.multiprocess_executor)
    def steps_in_processes():
        later_step(first_step())

    return steps_in_processes


def test_a_run_s_process_is_its_run_worker_not_the_process_of_its_latest_step():
    with blank_instance() as instance:
        result = dg.execute_job(
            dg.build_reconstructable_job(
                "test_runs",
                "steps_in_processes",
                reconstructor_working_directory=str(Path(__file__).parent),
            ),
            instance=instance,
            run_config={"ops": {"later_step": {"config": {"worker_pid": os.getpid()}}}},
            raise_on_error=False,
        )
        failures = [
            e.event_specific_data.error.message
            for e in result.all_events
            if e.event_type == dg.DagsterEventType.STEP_FAILURE
        ]
        assert result.success, failures


def test_a_failed_dbt_step_is_said_without_its_command_line():
    """dagster-dbt's error holds the whole dbt command (some 6 KB with the selection) and
    points at compute logs this installation does not keep (review, December 2026); the
    console says the command's first words and points at the full log, and keeps dbt's
    errors in full."""
    from orchestration.lib.failures import said_of_failure

    raised = (
        "The dbt CLI process with command\n\n`dbt build --exclude-resource-type unit_test "
        + "--select "
        + " ".join(f"model_{i}" for i in range(500))
        + " --target-path /x`\n\nfailed with exit code `1`. Check the stdout in the Dagster "
        "compute logs for the full information about the error, or view the dbt debug log: "
        "/x/dbt.log.\n\nErrors parsed from dbt logs:\n\nFailure in test not_null_x (models/x.yml)"
    )
    said = said_of_failure(raised)
    assert said.startswith("dbt (`dbt build …`) failed with exit code `1`.")
    assert "model_1" not in said and "compute logs" not in said
    assert "dbt's lines are in the full log." in said
    assert said.endswith("Failure in test not_null_x (models/x.yml)")
    assert said_of_failure("  a step's own error.  ") == "a step's own error."


def test_the_summary_of_a_refresh_that_published_no_value_yet_says_so(
    tmp_path, monkeypatch, capsys
):
    """Deliveries that give no indicator a value (a case-system file and the persons register
    alone) publish marts without a period: the run's summary said so with a TypeError and
    exit 1, and so did every run after it (helper-59). It names only the outputs there are."""
    import duckdb

    from pipeline.cli import _summary
    from pipeline.config import Settings

    for name, value in Settings.env_for_root(tmp_path).items():
        monkeypatch.setenv(name, value)
    settings = Settings.from_env()
    with duckdb.connect(str(settings.analytics_path)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.fct_indicator_values (period date)")
        con.execute("create table marts.fct_indicator_status (status varchar)")
    log = tmp_path / "refresh.log"
    log.touch()
    _summary(settings, log)
    said = capsys.readouterr().out
    assert "data to           no values yet" in said, said
    assert f"published marts   {settings.analytics_path}" in said
    assert "quarantine" not in said and "report" not in said, said  # none made
    assert f"full log          {log}" in said
    # and that nothing has been delivered, against each source's cadence (sources.yml)
    assert "overdue           benefit_register: no delivery in landing" in said, said


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--month", "2026-3"], "'2026-3' is not a month like 2026-03"),
        (["--month", "2030-01"], "2030-01 is after this month"),
        # not a partition (whole months): this month ran and recorded one Dagster lacks
        (["--month", f"{local_today():%Y-%m}"], "is not a month the refresh is partitioned by"),
        (["--month", "2010-01"], "2010-01 is not a month the refresh is partitioned by"),
        (["--month", "2026-05", "--to-month", "2026-01"], "2026-01 is before --month 2026-05"),
        (["--to-month", "2026-01"], "needs --month"),
    ],
)
def test_a_month_to_rebuild_is_a_month_in_order_and_not_ahead(args, said, tmp_path):
    """'bkwh run --month 2026-3' or '--month 2030-01' ran a whole rebuild with exit 0
    (helper-59): the command refuses them with a usage error (2) before it touches anything.
    The command is run in this process (click's runner: its parsing, exit status and error
    output as `bkwh` has them), not in a `bkwh` process of its own per case, whose start-up
    alone took 2.5 s (test_lifetime runs the installed `bkwh`)."""
    from typer.testing import CliRunner

    from pipeline.cli import app

    env = {**Settings.env_for_root(tmp_path), "COLUMNS": "200"}
    done = CliRunner().invoke(app, ["run", *args], env=env)
    assert done.exit_code == 2, done.output
    assert said in " ".join(done.stderr.split()), done.stderr
    assert not any(tmp_path.iterdir())  # no landing, sample, warehouse or log made


def test_a_stopped_child_keeps_its_exit_status_for_the_one_waiting_on_it():
    """The refresh's stop ends dbt without reaping it: dagster-dbt's own wait must see the
    signal that ended it. (psutil.wait_procs reaped it first, and subprocess then took the
    exit status for 0: a stopped dbt build was taken for a passing one.)"""
    import psutil

    from orchestration.run import end_children

    # The child is started with SIGTERM at its default, as a refresh's dbt is (the refresh's
    # own handler, orchestration/run.py, is reset by the exec). A pytest worker started with
    # SIGINT ignored (a background job of a non-interactive shell: two full runs here) has
    # SIGTERM ignored too once Dagster ran in it in process (dagster's
    # setup_interrupt_handlers gives SIGTERM SIGINT's handler), and an ignored signal is
    # inherited: the child was then SIGKILLed after 1 s. It says it runs before it is
    # stopped, and has 10 s to end; a failure says what it inherited.
    before = signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        child = subprocess.Popen(
            [sys.executable, "-c", "import time; print('up', flush=True); time.sleep(60)"],
            stdout=subprocess.PIPE,
            text=True,
        )
    finally:
        signal.signal(signal.SIGTERM, before)
    assert child.stdout.readline() == "up\n"
    inherited = re.findall(r"Sig(?:Blk|Ign):\s*\w+", Path(f"/proc/{child.pid}/status").read_text())
    ended = end_children([psutil.Process(child.pid)], timeout_s=10)
    assert [c.pid for c in ended] == [child.pid]
    assert child.wait(timeout=20) == -signal.SIGTERM, inherited
    child.stdout.close()


def test_an_empty_landing_of_a_real_warehouse_is_not_filled_with_the_sample(tmp_path):
    """An empty landing folder gets the generated sample only on a first run without a
    pseudonym key: with the key set, or in a warehouse that has loaded files, it is an
    unmounted share or a misspelt BKWH_LANDING_DIR, and the sample would be loaded under the
    real key over the real deliveries of the same names (review, December 2026). The run
    stops before anything is generated, loaded or published, and says why."""
    env = {**os.environ, **Settings.env_for_root(tmp_path), "COLUMNS": "200"}
    landing = tmp_path / "landing"
    landing.mkdir()

    keyed = {**env, "BKWH_PSEUDONYM_KEY": "the jobcentre's own key"}
    done = subprocess.run([BKWH, "run"], env=keyed, capture_output=True, text=True)
    assert done.returncode == 2, done.stdout + done.stderr
    said = " ".join(done.stderr.split())
    assert "is empty, and the sample is not generated into it" in said, said
    assert "BKWH_PSEUDONYM_KEY is set" in said
    assert not any(landing.iterdir()) and not (tmp_path / "warehouse.duckdb").exists()

    env.pop("BKWH_PSEUDONYM_KEY", None)
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        con.execute("create schema raw")
        con.execute("create table raw._load_log (batch_id varchar)")
        con.execute("insert into raw._load_log values ('an earlier delivery')")
    done = subprocess.run([BKWH, "run"], env=env, capture_output=True, text=True)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "has loaded files before" in " ".join(done.stderr.split()), done.stderr
    assert not any(landing.iterdir())
    assert not (tmp_path / "analytics.duckdb").exists()
