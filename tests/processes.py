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

import contextlib
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
from conftest import Env

from pipeline.config import Settings

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


BKWH = str(Path(sys.executable).with_name("bkwh"))


def bkwh_env(env: Env, home: Path | None, failpoint: str | None = None, **extra) -> dict:
    """The environment of a refresh of `env`'s world: its paths, the Dagster instance at
    `home` (none: a throw-away one), a failpoint to stop at, and `extra` variables."""
    run_env = {**os.environ, **Settings.env_for_root(env.root), **extra}
    run_env.pop("DAGSTER_HOME", None)
    if home is not None:
        run_env["DAGSTER_HOME"] = str(home)
    if failpoint:
        run_env["BKWH_FAILPOINT"] = f"{failpoint}@{env.root / 'signals'}"
    return run_env


def start(
    env: Env,
    log: Path,
    failpoint: str | None = None,
    home: Path | None = None,
    args: list[str] | None = None,
    real: bool = False,
    **extra,
):
    """`bkwh run` in a process of its own: forked with its imports done (`start_bkwh`), or
    `real`ly, the installed command; or another command (`args`)."""
    run_env = bkwh_env(env, home, failpoint, **extra)
    if args is None and not real:
        return start_bkwh(["run"], run_env, log)
    return subprocess.Popen(
        args or [BKWH, "run"],
        env=run_env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: dbt dies with it
    )


def wait_for_text(proc: subprocess.Popen, log: Path, text: str, timeout: float = 300) -> None:
    """Until the process has written `text` to its log; it must not end before."""
    deadline = time.monotonic() + timeout
    while text not in log.read_text():
        assert proc.poll() is None, f"ended before saying {text!r}:\n{log.read_text()[-3000:]}"
        assert time.monotonic() < deadline, f"never said {text!r}:\n{log.read_text()[-3000:]}"
        time.sleep(0.2)


def kill(proc: subprocess.Popen) -> None:
    """SIGKILL to the process's whole group (its dbt too), as a crash or an OOM kill does."""
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)


def dbt_of(proc) -> psutil.Process | None:
    """The `dbt build` process a refresh started, once it runs."""
    for child in psutil.Process(proc.pid).children(recursive=True):
        with contextlib.suppress(psutil.Error):
            line = child.cmdline()
            if "build" in line and any(Path(a).name == "dbt" for a in line[:2]):
                return child
    return None


def has_ended(process: psutil.Process) -> bool:
    """Gone, or a zombie its parent has not yet waited for."""
    try:
        return not process.is_running() or process.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True
