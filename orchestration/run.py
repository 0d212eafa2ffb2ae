"""Run the `refresh` job in this process, as `bkwh run` (and `make run`) do.

The person-level sources are partitioned by month: a run covers the range from the first to
the last month that has new files (planned by `pipeline.plan`), or the latest month when
only other sources have new files, and reads only the new files of its months
(MonthFilter). Dagster records a materialisation for every month of the range, those between
with no new file too (their metadata says `files_loaded: 0`): one run per range, not one per
month, as a backfill of ten years would be 120 runs.

`execute_watched` (what `bkwh run` uses) first frees what runs killed earlier still hold
(orchestration/lib/runs.py), then runs the job in a worker thread while this thread keeps
the signals: Ctrl-C and SIGTERM stop the refresh within seconds, whatever it waits for, and a
step that waits for the warehouse slot says who holds it and gives up after
`BKWH_WAREHOUSE_WAIT_S` seconds. (Dagster defers interrupts to step boundaries, so a run
waiting for a slot cannot be stopped from inside.) Stopping kills the refresh's child
processes (dbt), marks the run canceled or failed, frees its slots and exits: the published
file is as it was (a publish is written aside and swapped in), and an open load transaction
is rolled back, as after a SIGKILL.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import dagster as dg

from orchestration.definitions import defs
from orchestration.defs.automation.sensors import alert_run_failed
from orchestration.defs.transform.assets import warehouse_dbt_assets
from orchestration.lib.failures import said_of_failure
from orchestration.lib.keys import raw_key
from orchestration.lib.partitions import partition_months, partition_range_tags
from orchestration.lib.privacy import RUN_LOGGING
from orchestration.lib.runs import holders, instance, process_tags, recover_dead_runs
from pipeline.config import Settings
from pipeline.state import dbt_code_changed
from pipeline.suites import load_specs


@dataclass
class RefreshResult:
    success: bool
    run_id: str
    failures: list[str] = field(default_factory=list)  # "step: message", in full
    succeeded: set[str] = field(default_factory=set)  # the steps that succeeded


def source_selection(settings: Settings, source: str, graph) -> list[dg.AssetKey]:
    """What `bkwh run --source` refreshes: the source's raw tables and what is built from
    them (every staging model, as each reads the load log). Where the dbt project changed
    since its last whole build, all of the dbt project with them: the seeds and models that
    do not depend on a raw table too, which would otherwise stay as earlier code made them
    under models this code builds from them (a changed seed, as it was)."""
    raws = [raw_key(s.raw_table) for s in load_specs() if s.source == source]
    if not raws:
        raise ValueError(f"no source {source!r} in expectations/")
    selection = dg.AssetSelection.assets(*raws)
    if dbt_code_changed(settings.warehouse_path):
        logging.getLogger("bkwh.progress").info(
            "the dbt project changed since its last whole build: all of it is built, "
            "not only what depends on %s",
            source,
        )
        selection = selection | dg.AssetSelection.assets(warehouse_dbt_assets)
    return sorted(selection.downstream().resolve(graph))


def month_range(settings: Settings) -> tuple[str, str]:
    """The months with new person-level files; the latest month when there are none; every
    month when the warehouse is in use, so its new files cannot be seen (a run loads only
    the new files of its months: MonthFilter)."""
    from pipeline.plan import plan_refresh

    known = partition_months()
    plan = plan_refresh(settings)
    if plan.busy:
        return known[0], known[-1]
    # a file named for a month outside the partitions is read by every run (MonthFilter)
    months = [m for m in plan.months if m in set(known)]
    if not months:
        return known[-1], known[-1]
    return months[0], months[-1]


PUBLISH = [dg.AssetKey("analytics_db"), dg.AssetKey("follow_up_report")]


def execute(
    settings: Settings,
    first_month: str | None = None,
    last_month: str | None = None,
    source: str | None = None,
    on: dg.DagsterInstance | None = None,
    run_id: str | None = None,
    publish_only: bool = False,
) -> RefreshResult:
    """The refresh job, in this process. `publish_only`: the marts are built and tested
    from what the warehouse holds; only the publish and the report run."""
    graph = defs.resolve_asset_graph()
    tags: dict[str, str] = {}
    selection = None
    if publish_only:
        selection = sorted(dg.AssetSelection.assets(*PUBLISH).downstream().resolve(graph))
    else:
        if first_month is None:
            first_month, last_month = month_range(settings)
        tags = partition_range_tags(first_month, last_month or first_month)
    if source:
        selection = source_selection(settings, source, graph)
    on = on or instance()
    result = defs.resolve_job_def("refresh").execute_in_process(
        instance=on,
        run_id=run_id,
        raise_on_error=False,
        tags={**tags, **process_tags()},
        asset_selection=selection,
        run_config=RUN_LOGGING,  # the masked console logger (lib/privacy.py)
    )
    failures = [
        f"{e.step_key}: {said_of_failure(e.event_specific_data.error.message)}"
        for e in result.all_events
        if e.is_step_failure
    ]
    succeeded = {e.step_key for e in result.all_events if e.is_step_success}
    # told as the daemon's sensor tells the runs it sees; not a run being stopped (_stop)
    if not result.success and result.run_id not in _STOPPING:
        why = [e.message for e in result.all_events if e.event_type_value == "PIPELINE_FAILURE"]
        alert_run_failed(on, result.dagster_run, why[0] if why else None)
    return RefreshResult(result.success, result.run_id, failures, succeeded)


WAIT_ENV = "BKWH_WAREHOUSE_WAIT_S"
DEFAULT_WAIT_S = 600
EXIT_CODES = {signal.SIGINT: 130, signal.SIGTERM: 143}
EX_TEMPFAIL = 75  # the warehouse is busy: try again later (as for a held refresh lock)
# how long a stop waits for the worker to end the run whose child (dbt) it killed
RUN_END_GRACE_S = 3.0
# the runs being stopped: the failure their stop causes is not told as a failure
_STOPPING: set[str] = set()


class Stopped(Exception):
    """The refresh was stopped before it finished: by a signal, or waiting too long."""

    def __init__(self, message: str, exit_code: int):
        super().__init__(message)
        self.exit_code = exit_code


def execute_watched(
    settings: Settings,
    first_month: str | None = None,
    last_month: str | None = None,
    source: str | None = None,
    say: Callable[[str], None] = print,
    wait_limit_s: float | None = None,
    publish_only: bool = False,
) -> RefreshResult:
    """`execute`, after recovering from dead runs, stoppable, and never waiting silently.
    Raises `Stopped` (the run marked and freed) when stopped or when the wait is too long;
    the caller exits with its code."""
    on = instance()
    recover_dead_runs(settings, say, on)
    limit = (
        wait_limit_s
        if wait_limit_s is not None
        else float(os.environ.get(WAIT_ENV, DEFAULT_WAIT_S))
    )
    run_id = str(uuid.uuid4())
    box: dict[str, object] = {}

    def work() -> None:
        try:
            box["result"] = execute(
                settings, first_month, last_month, source, on, run_id, publish_only
            )
        except BaseException as e:  # handed to the main thread
            box["error"] = e

    received: list[int] = []
    previous = {s: signal.signal(s, lambda n, _: received.append(n)) for s in EXIT_CODES}
    worker = threading.Thread(target=work, name="refresh", daemon=True)
    worker.start()
    waiting_since, told = None, False
    try:
        while worker.is_alive():
            worker.join(0.5)
            if received:
                name = signal.Signals(received[0]).name
                _stop(on, run_id, f"stopped by {name}", canceled=True)
                raise Stopped(f"refresh stopped by {name}", EXIT_CODES[received[0]])
            held = holders(on, run_id) if worker.is_alive() else []
            if not held:
                waiting_since, told = None, False
                continue
            waiting_since = waiting_since or time.monotonic()
            waited = time.monotonic() - waiting_since
            who = "; ".join(h.describe() for h in held)
            if not told and waited >= 1:
                say(f"waiting for the warehouse: held by {who}; giving up after {limit:.0f} s")
                told = True
            if waited >= limit:
                # the limit, not the seconds counted (the poll may overshoot it a little)
                reason = f"gave up after waiting {limit:.0f} s for the warehouse, held by {who}"
                _stop(on, run_id, reason, canceled=False)
                raise Stopped(reason, EX_TEMPFAIL)
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["result"]  # type: ignore[return-value]


def _stop(on: dg.DagsterInstance, run_id: str, reason: str, canceled: bool) -> None:
    """End the refresh now: its child processes (dbt) killed, its run marked, its slots
    freed. The worker thread dies with the process when the caller exits.

    Stopped is canceled, whatever the worker saw: a step whose child was killed fails, and
    the worker, which has only that failure to record, finishes the run as failed (this
    waits up to RUN_END_GRACE_S for it); that failure is the stop's, and is not told as one.
    A run that succeeded before the stop took hold stays succeeded."""
    _STOPPING.add(run_id)
    killed = end_children()
    run = on.get_run_by_id(run_id)
    deadline = time.monotonic() + RUN_END_GRACE_S
    while killed and run is not None and not run.is_finished and time.monotonic() < deadline:
        time.sleep(0.1)
        run = on.get_run_by_id(run_id)
    if run is not None and canceled:
        if run.status not in (dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.CANCELED):
            on.report_run_canceled(run, message=f"Canceled: {reason}.")
    elif run is not None and not run.is_finished:  # given up (waiting too long): failed, told
        on.report_run_failed(run, message=f"Failed: {reason}.")
        alert_run_failed(on, run, f"Failed: {reason}.")
    if on.event_log_storage.supports_global_concurrency_limits:
        on.event_log_storage.free_concurrency_slots_for_run(run_id)
    logging.getLogger("bkwh.progress").error(reason)
    for handler in logging.getLogger().handlers:
        handler.flush()
    sys.stdout.flush()
    sys.stderr.flush()


def end_children(children: list | None = None, timeout_s: float = 1.0) -> list:
    """SIGTERM to every running process this one started (dbt, the report's printer), or
    to `children` (psutil processes), SIGKILL to those still running after `timeout_s`;
    the ones there were.

    A child's end is seen from its state (a zombie, or gone), never by waiting for it: a
    wait reaps the child, and the worker's own wait for it (subprocess.Popen) then finds no
    child and takes the exit status for 0. A dbt build stopped so was seen to succeed: its
    run marked succeeded, the interrupted build recorded as passed, and the next run
    published the marts it had not rebuilt (a README review, December 2026)."""
    import psutil

    def running(child) -> bool:
        try:
            return child.status() != psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return False

    # (one that has ended and is not yet waited for, as the dbt parse started aside, is none)
    if children is None:
        children = psutil.Process().children(recursive=True)
    children = [c for c in children if running(c)]
    for child in children:
        with contextlib.suppress(psutil.NoSuchProcess):
            child.terminate()
    deadline = time.monotonic() + timeout_s
    while (alive := [c for c in children if running(c)]) and time.monotonic() < deadline:
        time.sleep(0.05)
    for child in alive:
        with contextlib.suppress(psutil.NoSuchProcess):
            child.kill()
    return children
