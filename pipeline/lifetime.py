"""The dbt a refresh starts ends when the refresh dies, from its first instant.

A refresh runs `dbt build` as a child process (dagster-dbt). When the refresh was killed
alone (SIGKILL to its pid, as the OOM killer does, not to its process group), dbt went on:
measured on the sample, December 2026, a build killed at the failpoint `dbt.building` ran on
for 16-19 s, writing to the warehouse with no refresh left to record or publish what it
built, and holding the warehouse's lock against the next refresh that came to recover.

The refresh's dbt resource therefore starts `bkwh-dbt` (this module's `main`, a console
script) instead of dbt: it asks Linux for SIGTERM at its parent's death (prctl
PR_SET_PDEATHSIG; dbt handles only SIGINT, so SIGTERM ends it at once) and then becomes dbt
(exec, which keeps the request). The kernel ties the request to the thread that made it,
here the process's one thread before dbt starts any, and fires it when the thread that
started the process ends, here the refresh's worker thread, which waits for dbt to finish
(orchestration/run.py; a Dagster run worker runs its steps in its main thread).

It replaces a watcher thread that dbt's DuckDB plugin started after dbt's start and parse
(a few seconds, twenty after the project changed): a refresh killed alone in those seconds
left its dbt to build on to its end. A first try of prctl, from that plugin, did not fire:
the plugin runs in one of dbt's worker threads, which ends before the build does.

A dbt an analyst starts (`cd dbt_project && dbt build`) is dbt itself, and is left alone.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

from pipeline.config import dbt_executable

# <linux/prctl.h>
PR_SET_PDEATHSIG = 1
# the pid of the process that starts bkwh-dbt, set by it (orchestration/defs/transform):
# a parent that died before the request was made is seen by its pid
PARENT_ENV = "BKWH_DBT_PARENT_PID"


def end_with_parent(sig: signal.Signals = signal.SIGTERM) -> bool:
    """Ask the kernel to send `sig` to this process when its parent dies; whether it could
    (Linux only: elsewhere the dbt of a refresh killed alone runs on, as before)."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    return True


def main() -> None:
    """`bkwh-dbt ARGS`: dbt with ARGS, ended with SIGTERM when its parent dies."""
    parent = os.environ.get(PARENT_ENV)
    if end_with_parent() and parent and os.getppid() != int(parent):
        # the parent died between starting this process and the request above
        sys.exit(f"bkwh-dbt: the process that started dbt ({parent}) is gone: dbt not started")
    dbt = dbt_executable()
    os.execvp(dbt, [dbt, *sys.argv[1:]])
