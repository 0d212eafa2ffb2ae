"""dbt commands on a test world without dbt's start-up and parse each time.

A `dbt` process spends about 2.3 s importing itself and 1-3 s reading its saved parse before
it runs a node: `dbt run` of the incremental models on the test world took 9.0 s as a
process, 4.8 s forked from a process that had parsed. `ForkedDbt` starts one server process
per warehouse (dbt's parse depends on its profile, so on the warehouse's path) that imports
dbt and parses the project once, then forks a child for each command. That is dbt's
programmatic invocation with the parsed manifest reused (`dbtRunner(manifest=...)`,
https://docs.getdbt.com/reference/programmatic-invocations#reusing-objects): the same dbt
code, project, profile, hooks and DuckDB plugin as a `dbt` process. The child ends with its
command, and dbt's DuckDB connection with it.

The server is a fresh process (multiprocessing's spawn), not a fork of the test worker: a
child forked from a worker that had used DuckDB died of SIGSEGV as dbt opened its connection
(DuckDB's threads do not survive a fork). The server itself never opens a database.

Tests of dbt as a data engineer runs it, a process in the project folder, use
`conftest.run_dbt`.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import tempfile
import traceback
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import DBT_PROJECT_DIR


@dataclass
class DbtResult:
    """What the tests read of a dbt command: its exit status as dbt's CLI gives it (0 done,
    1 a node failed, 2 dbt itself failed) and its console output."""

    returncode: int
    stdout: str


def _where(target: str) -> list[str]:
    project = str(DBT_PROJECT_DIR)
    return ["--project-dir", project, "--profiles-dir", project, "--target-path", target]


def _run_child(manifest, args: list[str], target: str, log: str) -> None:
    """In the forked child: `dbt <args>` with the server's manifest, its output to `log`;
    then out with dbt's exit status, whatever happened."""
    code = 2
    try:
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        sys.stdout = sys.stderr = open(1, "w", buffering=1, closefd=False)  # noqa: SIM115
        from dbt.cli.main import dbtRunner

        result = dbtRunner(manifest=manifest).invoke([*args, *_where(target)])
        code = 0 if result.success else 1 if result.exception is None else 2
        if result.exception is not None:
            print(f"dbt failed: {result.exception!r}")
    except BaseException:
        traceback.print_exc()
    finally:
        with contextlib.suppress(BaseException):
            sys.stdout.flush()
        os._exit(code)


def _serve(conn, warehouse: str, target: str) -> None:
    """The server: parse once, then for each (args, log) received fork a child to run it,
    telling its pid, then its exit status. None received: done."""
    os.environ["BKWH_WAREHOUSE_PATH"] = warehouse
    from dbt.cli.main import dbtRunner

    parsed = dbtRunner().invoke(["parse", "--quiet", *_where(target)])
    conn.send(None if parsed.success else repr(parsed.exception))
    while (message := conn.recv()) is not None:
        args, log = message
        pid = os.fork()
        if pid == 0:
            conn.close()
            _run_child(parsed.result, args, target, log)
        conn.send(pid)
        _, status = os.waitpid(pid, 0)
        conn.send(os.waitstatus_to_exitcode(status))


class ForkedDbt:
    """dbt on the warehouse `warehouse`, its artifacts in `target` (as `--target-path`:
    run_results.json, the compiled and run SQL)."""

    def __init__(self, warehouse: Path, target: Path):
        self.warehouse, self.target = warehouse, target
        self._conn = self._server = None

    def _start(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, theirs = context.Pipe()
        self._server = context.Process(
            target=_serve, args=(theirs, str(self.warehouse), str(self.target)), daemon=True
        )
        self._server.start()
        theirs.close()
        failed = self._conn.recv()
        assert failed is None, f"dbt parse failed: {failed}"

    def __call__(self, args: list[str], timeout: float = 600) -> DbtResult:
        """`dbt <args>` in a child of the server, its output captured."""
        if self._server is None:
            self._start()
        fd, log = tempfile.mkstemp(prefix="dbt-", suffix=".log")
        os.close(fd)
        try:
            self._conn.send((args, log))
            pid = self._conn.recv()
            if not self._conn.poll(timeout):
                os.kill(pid, signal.SIGKILL)
                self._conn.recv()
                said = Path(log).read_text(encoding="utf-8", errors="replace")
                raise TimeoutError(f"dbt {' '.join(args)} ran past {timeout} s:\n{said[-3000:]}")
            code = self._conn.recv()
            return DbtResult(code, Path(log).read_text(encoding="utf-8", errors="replace"))
        finally:
            os.unlink(log)

    def close(self) -> None:
        if self._server is not None:
            self._conn.send(None)
            self._server.join(timeout=30)
            self._server = None
