"""`bkwh-dbt`, the dbt a refresh starts (pipeline/lifetime.py): dbt itself, with its
arguments, unless the process that started it is already gone. That it ends when its
refresh is killed, in its first instant, is tests/test_crash.py's last scenario."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.lifetime import PARENT_ENV

pytestmark = pytest.mark.seconds(3)  # ordering only (conftest.py)

BKWH_DBT = str(Path(sys.executable).with_name("bkwh-dbt"))


def _bkwh_dbt(parent: int) -> subprocess.CompletedProcess:
    env = {**os.environ, PARENT_ENV: str(parent)}
    return subprocess.run(
        [BKWH_DBT, "--version"], env=env, capture_output=True, text=True, timeout=60
    )


def test_bkwh_dbt_is_dbt_with_its_arguments():
    done = _bkwh_dbt(os.getpid())
    assert done.returncode == 0, done.stderr
    assert "Core:" in done.stdout and "duckdb:" in done.stdout, done.stdout


def test_bkwh_dbt_whose_starter_is_gone_starts_no_dbt():
    # named a process that is not its parent: the one that started it died before it asked
    # to end with it, and would not be seen dying
    done = _bkwh_dbt(os.getpid() + 1_000_000)
    assert done.returncode != 0
    assert "is gone: dbt not started" in done.stderr, done.stderr
    assert "Core:" not in done.stdout
