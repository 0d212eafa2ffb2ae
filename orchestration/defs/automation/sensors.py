"""Automation: a sensor on the landing folder, the monthly schedules, a refresh after each
successful extract, the failure alert, and the alert for a late delivery (overdue_deliveries:
pipeline/freshness.py).

The sensor's cursor holds each landing file's size and modification time, so each new or
changed file starts one run, once: a restart or the next tick does not trigger again. Both
the sensor and the schedule ask the refresh's plan (pipeline.plan, read-only, no Dagster or
GX imports) first: a file loaded before that is still its period's current delivery (written
again with the same bytes, say) starts nothing, a file still being
written (changed in the last `BKWH_LANDING_SETTLE_S` seconds, default 60) waits for a later
tick, and the schedule skips a month with nothing new since the last publication and covers
every month that has new person-level files. The schedule's day and time come from
sources.yml. A failed run writes an alert line to
`<log dir>/alerts.log`, tags the run with it, and posts and mails it where configured
(pipeline.alerts).
"""

import hashlib
import json
import os
import re
import time
from datetime import UTC, datetime

import dagster as dg

from orchestration.defs.extract.assets import extract_op
from orchestration.lib.partitions import partition_months, partition_range_tags
from orchestration.lib.privacy import RUN_LOGGING
from pipeline import periods
from pipeline.alerts import WEBHOOK_ENV, alert_overdue, deliver, failed_everywhere
from pipeline.config import Settings, sources_config
from pipeline.fetch.extracts import SOURCES, previous_month
from pipeline.files import stamp_of
from pipeline.freshness import source_freshness
from pipeline.ingest import landing_files
from pipeline.ingest.discover import stray_files
from pipeline.plan import Plan, plan_refresh
from pipeline.privacy import hide_person_ids

ALERT_WEBHOOK_ENV = WEBHOOK_ENV


def landing_signature(settings: Settings) -> dict[str, str]:
    """Each delivery in landing ('<source>/<file>') with its stamp ('size:mtime:ctime',
    files.stamp_of), and each file in no source's folder (stray_files: named once, when it
    appears)."""
    out = {}
    for source, path in landing_files(settings.landing_dir):
        # a name holding a CPR-shaped number by its shape (the ingest renames the file so):
        # the cursor is kept in Dagster's storage
        out[f"{source}/{hide_person_ids(path.name)}"] = ":".join(map(str, stamp_of(path)))
    for rel in stray_files(settings.landing_dir):  # by name: a stray name is never renamed
        out.setdefault(rel, "stray")
    return out


def planned(settings: Settings) -> Plan | str:
    """The refresh's plan, or, where the warehouse cannot be read at all (not a DuckDB file,
    a disk error: plan_refresh raises what is not a lock), what went wrong. A trigger then
    still requests its run, which fails on the same warehouse and is alerted as a failed run
    is (alert_on_failure): raised here, it failed the tick alone, which nobody is told of,
    and the month's refresh did not happen (helper-112; `bkwh run` tells it itself)."""
    try:
        return plan_refresh(settings)
    except Exception as e:
        return hide_person_ids(f"{type(e).__name__}: {e}")[:500]


def _unplanned(run_key: str, tags: dict[str, str], why: str) -> dg.RunRequest:
    """The run a trigger requests without a plan (`planned`): every month, and why."""
    return dg.RunRequest(
        run_key=run_key,
        run_config=RUN_LOGGING,
        tags={**tags, "bkwh/plan_error": why, **partition_range_tags()},
    )


def build_landing_sensor(job) -> dg.SensorDefinition:
    @dg.sensor(
        name="landing_files",
        job=job,
        minimum_interval_seconds=60,
        description="Starts a refresh for new or changed files in the landing folder, once "
        "per file (the cursor remembers each file's size, modification and status-change time).",
        default_status=dg.DefaultSensorStatus.STOPPED,
    )
    def landing_files(context: dg.SensorEvaluationContext):
        settings = Settings.from_env()
        seen = json.loads(context.cursor) if context.cursor else {}
        current = landing_signature(settings)
        changed = sorted(rel for rel, sig in current.items() if seen.get(rel) != sig)
        if not changed:
            context.update_cursor(json.dumps(current))
            return dg.SkipReason("no new or changed files in landing")
        plan = planned(settings)
        if isinstance(plan, str):
            context.update_cursor(json.dumps(current))
            digest = hashlib.sha256("\n".join(changed).encode()).hexdigest()[:20]
            return _unplanned(f"landing-unplanned-{digest}", {"bkwh/trigger": "landing"}, plan)
        if plan.busy:  # the cursor is kept: the files are looked at again next tick
            return dg.SkipReason(f"{plan.busy}; the new files wait for the next tick")
        new = {f"{source}/{name}" for source, names in plan.new_files.items() for name in names}
        settle = float(os.environ.get(SETTLE_ENV, DEFAULT_SETTLE_S))
        now_ns = time.time_ns()
        young = [
            rel
            for rel in changed
            # by its modification time: a file still being written has a recent one
            if rel in new and now_ns - int(current[rel].split(":")[1]) < settle * 1e9
        ]
        if young:  # the cursor is kept: a later tick takes them all, once they are whole
            return dg.SkipReason(
                f"waiting for {len(young)} file(s) changed in the last {settle:g} s, which may "
                f"still be being written (first: {young[0]})"
            )
        context.update_cursor(json.dumps(current))
        strays = set(plan.stray_files)
        stray = [rel for rel in changed if rel in strays]
        changed = [rel for rel in changed if rel in new]
        if not changed and stray:
            return dg.SkipReason(
                f"{len(stray)} file(s) in no source's folder, not loaded: {', '.join(stray[:5])}"
            )
        if not changed:
            return dg.SkipReason(
                "the changed files in landing were loaded before, as they are, and are their "
                "periods' current deliveries"
            )
        digest = hashlib.sha256(
            "\n".join(f"{rel}={current[rel]}" for rel in changed).encode()
        ).hexdigest()[:20]
        sources = sorted({rel.split("/")[0] for rel in changed})
        return dg.RunRequest(
            run_key=f"landing-{digest}",
            run_config=RUN_LOGGING,
            tags={
                "bkwh/trigger": "landing",
                "bkwh/sources": ",".join(sources),
                "bkwh/files": str(len(changed)),
                # every month with files not yet loaded, not only the changed files': a file
                # whose run failed is in the cursor, and a run of another month's new file
                # would leave it for the schedule (helper-112)
                **_span(plan),
            },
        )

    return landing_files


SETTLE_ENV = "BKWH_LANDING_SETTLE_S"
DEFAULT_SETTLE_S = 60


def release_month(scheduled: datetime) -> str:
    """The month whose figures the sources released before this run: the month before."""
    return periods.label_for(periods.month_before(scheduled.date()), "month", dashed=True)


def _monthly_at(time_key: str) -> dict:
    """cron_schedule and execution_timezone for the monthly day of sources.yml, at the time
    it gives under `time_key`. A day after the 28th does not come every month: cron would
    skip the month without it (a refresh day of 31 runs in seven months of twelve), so it is
    refused, as is a time that is not HH:MM, when the definitions load (they took any value
    and named none)."""
    conf = sources_config()["schedule"]
    day, at = conf["monthly_refresh_day"], str(conf[time_key])
    if not (isinstance(day, int) and 1 <= day <= 28):
        raise ValueError(
            f"sources.yml schedule.monthly_refresh_day: {day!r} is not a day from 1 to 28 "
            "(a later day does not come every month, and the monthly refresh would skip it)"
        )
    if not re.fullmatch(r"([01][0-9]|2[0-3]):[0-5][0-9]", at, re.ASCII):
        raise ValueError(f"sources.yml schedule.{time_key}: {at!r} is not a time HH:MM")
    hour, minute = (int(x) for x in at.split(":"))
    return {
        "cron_schedule": f"{minute} {hour} {day} * *",
        "execution_timezone": conf["timezone"],
    }


def build_monthly_schedule(job) -> dg.ScheduleDefinition:
    @dg.schedule(
        name="monthly_refresh",
        job=job,
        **_monthly_at("monthly_refresh_time"),
        description="After Jobindsats' and Danmarks Statistik's monthly releases (the day "
        "and time are in sources.yml); picks up the month before.",
        # on from the start: the refresh the reports read is the warehouse's promise, and a
        # schedule's on/off lives in the Dagster instance, so one left off would stay off
        # after every new DAGSTER_HOME (a fresh deployment, `make clean`) until someone
        # noticed that no report came. A month with nothing new is skipped, not run.
        default_status=dg.DefaultScheduleStatus.RUNNING,
    )
    def monthly_refresh(context: dg.ScheduleEvaluationContext):
        month = release_month(context.scheduled_execution_time)
        plan = planned(Settings.from_env())
        if isinstance(plan, str):
            tags = {"bkwh/trigger": "schedule", "bkwh/release_month": month}
            return _unplanned(f"monthly-{month}", tags, plan)
        if plan.nothing_to_do:
            return dg.SkipReason(f"nothing to refresh for {month}: {plan.reason}")
        return dg.RunRequest(
            run_key=f"monthly-{month}",
            run_config=RUN_LOGGING,
            tags={"bkwh/trigger": "schedule", "bkwh/release_month": month, **_span(plan, month)},
        )

    return monthly_refresh


def _span(plan: Plan, month: str | None = None) -> dict[str, str]:
    """The partition range a refresh needs for the plan: the months with new person-level
    files (and `month`, a release month); the latest month where there are none."""
    # a warehouse in use could not be read for the months with new files: every month,
    # of which each run loads only the new files (MonthFilter), not the release month
    # alone, which would leave a late correction for next month (helper-69)
    if plan.busy:
        return partition_range_tags()
    known = partition_months()
    months = sorted(set(plan.months) & set(known) | ({month} if month else set()))
    months = months or [known[-1]]
    return partition_range_tags(months[0], months[-1])


def fetched_extracts(run: dg.DagsterRun, extract_job: str, extracts: set[dg.AssetKey]) -> bool:
    """Whether `run` materialised extract assets: a run of the `extract` job, or one that
    selected some of them (the UI's Materialize runs Dagster's implicit asset job with its
    selection, not `extract`)."""
    return run.job_name == extract_job or bool(set(run.asset_selection or ()) & extracts)


def build_refresh_after_extract_sensor(
    extract_job, refresh_job, extracts: set[dg.AssetKey]
) -> dg.SensorDefinition:
    # every job of this code location: an extract asset materialised from the UI is a run
    # of Dagster's implicit asset job, which monitored_jobs=[extract_job] did not see
    # (helper-82). A run that fetched nothing gets None, not a SkipReason: any other answer
    # ends Dagster's tick there (run_status_sensor_definition.py), so each refresh's success
    # would hold an extract behind it for a tick of 60 s; None goes on to the next run
    @dg.run_status_sensor(
        name="refresh_after_extract",
        run_status=dg.DagsterRunStatus.SUCCESS,
        request_job=refresh_job,
        minimum_interval_seconds=60,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Starts a refresh when a run that fetched extracts (the extract job, or "
        "extract assets materialised from the UI) has succeeded and landed files not loaded "
        "yet. The monthly refresh runs at its hour whatever the extract did: an extract that "
        "ran longer, or again after a failure, would otherwise wait for the next month's "
        "refresh.",
    )
    def refresh_after_extract(context: dg.RunStatusSensorContext):
        extract = context.dagster_run
        if not fetched_extracts(extract, extract_job.name, extracts):
            return None
        plan = planned(Settings.from_env())
        if isinstance(plan, str):
            tags = {"bkwh/trigger": "extract", "bkwh/extract_run": extract.run_id}
            return _unplanned(f"after-extract-{extract.run_id}", tags, plan)
        # the extract's files, not whatever else is behind (a code change, a report not
        # made: the schedule's and `bkwh run`'s to pick up); a warehouse in use hides them
        if not plan.busy and not plan.new_files:
            return dg.SkipReason(
                f"the extract run {extract.run_id[:8]} landed no file that is not loaded yet"
            )
        return dg.RunRequest(
            run_key=f"after-extract-{extract.run_id}",
            run_config=RUN_LOGGING,
            tags={
                "bkwh/trigger": "extract",
                "bkwh/extract_run": extract.run_id,
                **{k: v for k, v in extract.tags.items() if k == "bkwh/release_month"},
                **_span(plan),
            },
        )

    return refresh_after_extract


def build_extract_schedule(job) -> dg.ScheduleDefinition:
    @dg.schedule(
        name="monthly_extract",
        job=job,
        **_monthly_at("monthly_extract_time"),
        description="Fetch the month before from Jobindsats and StatBank into landing, an hour "
        "or so before the monthly refresh (sources.yml).",
    )
    def monthly_extract(context: dg.ScheduleEvaluationContext):
        month = release_month(context.scheduled_execution_time)
        # the month before the tick's (2026M10, as fetched): each table is asked for the
        # months to it that it still revises or had not published (extracts.months_to_ask)
        through = previous_month(context.scheduled_execution_time.date())
        return dg.RunRequest(
            run_key=f"extract-{month}",
            run_config={
                **RUN_LOGGING,
                "ops": {extract_op(source): {"config": {"through": through}} for source in SOURCES},
            },
            tags={"bkwh/trigger": "schedule", "bkwh/release_month": month},
        )

    return monthly_extract


def write_alert(context: dg.RunFailureSensorContext) -> dict:
    """The sensor's alert for a failed run the daemon sees (one launched by the UI, a
    schedule or a sensor)."""
    return alert_run_failed(context.instance, context.dagster_run, context.failure_event.message)


def alert_run_failed(instance: dg.DagsterInstance, run: dg.DagsterRun, message: str | None) -> dict:
    """One JSON line in alerts.log, the same as tags on the run, and a webhook post and a
    mail where set: the failed steps and checks, and why. `bkwh run` calls it for the runs it
    executes in its own process, which a run-failure sensor does not see (they have no code
    location)."""
    steps = [
        {
            "step": r.dagster_event.step_key,
            "error": (r.dagster_event.event_specific_data.error.message or "").strip()[:500],
        }
        for r in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.STEP_FAILURE)
    ]
    checks = []
    for record in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION):
        evaluation = record.dagster_event.event_specific_data
        if not evaluation.passed:
            checks.append(
                {
                    "asset": evaluation.asset_key.to_user_string(),
                    "check": evaluation.check_name,
                    "why": (evaluation.description or "")[:1000],
                }
            )
    alert = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "run_id": run.run_id,
        "job": run.job_name,
        "failed_steps": steps,
        "failed_checks": checks,
        "message": message,
    }
    settings = Settings.from_env()
    failed = ", ".join(s["step"] for s in steps) or "no step failed"
    alert = deliver(
        settings,
        alert,
        f"Beskæftigelsesstrategien: kørslen {run.job_name} fejlede ({failed})",
        json.dumps(alert, ensure_ascii=False, indent=2),
    )
    instance.add_run_tags(
        run.run_id,
        {
            "bkwh/alert": "run failed: " + failed,
            "bkwh/alert_log": str(settings.log_dir / "alerts.log"),
        },
    )
    return alert


@dg.sensor(
    name="recover_dead_runs",
    description="Every two minutes: a run whose process is gone (a run worker the OOM killer "
    "or a restart ended) is marked failed and the warehouse slot it held is freed, so that it "
    "does not hold every later refresh until the run monitor's two hours are up "
    "(orchestration/lib/runs.py recover, as `bkwh run` and `bkwh doctor` do). Its failure is "
    "told once: by alert_on_failure for a run the daemon launched, here for one `bkwh run` "
    "executed in its own process.",
    minimum_interval_seconds=120,
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def recover_dead_runs_sensor(context: dg.SensorEvaluationContext):
    from orchestration.lib.runs import recover_dead_runs

    said: list[str] = []
    recover_dead_runs(Settings.from_env(), said.append, on=context.instance)
    for line in said:
        context.log.warning(line)
    return dg.SkipReason("; ".join(said) or "no dead run holds anything")


@dg.sensor(
    name="overdue_deliveries",
    description="Every hour: alerts (alerts.log, webhook, mail) when a source's newest delivery "
    "in landing is older than its cadence allows (sources.yml overdue_after_days), once per "
    "late delivery; told again when a later delivery is late too. A refresh runs only when "
    "something new arrives, so a source that stops is told here.",
    minimum_interval_seconds=3600,
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def overdue_deliveries(context: dg.SensorEvaluationContext):
    settings = Settings.from_env()
    late = [f for f in source_freshness(settings) if f.is_overdue]
    # the cursor: each late source's newest file when it was told ("" for an empty folder);
    # a source on time again drops out, so that its next late delivery is told
    told = json.loads(context.cursor) if context.cursor else {}
    new = [f for f in late if told.get(f.source) != (f.newest_file or "")]
    failed = bool(new) and failed_everywhere(alert_overdue(settings, new))
    after = {f.source: told[f.source] for f in late if f.source in told}
    if not failed:  # told nowhere but alerts.log: told again at the next tick
        after |= {f.source: f.newest_file or "" for f in new}
    context.update_cursor(json.dumps(after))
    if not late:
        return dg.SkipReason("every source's newest delivery is on time")
    said = "; ".join(f.describe() for f in (new or late))
    if failed:
        return dg.SkipReason(f"not sent by any channel (in alerts.log; again next tick): {said}")
    return dg.SkipReason(("told: " if new else "told before: ") + said)


@dg.run_failure_sensor(
    name="alert_on_failure",
    description="Writes an alert for every failed run: a line in data/logs/alerts.log, tags "
    f"on the run, and a POST to {ALERT_WEBHOOK_ENV} when set.",
    default_status=dg.DefaultSensorStatus.RUNNING,
    monitor_all_code_locations=False,
)
def alert_on_failure(context: dg.RunFailureSensorContext):
    write_alert(context)
