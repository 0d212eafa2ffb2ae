"""Dagster automation (issue 5): the landing sensor and its cursor, the monthly schedule, the
failure alert, freshness checks, and retries on a locked warehouse, never on a bad file.

Sensors and schedules are evaluated with Dagster's built contexts; the runs they react to are
real in-process runs of the refresh job's assets on the sample world.
"""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from typing import ClassVar
from zoneinfo import ZoneInfo

import dagster as dg
import duckdb
import pytest
from conftest import blank_instance, correct_a_delivery, run_extract_job, serve
from test_ingest import CTIME_TICK, _only

from orchestration.definitions import defs
from orchestration.defs.automation.sensors import ALERT_WEBHOOK_ENV, SETTLE_ENV
from orchestration.defs.ingest.assets import freshness
from orchestration.lib.keys import raw_key
from orchestration.lib.partitions import partition_months, partition_range_tags
from orchestration.lib.privacy import RUN_LOGGING
from orchestration.run import month_range
from pipeline.config import SAMPLE_MARKER, sources_config
from pipeline.ingest import Ingestor
from pipeline.plan import plan_refresh
from pipeline.suites import load_specs

pytestmark = pytest.mark.seconds(25)  # ordering only (conftest.py)


def _evaluate_landing_sensor(cursor=None):
    sensor = defs.resolve_sensor_def("landing_files")
    with blank_instance() as instance:
        context = dg.build_sensor_context(instance=instance, cursor=cursor)
        result = sensor(context)
        return result, context.cursor


def test_landing_sensor_fires_once_per_new_or_changed_file(fresh, monkeypatch):
    _only(fresh, "case_system", {"meetings_2024-03.csv", "offers_2024-03.csv"})
    assert defs.resolve_sensor_def("landing_files").job_name == "refresh"
    # a file written in the last hour may be incomplete: the run waits for it, and for the
    # settled file beside it too, which a later tick takes with it (the same months)
    settled = fresh.settings.landing_dir / "case_system" / "offers_2024-03.csv"
    os.utime(settled, (settled.stat().st_atime, settled.stat().st_mtime - 7200))
    monkeypatch.setenv(SETTLE_ENV, "3600")
    waiting, cursor = _evaluate_landing_sensor()
    assert isinstance(waiting, dg.SkipReason) and "waiting for 1 file(s)" in waiting.skip_message
    assert cursor is None  # nothing remembered: both are looked at again
    monkeypatch.setenv(SETTLE_ENV, "0")

    first, cursor = _evaluate_landing_sensor()
    assert isinstance(first, dg.RunRequest)
    assert first.run_config == RUN_LOGGING  # its console masks person ids (lib/privacy.py)
    assert first.tags["bkwh/files"] == "2" and first.tags["bkwh/sources"] == "case_system"
    assert first.tags["dagster/asset_partition_range_start"] == "2024-03-01"

    again, cursor = _evaluate_landing_sensor(cursor)  # the next tick, or after a restart
    assert isinstance(again, dg.SkipReason)

    path = fresh.settings.landing_dir / "case_system" / "meetings_2024-03.csv"
    path.write_text(path.read_text() + "\n")  # a corrected delivery of the same file
    changed, cursor = _evaluate_landing_sensor(cursor)
    assert isinstance(changed, dg.RunRequest) and changed.tags["bkwh/files"] == "1"
    assert changed.run_key != first.run_key

    new = fresh.settings.landing_dir / "case_system" / "meetings_2024-04.csv"
    new.write_text(path.read_text() + "\n")  # content of its own (the same would be skipped)
    added, cursor = _evaluate_landing_sensor(cursor)
    assert isinstance(added, dg.RunRequest) and added.tags["bkwh/files"] == "1"
    # its run loads March's files too, which no run has loaded (the runs asked for them were
    # not run here, as a failed one would not have): they are in the cursor, and a run of
    # April alone left them for the monthly schedule (helper-112)
    assert added.tags["dagster/asset_partition_range_start"] == "2024-03-01"
    assert added.tags["dagster/asset_partition_range_end"] == "2024-04-01"
    assert isinstance(_evaluate_landing_sensor(cursor)[0], dg.SkipReason)

    # a loaded file written again with the same bytes (a new modification time) starts
    # nothing: it is its period's current delivery
    Ingestor(fresh.settings).run()
    path.write_bytes(path.read_bytes())
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 10**9))
    same, cursor = _evaluate_landing_sensor(cursor)
    assert isinstance(same, dg.SkipReason) and "loaded before" in same.skip_message
    # a same-size correction that keeps the old modification time (cp -p, rsync) starts one:
    # the cursor and the load log know a file by its status-change time too (files.stamp_of)
    os.utime(path, ns=(time.time_ns(), time.time_ns() - 10**10))
    touched, cursor = _evaluate_landing_sensor(cursor)
    assert isinstance(touched, dg.SkipReason) and "loaded before" in touched.skip_message
    time.sleep(CTIME_TICK)  # a status-change time of its own, after the cursor's
    kept = path.stat()
    header, *rows = path.read_text().splitlines()
    path.write_text("\n".join([header, *reversed(rows)]) + "\n")
    os.utime(path, ns=(kept.st_atime_ns, kept.st_mtime_ns))
    assert path.stat().st_size == kept.st_size
    reordered, cursor = _evaluate_landing_sensor(cursor)
    assert isinstance(reordered, dg.RunRequest) and reordered.tags["bkwh/files"] == "1"
    # its content under another period's name is that period's delivery: examined (and
    # refused for its dates), not skipped for its content
    copy = fresh.settings.landing_dir / "case_system" / "meetings_2024-05.csv"
    copy.write_text(path.read_text())
    other, cursor = _evaluate_landing_sensor(cursor)
    assert isinstance(other, dg.RunRequest) and other.tags["bkwh/files"] == "1"
    # a file in a folder no source has starts no refresh that could not load it: named
    (fresh.settings.landing_dir / "foo").mkdir()
    (fresh.settings.landing_dir / "foo" / "x.csv").write_text("a;b\n")
    stray, cursor = _evaluate_landing_sensor(cursor)
    assert isinstance(stray, dg.SkipReason) and "foo/x.csv" in stray.skip_message


def _evaluate_monthly_schedule(when: datetime):
    schedule = defs.resolve_schedule_def("monthly_refresh")
    with blank_instance() as instance:
        context = dg.build_schedule_context(
            instance=instance,
            scheduled_execution_time=when,
            repository_def=defs.get_repository_def(),
        )
        return schedule.evaluate_tick(context)


def test_monthly_schedule_runs_after_the_release_for_the_month_before(fresh):
    conf = sources_config()["schedule"]
    schedule = defs.resolve_schedule_def("monthly_refresh")
    hour, minute = conf["monthly_refresh_time"].split(":")
    assert schedule.cron_schedule == f"{int(minute)} {int(hour)} {conf['monthly_refresh_day']} * *"
    assert schedule.execution_timezone == conf["timezone"]
    # on in a new Dagster instance: nobody has to switch the refresh on
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    tz = ZoneInfo(conf["timezone"])
    _only(fresh, "case_system", {"meetings_2024-03.csv"})  # a late delivery for March 2024
    for when, month in (
        (datetime(2026, 11, 15, 6, tzinfo=tz), "2026-10"),
        (datetime(2026, 12, 15, 6, tzinfo=tz), "2026-11"),
    ):
        [request] = _evaluate_monthly_schedule(when).run_requests
        assert request.tags["bkwh/release_month"] == month
        # every month with new person-level files, to the month released
        assert {
            "bkwh/trigger": "schedule",
            "bkwh/release_month": month,
            **partition_range_tags("2024-03", month),
        }.items() <= request.tags.items()
        assert request.run_key == f"monthly-{month}"
        assert request.run_config == RUN_LOGGING


@pytest.mark.parametrize(
    ("key", "value", "said"),
    [
        ("monthly_refresh_day", 31, "31 is not a day from 1 to 28"),
        ("monthly_refresh_day", 0, "0 is not a day from 1 to 28"),
        ("monthly_refresh_day", "15th", "'15th' is not a day from 1 to 28"),
        ("monthly_refresh_time", "6", "'6' is not a time HH:MM"),
        ("monthly_refresh_time", 360, "'360' is not a time HH:MM"),  # 06:00 unquoted: YAML 1.1
        ("monthly_extract_time", "24:00", "'24:00' is not a time HH:MM"),
    ],
)
def test_a_schedule_day_or_time_that_does_not_come_every_month_is_refused(
    monkeypatch, key, value, said
):
    """A refresh day after the 28th would skip the months without it (cron has no last day:
    31 runs in seven months of twelve); a time that is not HH:MM, or a day that is not one,
    failed or passed with Dagster's own words, naming no file. Both are refused when the
    definitions load, naming sources.yml and the key."""
    from orchestration.defs.automation import sensors

    conf = sources_config()
    monkeypatch.setattr(
        sensors, "sources_config", lambda: {**conf, "schedule": {**conf["schedule"], key: value}}
    )
    time_key = key if key != "monthly_refresh_day" else "monthly_refresh_time"
    with pytest.raises(ValueError, match=rf"sources.yml schedule.{key}: {re.escape(said)}"):
        sensors._monthly_at(time_key)
    monkeypatch.undo()  # the project's own sources.yml passes
    assert sensors._monthly_at(time_key)["cron_schedule"].endswith(" * *")


def test_monthly_schedule_skips_when_nothing_is_new_since_the_publication(built):
    when = datetime(2026, 11, 15, 6, tzinfo=ZoneInfo(sources_config()["schedule"]["timezone"]))
    result = _evaluate_monthly_schedule(when)
    assert not result.run_requests
    assert result.skip_message == "nothing to refresh for 2026-10: the publication is current"


def _after_extract(instance, through: str = "2026M10"):
    """An extract run (by hand, without a key: every Jobindsats table skipped, a success)
    and what the refresh_after_extract sensor makes of its success."""
    result = run_extract_job(through, instance)
    assert result.success
    sensor = defs.resolve_sensor_def("refresh_after_extract")
    context = dg.build_run_status_sensor_context(
        sensor_name=sensor.name,
        dagster_instance=instance,
        dagster_run=result.dagster_run,
        dagster_event=result.get_run_success_event(),
    )
    return result.dagster_run, sensor(context)


def test_a_refresh_follows_a_successful_extract_that_landed_new_files(fresh, monkeypatch):
    """The monthly refresh runs at its hour whatever the extract did: an extract that ran
    longer, or again after a failure, left its files for next month's refresh (helper-79).
    A successful extract run now starts a refresh of its own when landing holds files not
    loaded yet, once per extract run (its run key holds the run's id), over the months of
    the new files."""
    monkeypatch.delenv("JOBINDSATS_API_KEY", raising=False)
    _only(fresh, "case_system", {"meetings_2024-03.csv", "offers_2024-03.csv"})
    sensor = defs.resolve_sensor_def("refresh_after_extract")
    assert sensor.job_name == "refresh"
    assert sensor.default_status == dg.DefaultSensorStatus.RUNNING
    with blank_instance() as instance:
        extract, request = _after_extract(instance)
        assert isinstance(request, dg.RunRequest), request
        assert request.run_key == f"after-extract-{extract.run_id}"
        assert request.run_config == RUN_LOGGING
        assert request.tags["bkwh/trigger"] == "extract"
        assert request.tags["bkwh/extract_run"] == extract.run_id
        assert request.tags == {**request.tags, **partition_range_tags("2024-03", "2024-03")}


def test_extracts_materialised_from_the_ui_start_a_refresh_and_other_runs_do_not(
    rebuilt, monkeypatch
):
    """The UI's Materialize runs Dagster's implicit asset job with its selection, not the
    extract job: the sensor watched the extract job only, so such a fetch waited for the
    monthly refresh (helper-82). A run that fetched extracts starts a refresh now, whatever
    its job; another run (here the load log materialised from the UI) is passed over within
    the same tick, not answered with a skip that would end the tick before the fetch behind
    it (helper-83). The sensor is evaluated as the daemon does: its cursor, then the runs
    since."""
    monkeypatch.delenv("JOBINDSATS_API_KEY", raising=False)
    correct_a_delivery(rebuilt)  # a file in landing not loaded yet
    sensor = defs.resolve_sensor_def("refresh_after_extract")
    job = defs.resolve_implicit_global_asset_job_def()
    fetches = [
        k for k in job.asset_layer.selected_asset_keys if k.path[:2] == ["extract", "jobindsats"]
    ]
    with blank_instance() as instance:
        first = sensor.evaluate_tick(dg.build_sensor_context(instance=instance))
        assert first.run_requests == []  # the first tick only places its cursor
        other = job.execute_in_process(
            instance=instance, asset_selection=[raw_key("load_log")], raise_on_error=False
        )
        fetched = job.execute_in_process(
            instance=instance,
            asset_selection=fetches,
            run_config={"ops": {"extract_jobindsats": {"config": {"through": "2026M10"}}}},
            raise_on_error=False,
        )
        assert other.success and fetched.success
        assert {other.dagster_run.job_name, fetched.dagster_run.job_name} == {job.name}
        tick = sensor.evaluate_tick(dg.build_sensor_context(instance=instance, cursor=first.cursor))
        [request] = tick.run_requests
        assert request.run_key == f"after-extract-{fetched.run_id}"
        assert request.tags["bkwh/extract_run"] == fetched.run_id


def test_an_extract_that_landed_nothing_new_starts_no_refresh(rebuilt, monkeypatch):
    """Nothing in landing that is not loaded: no refresh, even where something else is
    behind (here the publication, removed), which is the schedule's and `bkwh run`'s to pick up,
    not the extract's (helper-82)."""
    monkeypatch.delenv("JOBINDSATS_API_KEY", raising=False)
    rebuilt.settings.analytics_path.unlink()
    assert not plan_refresh(rebuilt.settings).nothing_to_do
    with blank_instance() as instance:
        extract, skipped = _after_extract(instance)
    assert isinstance(skipped, dg.SkipReason), skipped
    assert skipped.skip_message == (
        f"the extract run {extract.run_id[:8]} landed no file that is not loaded yet"
    )


def test_the_extract_job_skips_jobindsats_without_a_key_and_the_schedule_s_run_fails(
    tmp_path, monkeypatch
):
    monkeypatch.delenv("JOBINDSATS_API_KEY", raising=False)
    monkeypatch.setenv("BKWH_LANDING_DIR", str(tmp_path / "landing"))
    with blank_instance() as instance:
        result = run_extract_job("2026M10", instance)
        assert result.success  # skipped, not failed
        assert result.get_asset_materialization_events() == []
        warnings = [
            e.message
            for e in instance.all_logs(result.run_id)
            if e.level == logging.WARNING and "skipped" in (e.message or "")
        ]
        assert any("JOBINDSATS_API_KEY is not set" in w for w in warnings), warnings
        # the schedule's run fails instead, so that the failure sensor alerts it: skipped,
        # the benchmarks went stale with every monthly run a success (helper-79)
        scheduled = run_extract_job("2026M10", instance, tags={"bkwh/trigger": "schedule"})
        assert not scheduled.success
        [failure] = [
            e for e in scheduled.all_events if e.event_type == dg.DagsterEventType.STEP_FAILURE
        ]
        assert "the scheduled fetch cannot run: JOBINDSATS_API_KEY is not set" in str(
            failure.event_specific_data.error.message
        )
    assert not (tmp_path / "landing").exists()


def test_monthly_extract_asks_for_the_month_before_an_hour_before_the_refresh():
    conf = sources_config()["schedule"]
    schedule = defs.resolve_schedule_def("monthly_extract")
    hour, minute = conf["monthly_extract_time"].split(":")
    assert schedule.cron_schedule == f"{int(minute)} {int(hour)} {conf['monthly_refresh_day']} * *"
    # the same day, and before the refresh: what it fetches is in landing when that runs
    refresh = defs.resolve_schedule_def("monthly_refresh").cron_schedule.split()
    extract = schedule.cron_schedule.split()
    assert extract[2:] == refresh[2:]
    assert (int(extract[1]), int(extract[0])) < (int(refresh[1]), int(refresh[0]))
    with blank_instance() as instance:
        context = dg.build_schedule_context(
            instance=instance,
            scheduled_execution_time=datetime(2026, 11, 15, 5, tzinfo=ZoneInfo(conf["timezone"])),
            repository_def=defs.get_repository_def(),
        )
        [request] = schedule.evaluate_tick(context).run_requests
    assert request.run_config["ops"]["extract_statbank"]["config"]["through"] == "2026M10"
    assert request.run_config["loggers"] == RUN_LOGGING["loggers"]
    assert request.run_key == "extract-2026-10"


def test_freshness_warns_when_a_source_is_overdue(fresh):
    now = datetime.now(UTC)
    sources = sources_config()["sources"]
    assert sources, "no source is configured"
    # the generated sample is not judged: its files are as old as the day it was made
    marker = fresh.settings.landing_dir / SAMPLE_MARKER
    for source in sources:
        sample = freshness(source, fresh.settings, now + timedelta(days=400))
        assert sample.passed and "generated sample only" in sample.description
    marker.unlink()  # deliveries of its own from here
    for source, rule in sources.items():
        on_time = freshness(source, fresh.settings, now)
        assert on_time.passed, on_time.description
        late = now + timedelta(days=rule["overdue_after_days"] + 1)
        overdue = freshness(source, fresh.settings, late)
        assert not overdue.passed and overdue.severity == dg.AssetCheckSeverity.WARN
        assert "OVERDUE" in overdue.description and rule["cadence"] in overdue.description
    # a delivery named for a person is named so nowhere the check, the summary or an alert
    # says it (pipeline.privacy)
    (fresh.settings.landing_dir / "case_system" / "notat_0101701234.csv").write_text("x\n")
    named = freshness("case_system", fresh.settings, now)
    assert "0101701234" not in named.description and "notat_" in named.description
    graph = defs.resolve_asset_graph()
    for source in sources_config()["sources"]:
        key = dg.AssetCheckKey(dg.AssetKey(["landing", source]), "freshness")
        assert key in graph.asset_check_keys


def _age(folder, days: float) -> None:
    """Every file in `folder` as if it had arrived `days` ago."""
    then = time.time() - days * 86400
    for path in folder.iterdir():
        os.utime(path, (then, then))


def _overdue_alerts(fresh) -> list[dict]:
    path = fresh.settings.log_dir / "alerts.log"
    lines = path.read_text().splitlines() if path.exists() else []
    return [a for a in map(json.loads, lines) if a["kind"] == "overdue_deliveries"]


def test_a_source_that_stops_delivering_is_told_once_per_late_delivery(fresh):
    """No refresh runs when nothing arrives: the sensor overdue_deliveries tells it, once per
    late delivery (its cursor), again for a later delivery that is late too."""
    sensor = defs.resolve_sensor_def("overdue_deliveries")
    assert sensor.default_status == dg.DefaultSensorStatus.RUNNING
    (fresh.settings.landing_dir / SAMPLE_MARKER).unlink()  # not the sample: judged

    def tick(cursor):
        with blank_instance() as instance:
            context = dg.build_sensor_context(instance=instance, cursor=cursor)
            return sensor(context), context.cursor

    skip, cursor = tick(None)
    assert "on time" in skip.skip_message and _overdue_alerts(fresh) == []
    case_system = fresh.settings.landing_dir / "case_system"
    allowed = sources_config()["sources"]["case_system"]["overdue_after_days"]
    _age(case_system, allowed + 2)
    skip, cursor = tick(cursor)
    [alert] = _overdue_alerts(fresh)
    [late] = alert["sources"]
    assert late["source"] == "case_system" and late["age_days"] > allowed
    assert "OVERDUE" in late["text"] and skip.skip_message.startswith("told: case_system")
    skip, cursor = tick(cursor)  # still late, the same delivery: told before
    assert skip.skip_message.startswith("told before") and len(_overdue_alerts(fresh)) == 1
    # a new delivery on time, then late in turn: told again
    newest = max(case_system.iterdir(), key=lambda p: p.name)
    (case_system / f"again_{newest.name}").write_bytes(newest.read_bytes())
    skip, cursor = tick(cursor)
    assert "on time" in skip.skip_message and json.loads(cursor) == {}
    _age(case_system, allowed + 1)
    tick(cursor)
    assert len(_overdue_alerts(fresh)) == 2


class _Hook(BaseHTTPRequestHandler):
    received: ClassVar[list[dict]] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Hook.received.append(json.loads(body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def _run_statbank_ingest(instance):
    """The statbank ingest step of the refresh job, alone, as a real in-process run."""
    keys = [raw_key("statbank_observations")]
    return defs.resolve_job_def("refresh").execute_in_process(
        instance=instance, asset_selection=keys, raise_on_error=False
    )


def test_a_failed_run_writes_an_alert_to_the_log_the_run_and_the_webhook(fresh, monkeypatch):
    _only(fresh, "statbank", {"AUP02_2024M05.csv"})
    path = fresh.settings.landing_dir / "statbank" / "AUP02_2024M05.csv"
    path.write_bytes(path.read_bytes().replace(b",", b"."))  # decimal point: refused
    server = serve(_Hook)
    monkeypatch.setenv(ALERT_WEBHOOK_ENV, f"http://127.0.0.1:{server.server_port}/alert")
    _Hook.received.clear()
    try:
        with blank_instance() as instance:
            result = _run_statbank_ingest(instance)
            assert not result.success
            events = result.all_events
            # a refused file is a failed check, not an error: it is never retried
            assert not [e for e in events if e.event_type_value == "STEP_UP_FOR_RETRY"]
            [failure] = [e for e in events if e.event_type_value == "PIPELINE_FAILURE"]
            context = dg.build_run_status_sensor_context(
                sensor_name="alert_on_failure",
                dagster_instance=instance,
                dagster_run=result.dagster_run,
                dagster_event=failure,
            ).for_run_failure()
            defs.resolve_sensor_def("alert_on_failure")(context)
            tags = instance.get_run_by_id(result.run_id).tags
    finally:
        server.shutdown()

    [line] = (fresh.settings.log_dir / "alerts.log").read_text().splitlines()
    alert = json.loads(line)
    assert alert["run_id"] == result.run_id
    assert [s["step"] for s in alert["failed_steps"]] == ["ingest_statbank"]
    [check] = alert["failed_checks"]
    assert (check["asset"], check["check"]) == ("raw/statbank_observations", "gx_suite")
    assert "AUP02_2024M05.csv, row 2, column 'INDHOLD'" in check["why"]
    assert tags["bkwh/alert"] == "run failed: ingest_statbank"
    # the webhook gets the alert; the log line also says how the webhook answered
    assert alert.pop("webhook_status") == 204
    assert _Hook.received == [alert]


HOLD_LOCK = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
print("locked", flush=True)
sys.stdin.readline()  # holds the warehouse until the test says so
"""


def _holding(path) -> subprocess.Popen:
    """A process that holds the DuckDB file at `path` (read-write) until a line is written
    to its stdin; returned once it holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=os.environ,
    )
    assert holder.stdout.readline().strip() == "locked"
    return holder


def test_the_plan_says_a_held_warehouse_is_busy_and_a_broken_one_is_broken(fresh):
    path = fresh.settings.warehouse_path
    holder = _holding(path)
    try:
        plan = plan_refresh(fresh.settings)
        assert plan.busy.startswith("the warehouse is in use") and not plan.nothing_to_do
        # the months with new files cannot be read: the schedule and `bkwh run` take every
        # month (each run loads only new files), not the latest alone (helper-69)
        months = partition_months()
        assert month_range(fresh.settings) == (months[0], months[-1])
        when = datetime(2026, 11, 15, 6, tzinfo=ZoneInfo(sources_config()["schedule"]["timezone"]))
        [request] = _evaluate_monthly_schedule(when).run_requests
        assert partition_range_tags().items() <= request.tags.items()
    finally:
        holder.communicate("release\n", timeout=30)
    path.unlink()
    path.write_bytes(b"not a database" * 100)
    with pytest.raises(duckdb.IOException, match="not a valid DuckDB database"):
        plan_refresh(fresh.settings)
    # the schedule and the landing sensor still request their run, which fails on the same
    # warehouse and is alerted as a failed run is: raised, it failed the tick alone, which
    # nobody was told of, and the month's refresh did not happen (helper-112)
    [request] = _evaluate_monthly_schedule(when).run_requests
    assert "not a valid DuckDB database" in request.tags["bkwh/plan_error"]
    assert partition_range_tags().items() <= request.tags.items()
    landing, cursor = _evaluate_landing_sensor()
    assert isinstance(landing, dg.RunRequest) and landing.run_key.startswith("landing-unplanned")
    assert "not a valid DuckDB database" in landing.tags["bkwh/plan_error"]
    assert isinstance(_evaluate_landing_sensor(cursor)[0], dg.SkipReason)  # once
    # `bkwh run` on it stops before any run starts, where no run-failure alert is made: it
    # tells the failure itself (helper-69), and exits 1 saying why
    from processes import BKWH

    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    done = subprocess.run([BKWH, "run"], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1 and "not a valid DuckDB database" in done.stderr, done.stderr
    alerts = (fresh.settings.log_dir / "alerts.log").read_text().splitlines()
    [told] = [json.loads(line) for line in alerts]
    assert told["kind"] == "refresh_error" and "not a valid DuckDB database" in told["message"]


def test_a_locked_warehouse_is_retried_with_backoff(fresh, monkeypatch):
    # another process holds the warehouse until the step has been told to retry, then lets
    # go (released on the retry, not after a fixed time: a slow start must not miss the lock).
    # The first wait 1 s here, not the 5 s a refresh waits: the test waited them out asleep.
    from orchestration.lib import warehouse

    monkeypatch.setattr(warehouse, "LOCK_WAIT_S", 1)
    _only(fresh, "statbank", {"AUP02_2024M05.csv"})
    holder = _holding(fresh.settings.warehouse_path)

    def release_on_the_first_retry(instance, stop: threading.Event) -> None:
        while not stop.is_set():
            events = [e for r in instance.get_runs() for e in instance.all_logs(r.run_id)]
            if any(e.dagster_event_type == dg.DagsterEventType.STEP_UP_FOR_RETRY for e in events):
                break
            stop.wait(0.2)
        holder.stdin.write("release\n")
        holder.stdin.flush()

    stop = threading.Event()
    with blank_instance() as instance:
        releaser = threading.Thread(target=release_on_the_first_retry, args=(instance, stop))
        releaser.start()
        try:
            result = _run_statbank_ingest(instance)
        finally:
            stop.set()
            releaser.join(timeout=30)
    holder.wait(timeout=30)
    assert result.success
    retries = [e for e in result.all_events if e.event_type_value == "STEP_UP_FOR_RETRY"]
    # backoff: the first wait (5 s in a refresh), then twice as long, ... while the other
    # process holds the lock
    waits = [e.event_specific_data.seconds_to_wait for e in retries]
    assert waits and waits == [1 * 2**i for i in range(len(waits))]
    cause = retries[0].event_specific_data.error.cause or retries[0].event_specific_data.error
    assert "Could not set lock" in cause.message


def test_a_warehouse_locked_past_the_retries_fails_saying_what_holds_it(fresh, monkeypatch):
    """Once the lock retries are spent, the step fails saying the warehouse is still locked,
    by whom (DuckDB's message names the process) and what to do: Dagster's own failure said
    only "Exceeded max_retries of 4", which the console and the alert showed (helper-112).
    One retry here, after 1 s, not four over 75 s."""
    from orchestration.lib import warehouse

    monkeypatch.setattr(warehouse, "MAX_LOCK_RETRIES", 1)
    monkeypatch.setattr(warehouse, "LOCK_WAIT_S", 1)
    _only(fresh, "statbank", {"AUP02_2024M05.csv"})
    holder = _holding(fresh.settings.warehouse_path)
    try:
        with blank_instance() as instance:
            result = _run_statbank_ingest(instance)
    finally:
        holder.stdin.write("release\n")
        holder.stdin.flush()
        holder.wait(timeout=30)
    assert not result.success
    [failure] = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    message = failure.event_specific_data.error.message
    assert "still locked by another process after 1 retries over 1 s" in message, message
    assert "Could not set lock" in message and "bkwh doctor" in message
    assert "Exceeded max_retries" not in message


def _loaded_files(env):
    import duckdb

    with duckdb.connect(str(env.settings.warehouse_path), read_only=True) as con:
        return sorted(
            r[0]
            for r in con.execute(
                "select source_file from raw._load_log where status = 'loaded'"
            ).fetchall()
        )


def test_a_month_loads_alone_and_a_backfill_loads_a_range(fresh):
    months = ("2024-03", "2024-04", "2024-05")
    files = sorted(f"{e}_{m}.csv" for e in ("meetings", "offers") for m in months)
    _only(fresh, "case_system", set(files))
    job = defs.resolve_job_def("refresh")
    keys = [raw_key(s.raw_table) for s in load_specs() if s.source == "case_system"]
    with blank_instance() as instance:
        one = job.execute_in_process(
            instance=instance, asset_selection=keys, partition_key="2024-04-01"
        )
        assert one.success
        assert _loaded_files(fresh) == ["meetings_2024-04.csv", "offers_2024-04.csv"]

        backfill = job.execute_in_process(
            instance=instance,
            asset_selection=keys,
            tags=partition_range_tags("2024-03", "2024-05"),
        )
        assert backfill.success  # one run for the range; the month loaded before is skipped
        materialized = instance.get_materialized_partitions(raw_key("case_system_meetings"))
        # the run planned each raw table once, with its range (orchestration/lib/partitions.py:
        # one planned event per month made a first load's run take 16 s to create), and
        # recorded each month it materialized
        events = {
            kind: [
                e.event_log_entry.dagster_event
                for e in instance.get_records_for_run(backfill.run_id, of_type=kind).records
                if e.event_log_entry.dagster_event.asset_key == raw_key("case_system_meetings")
            ]
            for kind in (
                dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED,
                dg.DagsterEventType.ASSET_MATERIALIZATION,
            )
        }
        [planned] = events[dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED]
        subset = planned.event_specific_data.partitions_subset
        assert sorted(subset.get_partition_keys()) == [f"{m}-01" for m in months]
        assert sorted(
            e.event_specific_data.materialization.partition
            for e in events[dg.DagsterEventType.ASSET_MATERIALIZATION]
        ) == [f"{m}-01" for m in months]
    assert materialized == {f"{m}-01" for m in months}
    assert _loaded_files(fresh) == sorted(
        f"{e}_{m}.csv" for e in ("meetings", "offers") for m in months
    )
