"""Runs of this Dagster instance, whose process each belongs to, and recovery from the dead.

A refresh killed with SIGKILL (a power cut, the OOM killer, a container restart) leaves its
run STARTED in the instance and its warehouse slot claimed; every later run would wait for
that slot forever. `recover` finds the runs whose process is gone, marks them failed with
the reason, and frees their slots and pending steps through Dagster's instance API.

A run's process: the `bkwh/pid` and `bkwh/host` tags that `bkwh run` sets, else the pid of
the run's start event (the run worker's, for runs launched by the UI or the daemon; not a
later event's, which may come from a step's own process under the multiprocess executor, one
started after the run and so taken for a reused pid). It is gone when no such process
exists, or when the process with that pid started after the run did (the pid was reused). A
run on another host, or one not started yet, is left alone.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import dagster as dg
import psutil

from orchestration.lib.warehouse import WAREHOUSE_POOL
from pipeline.alerts import deliver
from pipeline.config import Settings

PID_TAG = "bkwh/pid"
HOST_TAG = "bkwh/host"
ACTIVE = [
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.CANCELING,
]


def process_tags() -> dict[str, str]:
    """Tags naming this process, for the runs it executes."""
    return {PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname()}


@dataclass
class RunState:
    run_id: str
    status: str
    started: float | None  # epoch seconds
    pid: int | None
    host: str | None
    alive: bool | None  # None: cannot tell (another host, no pid)
    slots: list[str] = field(default_factory=list)  # steps holding a warehouse slot
    pending: list[str] = field(default_factory=list)  # steps waiting for one

    @property
    def short_id(self) -> str:
        return self.run_id[:8]

    def describe(self) -> str:
        when = (
            datetime.fromtimestamp(self.started, UTC).astimezone().strftime("%Y-%m-%d %H:%M:%S")
            if self.started
            else "?"
        )
        where = f"pid {self.pid}" if self.pid else "pid unknown"
        if self.host and self.host != socket.gethostname():
            where += f" on {self.host}"
        state = {True: "running", False: "gone", None: "cannot tell"}[self.alive]
        return f"run {self.short_id} ({self.status}, started {when}, {where}, {state})"


def _alive(pid: int | None, started: float | None, host: str | None) -> bool | None:
    if host and host != socket.gethostname():
        return None
    if not pid:
        return None
    try:
        proc = psutil.Process(pid)
        if proc.status() == psutil.STATUS_ZOMBIE:
            return False
        if started and proc.create_time() > started + 1:
            return False  # another process has the pid now
    except psutil.NoSuchProcess:
        return False
    except psutil.Error:
        return None
    return True


def _event_pid(instance: dg.DagsterInstance, run_id: str) -> int | None:
    """The pid of the run worker: the process that reported the run's start."""
    records = instance.get_records_for_run(
        run_id, of_type=dg.DagsterEventType.RUN_START, limit=1
    ).records
    for record in records:
        event = record.event_log_entry.dagster_event
        if event is not None and event.pid:
            return int(event.pid)
    return None


def run_state(instance: dg.DagsterInstance, record) -> RunState:
    run = record.dagster_run
    tags = run.tags or {}
    tagged = tags.get(PID_TAG, "")
    pid = int(tagged) if tagged.isdigit() else _event_pid(instance, run.run_id)
    started = record.start_time or record.create_timestamp.timestamp()
    host = tags.get(HOST_TAG)
    return RunState(run.run_id, run.status.value, started, pid, host, _alive(pid, started, host))


def pool_info(instance: dg.DagsterInstance):
    storage = instance.event_log_storage
    if not storage.supports_global_concurrency_limits:
        return None
    return storage.get_concurrency_info(WAREHOUSE_POOL)


def states(instance: dg.DagsterInstance) -> list[RunState]:
    """Every active run, and every run that holds or waits for a warehouse slot."""
    found: dict[str, RunState] = {}
    for record in instance.get_run_records(dg.RunsFilter(statuses=ACTIVE)):
        found[record.dagster_run.run_id] = run_state(instance, record)
    info = pool_info(instance)
    if info is not None:
        for slot in info.claimed_slots:
            _state(instance, found, slot.run_id).slots.append(slot.step_key)
        for step in info.pending_steps:
            _state(instance, found, step.run_id).pending.append(step.step_key)
    return sorted(found.values(), key=lambda s: s.started or 0)


def _state(instance, found: dict[str, RunState], run_id: str) -> RunState:
    if run_id not in found:
        record = instance.get_run_record_by_id(run_id)
        if record is None:  # a slot of a run deleted from the history
            found[run_id] = RunState(run_id, "deleted", None, None, None, False)
        else:
            found[run_id] = run_state(instance, record)
    return found[run_id]


def is_dead(state: RunState) -> bool:
    """Its process is gone, or it has finished yet still holds a slot."""
    finished = state.status not in {s.value for s in ACTIVE}
    return state.alive is False or (finished and bool(state.slots or state.pending))


def free(instance: dg.DagsterInstance, state: RunState, reason: str) -> dg.DagsterRun | None:
    """Mark a run failed (if it is still active) and free its slots and pending steps. Its
    status is read again, and its process asked again, just before: a run that finished
    and exited after `state` was taken is not marked failed (the daemon's sensor frees
    runs unattended every two minutes: helper-80). Returns the run as read."""
    run = instance.get_run_by_id(state.run_id)
    if state.status in {s.value for s in ACTIVE}:
        still_active = run is not None and run.status in ACTIVE
        if still_active and _alive(state.pid, state.started, state.host) is not True:
            instance.report_run_failed(run, message=reason)
    if instance.event_log_storage.supports_global_concurrency_limits:
        instance.event_log_storage.free_concurrency_slots_for_run(state.run_id)
    return run


@dataclass(frozen=True)
class Recovered:
    line: str  # what was freed, and why
    marked_failed: bool  # it was still active: its failure is told now, never before
    # a run the daemon launched (it has a code location): the failure sensor
    # (alert_on_failure) tells its failure when it is marked failed; one `bkwh run` executed
    # in its own process it never sees, so whoever recovers it tells it
    told_by_sensor: bool = False


def recover(instance: dg.DagsterInstance) -> list[Recovered]:
    """Free what dead runs hold; one per run freed, saying what and why. A run that had
    ended (a refresh stopped by Ctrl-C is canceled) but left a step waiting for a slot (its
    executor's thread, still polling when the process exited) is only freed: it is not
    marked failed, and nothing is told of it again."""
    found = []
    for state in states(instance):
        if not is_dead(state):
            continue
        why = (
            f"its process (pid {state.pid}) is gone"
            if state.alive is False
            else f"it is {state.status} yet held warehouse slots"
        )
        active = state.status in {s.value for s in ACTIVE}
        run = free(instance, state, f"Marked failed by bkwh: {why}.")
        launched = run is not None and run.remote_job_origin is not None
        held = f"{len(state.slots)} warehouse slot(s) and {len(state.pending)} pending step(s)"
        done = f"marked failed, freed {held}" if active else f"freed {held}"
        line = f"recovered {state.describe()}: {done}, as {why}"
        found.append(Recovered(line, active, told_by_sensor=launched))
    return found


def holders(instance: dg.DagsterInstance, run_id: str) -> list[RunState]:
    """The other runs holding a warehouse slot while a step of `run_id` waits for one."""
    info = pool_info(instance)
    if info is None or run_id not in info.pending_run_ids:
        return []
    return [s for s in states(instance) if s.slots and s.run_id != run_id]


def instance() -> dg.DagsterInstance:
    """The persistent instance of DAGSTER_HOME (make run, make dev), else a throw-away one."""
    if os.environ.get("DAGSTER_HOME"):
        return dg.DagsterInstance.get()
    return dg.DagsterInstance.ephemeral()


def recover_dead_runs(
    settings: Settings, say: Callable[[str], None], on: dg.DagsterInstance | None = None
) -> None:
    """Mark the runs whose process is gone failed and free what they held (`recover`),
    saying each, and tell each failure that was never told (the alert). Before
    every refresh, and before `bkwh run` says there is nothing to do: a run killed with
    nothing new after it would otherwise hold the warehouse's slot until new data came.
    Here, not in orchestration/run.py, so that `bkwh doctor` and a `bkwh run` with nothing
    to do do not import the job's definitions (dbt, Great Expectations) to do it."""
    for recovered in recover(on or instance()):
        say(recovered.line)
        # a run killed earlier never told its failure: told now, as it is marked failed; one
        # the daemon launched is told by its failure sensor, which sees it marked failed
        # (told here too, it was mailed twice: helper-79)
        if recovered.marked_failed and not recovered.told_by_sensor:
            deliver(
                settings,
                {"kind": "run_recovered", "message": recovered.line},
                "Beskæftigelsesstrategien: en afbrudt kørsel er markeret som fejlet",
                recovered.line,
            )
