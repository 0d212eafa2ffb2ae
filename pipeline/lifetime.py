"""A child process that ends when the process that started it dies.

A refresh runs `dbt build` as a child process (dagster-dbt). When the refresh was killed
alone (SIGKILL to its pid, as the OOM killer does, not to its process group), dbt went on:
measured on the sample, December 2026, a build killed at the failpoint `dbt.building` ran on
for 16-19 s, writing to the warehouse with no refresh left to record or publish what it
built, and holding the warehouse's lock against the next refresh that came to recover.

A dbt that Dagster started now watches its parent from its plugin (pipeline/dbt_plugin.py,
loaded after dbt's start and parse, as dbt-duckdb sets up the warehouse) and ends itself with
SIGTERM (dbt handles only SIGINT: SIGTERM ends it at once) within half a second of the
parent's death: 1 s, measured as above. A parent that dies in the second or two before the
plugin loads is not seen (dbt then finds itself a child of init, and runs on as before).

Linux's own way, prctl PR_SET_PDEATHSIG, was tried first and did not fire here: the kernel
ties it to the thread that asked, and dbt loads its plugins in a worker thread
(ThreadPoolExecutor-0_0), which, it seems, ends before the build does.
"""

from __future__ import annotations

import os
import signal
import threading
import time

POLL_S = 0.5


def end_with_parent(sig: signal.Signals = signal.SIGTERM, poll_s: float = POLL_S) -> bool:
    """From now on, raise `sig` in this process within `poll_s` of its parent's death;
    whether a parent was there to watch (a process whose parent is init, 1, has none)."""
    parent = os.getppid()
    if parent == 1:
        return False

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(poll_s)
        os.kill(os.getpid(), sig)

    threading.Thread(target=watch, name="end-with-parent", daemon=True).start()
    return True
