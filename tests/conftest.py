"""Shared fixtures: a small generated world, built once through the real refresh job.

Everything is real: DuckDB files in temporary folders, dbt as a subprocess through
dagster-dbt, Great Expectations suites, the Dagster job executed in-process.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipeline.config import Settings

# A small world: 21 months, so that indicators needing 52 weeks of history plus 26 weeks of
# follow-up (1.5) have a value in the latest month.
# The first month starts on a Wednesday: the register's first week (Monday 30 October 2023)
# reaches into the month before, as full-history samples do (2019-01 starts on 31 December).
WORLD = {"seed": 7, "scale": 0.05, "start": "2023-11", "end": "2025-06"}


@dataclass
class Env:
    root: Path
    settings: Settings


def use_root(mp: pytest.MonkeyPatch, root: Path) -> Env:
    for k, v in Settings.env_for_root(root).items():
        mp.setenv(k, v)
    mp.delenv("BKWH_PSEUDONYM_KEY", raising=False)
    mp.delenv("DAGSTER_HOME", raising=False)
    return Env(root, Settings.from_env())


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tables_checksum(path: Path) -> dict[str, str]:
    """A checksum of each table's content (rows sorted), opened read-only."""
    import duckdb

    out = {}
    with duckdb.connect(str(path), read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables order by all"
        ).fetchall()
        for schema, table in tables:
            rows = con.execute(f'select * from "{schema}"."{table}"').fetchall()
            text = "\n".join(sorted(repr(r) for r in rows))
            out[f"{schema}.{table}"] = hashlib.sha256(text.encode()).hexdigest()
    return out


@pytest.fixture(scope="session")
def sample_landing(tmp_path_factory) -> Path:
    """The generated landing folder; tests copy it, never change it."""
    from pipeline.sample.generate import generate

    landing = tmp_path_factory.mktemp("sample") / "landing"
    generate(landing, **WORLD)
    return landing


@pytest.fixture(scope="session")
def built(tmp_path_factory, sample_landing) -> Iterator[Env]:
    """A world carried through the whole refresh job once: read-only for the tests."""
    from orchestration.run import run_refresh_job

    root = tmp_path_factory.mktemp("built")
    shutil.copytree(sample_landing, root / "landing")
    with pytest.MonkeyPatch.context() as mp:
        env = use_root(mp, root)
        assert run_refresh_job(env.settings), "the refresh job failed on the sample world"
        yield env


@pytest.fixture
def fresh(tmp_path, monkeypatch, sample_landing) -> Env:
    """An empty warehouse with its own copy of the sample landing folder."""
    shutil.copytree(sample_landing, tmp_path / "landing")
    return use_root(monkeypatch, tmp_path)


def copy_world(built: Env, root: Path) -> None:
    """Copy the built world's landing, warehouse and analytics files into `root`."""
    for name in ("landing", "warehouse.duckdb", "analytics.duckdb"):
        src = built.root / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, root / name)


@pytest.fixture
def rebuilt(tmp_path, monkeypatch, built) -> Env:
    """A copy of the built world (warehouse, analytics, landing) that a test may change."""
    copy_world(built, tmp_path)
    return use_root(monkeypatch, tmp_path)


os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
os.environ.setdefault("DO_NOT_TRACK", "1")
