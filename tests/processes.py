"""`bkwh` as a separate process, without paying its start-up each time.

A `bkwh run` process spends about 9 s importing Dagster and dbt and 7 s importing Great
Expectations before it does anything; the crash tests start many. `start_bkwh` forks them
from a fork server that has imported those modules once (multiprocessing's "forkserver":
the server is single-threaded and forks a fresh process for each child). The child is a
process of its own, in a session of its own (so that killing its group kills its dbt too),
with its own environment and argv, its output in a log file; it runs the same entry point
as the `bkwh` command (`pipeline.cli.main`), signals, exit codes and all.
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

PRELOAD = [
    "pipeline.cli",
    "orchestration.run",
    "great_expectations",
    "pipeline.report",
    "dagster._core.storage.runs.sqlite.sqlite_run_storage",
    "dagster._core.storage.event_log.sqlite.sqlite_event_log",
    "dagster._core.storage.schedules.sqlite.sqlite_schedule_storage",
    "dagster._core.storage.local_compute_log_manager",
]
_context = None


def _forkserver():
    global _context
    if _context is None:
        _context = multiprocessing.get_context("forkserver")
        _context.set_forkserver_preload(PRELOAD)
    return _context


def _run(argv: list[str], env: dict[str, str], log: str) -> None:
    """In the child: a new session, the given environment and argv, output to `log`."""
    os.setsid()
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    os.environ.clear()
    os.environ.update(env)
    sys.argv = ["bkwh", *argv]
    from pipeline.cli import main

    main()


class Child:
    """The parts of `subprocess.Popen` the tests use."""

    def __init__(self, process: multiprocessing.Process):
        self.process = process
        self.pid = process.pid

    def poll(self) -> int | None:
        return self.process.exitcode

    def wait(self, timeout: float | None = None) -> int:
        self.process.join(timeout)
        if self.process.exitcode is None:
            raise subprocess.TimeoutExpired("bkwh", timeout)
        return self.process.exitcode


def start_bkwh(argv: list[str], env: dict[str, str], log: Path) -> Child:
    log.touch()
    process = _forkserver().Process(target=_run, args=(argv, env, str(log)), daemon=False)
    process.start()
    return Child(process)
