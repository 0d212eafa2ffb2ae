"""The refresh's two logs: a few lines of progress on the console, everything in a file.

The console shows the `bkwh.progress` lines (one per source loaded, the dbt summary, publish,
report, the final summary) and every error of this project's code; the full log (DEBUG:
Dagster's events, dbt's lines, Great Expectations, DuckDB) goes to
`<log dir>/refresh-<time>.log`, and `refresh.log` beside it points at the newest one.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TextIO

progress = logging.getLogger("bkwh.progress")

QUIET = (
    "great_expectations",
    "alembic",
    "dagster",
    "urllib3",
    "httpx",
    "matplotlib",
    "filelock",
)


class _Console(logging.Filter):
    """Progress, and errors and warnings of this project's own code."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("bkwh"):
            return True
        return record.levelno >= logging.WARNING and record.name.startswith("pipeline")


def setup(log_dir: Path | None = None, verbose: bool = False) -> Path | None:
    """Console progress; with `log_dir`, the full log in a new file there (returned)."""
    root = logging.getLogger()
    for h in list(root.handlers):
        root.removeHandler(h)
    root.setLevel(logging.DEBUG)
    console = logging.StreamHandler(sys.__stderr__)
    console.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    console.setLevel(logging.DEBUG if verbose else logging.INFO)
    if not verbose:
        console.addFilter(_Console())
    root.addHandler(console)
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.INFO)
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    if log_dir is None:
        return None
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / f"refresh-{datetime.now():%Y%m%dT%H%M%S}-{os.getpid()}.log"
    to_file = logging.FileHandler(path, encoding="utf-8")
    to_file.setLevel(logging.DEBUG)
    to_file.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(to_file)
    # Dagster's console logger writes each event to the file itself (through `captured`)
    logging.getLogger("dagster.builtin").propagate = False
    latest = log_dir / "refresh.log"
    with contextlib.suppress(OSError):
        latest.unlink(missing_ok=True)
        latest.symlink_to(path.name)
    return path


@contextlib.contextmanager
def captured(path: Path | None) -> Iterator[TextIO | None]:
    """What libraries print (Dagster's console logger, dbt's lines) goes to the log file."""
    if path is None:
        yield None
        return
    with (
        open(path, "a", encoding="utf-8", buffering=1) as f,
        contextlib.redirect_stdout(f),
        contextlib.redirect_stderr(f),
    ):
        yield f
