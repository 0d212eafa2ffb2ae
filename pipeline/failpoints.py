"""Named pause points where the crash-safety tests kill a refresh (SIGKILL) at a known moment.

A failpoint does nothing unless `BKWH_FAILPOINT` names it, as `<name>@<folder>`. Then the
process writes `<folder>/<name>.reached` (holding its pid) and waits until
`<folder>/<name>.release` exists (or five minutes pass). The tests kill the process while it
waits, which puts the kill inside a load transaction, a `dbt build` or a publish instead of
wherever a timer happens to land.

`<name>:raise` instead makes the point raise `FailpointError`: an error at that moment (a
full disk, a lost connection) rather than a killed process, for tests that run in-process.

The points: `ingest.before_commit` (rows inserted, transaction open), `dbt.building` (dbt has
built its first nodes and is still running), `publish.before_swap` (the new analytics file is
written aside, the old one not yet replaced), `publish.after_swap` (the new one swapped in,
its exports, alert and report not yet made), `publish.exporting` (one table's export written
aside, the others not yet), `report.workbook` (the report's page written aside, its workbook
not yet).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

ENV_VAR = "BKWH_FAILPOINT"
MAX_WAIT_S = 300


class FailpointError(RuntimeError):
    """Raised at a failpoint named `<name>:raise`."""


def failpoint(name: str) -> None:
    spec = os.environ.get(ENV_VAR)
    if not spec:
        return
    if spec == f"{name}:raise":
        raise FailpointError(f"failpoint {name}")
    wanted, _, folder = spec.partition("@")
    if wanted != name:
        return
    signals = Path(folder or ".")
    signals.mkdir(parents=True, exist_ok=True)
    (signals / f"{name}.reached").write_text(str(os.getpid()))
    deadline = time.monotonic() + MAX_WAIT_S
    while not (signals / f"{name}.release").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
