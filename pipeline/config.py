"""Paths and settings, each overridable by an environment variable.

Defaults are relative to the repository root so that `make run`, `dbt build` in
`dbt_project/` and Dagster all agree on where the data lives.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
EXPECTATIONS_DIR = REPO_ROOT / "expectations"
SEEDS_DIR = DBT_PROJECT_DIR / "seeds"

# The sample generator writes this marker into landing; only then may ingest fall back to the
# documented, non-secret sample key. Real deliveries need BKWH_PSEUDONYM_KEY.
SAMPLE_MARKER = "SAMPLE_DATA.json"
SAMPLE_START = "2019-01"  # the generated sample's first month, by default
SAMPLE_PSEUDONYM_KEY = "ballerup-sample-key-not-secret"

REPORT_NAME = "index.html"
REPORT_PDF_NAME = "rapport.pdf"
WORKBOOK_NAME = "indikatorer.xlsx"


def read_yaml(path: Path) -> Any:
    """A YAML file, read with libyaml's C loader where PyYAML was built with it (the pure
    Python loader took 0.6 s of each publish for the dbt models' YAML; the C one 0.06 s)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)


@cache
def sources_config() -> dict[str, Any]:
    """sources.yml: each landing source's cadence, the schedule, the monthly partitions."""
    return read_yaml(REPO_ROOT / "sources.yml")


def local_zone() -> ZoneInfo:
    """The jobcentre's time zone (sources.yml, schedule.timezone): the schedule's, the
    report's clock, and the date a period is judged against."""
    return ZoneInfo(sources_config()["schedule"]["timezone"])


def local_today(now: datetime | None = None) -> date:
    """Today (or the day of `now`, an aware time) in the jobcentre's time zone, not the
    machine's (UTC on a server): from midnight to 01:00 or 02:00 Danish time the machine's
    date is still yesterday's, and a benchmark delivered then for the month just ended was
    refused as not ended yet."""
    return (now or datetime.now(UTC)).astimezone(local_zone()).date()


@cache
def extracts_config() -> dict[str, Any]:
    """extracts.yml: which Jobindsats and StatBank tables are read, fetched and generated."""
    return read_yaml(REPO_ROOT / "extracts.yml")


def statbank_area_variable(conf: dict[str, Any]) -> str:
    """A StatBank table's area variable: extracts.yml's `area_variable` (HFUDD11's BOPOMR),
    OMRÅDE where it names none."""
    return conf.get("area_variable", "OMRÅDE")


def dst_area_code(code: int | str) -> str:
    """An area as StatBank's codes write it: three digits ('0' -> '000', '84' -> '084')."""
    return f"{int(code):03d}"


def read_seed(name: str) -> list[dict[str, str]]:
    """A dbt seed's rows (dbt_project/seeds/<name>.csv), each cell as its text."""
    with open(SEEDS_DIR / f"{name}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def dbt_var(name: str) -> int | float:
    """A number var of the dbt project (the small-cell limit, the persons a verdict needs),
    for what Python computes or explains beside the models: as the YAML writes it (5 an
    int, 1.0e-6 a float)."""
    value = _dbt_vars()[name]
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise TypeError(f"dbt var {name} is {value!r}, not a number")
    return value


@cache
def _dbt_vars() -> dict[str, Any]:
    return read_yaml(DBT_PROJECT_DIR / "dbt_project.yml")["vars"]


def dbt_vars() -> dict[str, Any]:
    """Every var of dbt_project.yml as the YAML writes it (a copy)."""
    return dict(_dbt_vars())


def revision_months(source: str) -> int:
    """How many of its latest months `source` still revises: `meta.revision_months` of its
    dbt source YAML (models/staging/<source>/_<source>__sources.yml), the one place that
    says it (the models mark those months provisional; the monthly extract asks them again)."""
    path = DBT_PROJECT_DIR / "models" / "staging" / source / f"_{source}__sources.yml"
    [entry] = [s for s in read_yaml(path)["sources"] if s["name"] == source]
    return int(entry["meta"]["revision_months"])


def dbt_executable() -> str:
    """The dbt installed beside this interpreter: found even when the venv is not on PATH."""
    beside = Path(sys.executable).with_name("dbt")
    return str(beside) if beside.exists() else "dbt"


def _path(var: str, default: str) -> Path:
    value = os.environ.get(var)
    path = Path(value) if value else REPO_ROOT / default
    return path.resolve()


@dataclass(frozen=True)
class Settings:
    landing_dir: Path
    quarantine_dir: Path
    warehouse_path: Path
    analytics_path: Path
    report_dir: Path
    log_dir: Path
    export_dir: Path

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            landing_dir=_path("BKWH_LANDING_DIR", "data/landing"),
            quarantine_dir=_path("BKWH_QUARANTINE_DIR", "data/quarantine"),
            warehouse_path=_path("BKWH_WAREHOUSE_PATH", "data/warehouse.duckdb"),
            analytics_path=_path("BKWH_ANALYTICS_PATH", "data/analytics.duckdb"),
            report_dir=_path("BKWH_REPORT_DIR", "reports/output"),
            log_dir=_path("BKWH_LOG_DIR", "data/logs"),
            export_dir=_path("BKWH_EXPORT_DIR", "data/exports"),
        )

    @staticmethod
    def env_for_root(root: Path) -> dict[str, str]:
        """Environment that puts every path of the warehouse under one folder."""
        return {
            "BKWH_LANDING_DIR": str(root / "landing"),
            "BKWH_QUARANTINE_DIR": str(root / "quarantine"),
            "BKWH_WAREHOUSE_PATH": str(root / "warehouse.duckdb"),
            "BKWH_ANALYTICS_PATH": str(root / "analytics.duckdb"),
            "BKWH_REPORT_DIR": str(root / "report"),
            "BKWH_LOG_DIR": str(root / "logs"),
            "BKWH_EXPORT_DIR": str(root / "exports"),
        }

    @property
    def report_path(self) -> Path:
        """The committee report (HTML)."""
        return self.report_dir / REPORT_NAME

    @property
    def report_pdf_path(self) -> Path:
        """The committee report as PDF (A4, page numbers, contents)."""
        return self.report_dir / REPORT_PDF_NAME

    @property
    def workbook_path(self) -> Path:
        return self.report_dir / WORKBOOK_NAME

    def dbt_env(self) -> dict[str, str]:
        """Environment for a dbt subprocess so its profile points at this warehouse."""
        return {**os.environ, "BKWH_WAREHOUSE_PATH": str(self.warehouse_path)}


class PseudonymKeyMissing(RuntimeError):
    pass


class PseudonymKeyUnusable(RuntimeError):
    """The key as set cannot be the one meant (whitespace around it)."""


class PseudonymKeyMismatch(RuntimeError):
    """The key differs from the one the warehouse's person keys were made with: each person
    would get a second key, and every person-level join would lose them."""


def pseudonym_key(
    settings: Settings,
    person_files: list[tuple[str, str]] = (),
    keyed_with: Callable[[bytes], bool] = lambda key: False,
) -> bytes:
    """The key for the keyed hash of person ids (HMAC-SHA256).

    Real deliveries: BKWH_PSEUDONYM_KEY must be set. The generated sample uses a fixed,
    documented sample key, but only for the files the generator wrote: its marker in landing
    lists each one's SHA-256, and every new file holding person ids (`person_files`: its path
    in landing and its SHA-256) must be one of them. A real extract dropped into a landing
    folder that once held the sample is therefore never keyed with the public sample key.
    """
    key = os.environ.get("BKWH_PSEUDONYM_KEY")
    # a newline kept from a secrets file (an env file, `export K="$(cat f)"` does not) is
    # part of the key as the environment gives it: every person would be keyed with it, and
    # the same key typed without it would join no one. A warehouse whose person keys were
    # made with it (`keyed_with`: its recorded fingerprint) goes on with it as it is.
    if key and key != key.strip() and not keyed_with(key.encode()):
        raise PseudonymKeyUnusable(
            "BKWH_PSEUDONYM_KEY begins or ends with whitespace (a space, tab or newline, "
            f"{len(key) - len(key.strip())} character(s)), which would be part of the key. "
            "Nothing was read. Set it without the whitespace."
        )
    if key:
        return key.encode()
    marker = settings.landing_dir / SAMPLE_MARKER
    if not marker.exists():
        raise PseudonymKeyMissing(
            "BKWH_PSEUDONYM_KEY is not set. Person ids (CPR) are replaced by a keyed hash at "
            f"ingest, and {settings.landing_dir} holds real extracts (no {SAMPLE_MARKER} "
            "marker). Set BKWH_PSEUDONYM_KEY to the secret key kept by the jobcentre and run "
            "again."
        )
    generated = json.loads(marker.read_text(encoding="utf-8")).get("sha256", {})
    foreign = [path for path, sha in person_files if generated.get(path) != sha]
    if foreign:
        raise PseudonymKeyMissing(
            f"BKWH_PSEUDONYM_KEY is not set, and {len(foreign)} new file(s) with person ids in "
            f"{settings.landing_dir} were not written by the sample generator (first: "
            f"{sorted(foreign)[0]}; {SAMPLE_MARKER} lists what it wrote). The public sample "
            "key is only for the generated sample. Set BKWH_PSEUDONYM_KEY to the secret key "
            "kept by the jobcentre, and load real extracts into a warehouse of their own."
        )
    return SAMPLE_PSEUDONYM_KEY.encode()
