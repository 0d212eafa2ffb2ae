"""Plan a refresh before starting it: which files are new, which months they are for, and
whether the publication is current.

Read-only and quick (no Dagster, no Great Expectations, no dbt): `bkwh run` asks first, and
when nothing is new and the publication was built from what the warehouse holds with the
code as it is, it says so and stops. Otherwise the refresh covers only the months that have
new files of the person-level sources (or the latest month, when only other sources have).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import duckdb

from pipeline.config import Settings, sources_config
from pipeline.files import is_held_elsewhere
from pipeline.ingest import loadlog
from pipeline.ingest.discover import MonthFilter, discover, file_month, stray_files
from pipeline.pdf import missing_libraries
from pipeline.privacy import hide_person_ids
from pipeline.state import (
    REBUILD_UNPASSED,
    code_fingerprint,
    dbt_is_current,
    inputs_fingerprint,
    made_from,
    publication_of,
    unfinished_build,
)
from pipeline.suites import source_names


@dataclass
class Plan:
    new_files: dict[str, list[str]] = field(default_factory=dict)  # source -> new files
    months: list[str] = field(default_factory=list)  # of new person-level files, 'YYYY-MM'
    is_published: bool = False  # the publication was built from the warehouse and code as is
    reason: str = ""
    busy: str | None = None  # the warehouse could not be read: nothing is known
    dbt_is_current: bool = False  # the marts were built by a passing dbt build from all this
    stray_files: list[str] = field(default_factory=list)  # in landing, in no source's folder

    @property
    def publish_only(self) -> bool:
        """Only the publish and the report are behind (one of them did not finish)."""
        return not self.busy and not self.new_files and self.dbt_is_current

    @property
    def nothing_to_do(self) -> bool:
        return not self.busy and not self.new_files and self.is_published

    @property
    def n_new(self) -> int:
        return sum(len(v) for v in self.new_files.values())


def plan_refresh(
    settings: Settings, sources: list[str] | None = None, months: MonthFilter | None = None
) -> Plan:
    plan = Plan()
    if not settings.warehouse_path.exists():
        plan.reason = "no warehouse yet"
        return _with_new_files(plan, settings, None, sources, months)
    try:
        con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    except duckdb.IOException as e:
        if not is_held_elsewhere(str(e)):
            raise  # not a database, or unreadable: said as it is, not as "in use"
        # held by another process: the refresh waits its turn
        plan.busy = f"the warehouse is in use ({str(e).splitlines()[0]})"
        plan.reason = plan.busy
        return plan
    with con:
        if not loadlog.exists(con):
            plan.reason = "nothing loaded yet"
            return _with_new_files(plan, settings, None, sources, months)
        _with_new_files(plan, settings, con, sources, months)
        published = publication_of(settings.analytics_path)
        inputs = inputs_fingerprint(con)
        outputs = [settings.report_path, settings.workbook_path]
        if not missing_libraries():  # where no PDF can be made, its absence is not news
            outputs.append(settings.report_pdf_path)
        if published is None:
            plan.reason = "nothing published yet"
        elif published.inputs is None:
            plan.reason = "the published marts were not built by a recorded dbt build"
        elif published.inputs != inputs:
            plan.reason = "the warehouse holds deliveries the publication was not built from"
        elif published.code != code_fingerprint():
            plan.reason = "the dbt project, the publish step or the report changed"
        elif not all(p.exists() for p in outputs):
            plan.reason = "the report, its PDF or the workbook is missing"
        elif {
            made_from(settings.report_dir, "report"),
            made_from(settings.export_dir, "exports"),
        } != {published.published_at}:
            plan.reason = "the report or the exports were not made from the publication"
        else:
            plan.is_published = True
            plan.reason = "the publication is current"
            # a dbt build that failed or died since (by hand, or a refresh killed with nothing
            # new after it) left marts publish refuses; the publication stays the last good
            # one, and a refresh without new files does not build them again: said, so that
            # the warehouse's marts are not taken for the publication's (session 60, item 5)
            if (started := unfinished_build(con)) is not None:
                plan.reason += (
                    f"; the warehouse's marts are from a dbt build of {started} that did not "
                    "pass, which publish refuses until a whole build passes with its data "
                    f"tests ({REBUILD_UNPASSED})"
                )
        plan.dbt_is_current = dbt_is_current(con, inputs)
    return plan


def _with_new_files(plan, settings, con, sources, months) -> Plan:
    if con is None:
        con = duckdb.connect()  # an empty load log: every file is new
        con.execute("create schema raw")
        from pipeline.ingest.loadlog import DDL

        con.execute(DDL)
    new, _ = discover(con, settings.landing_dir, sources, months)
    known = set(source_names())
    new = [d for d in new if d.source in known]  # a folder no suite names is stray
    plan.stray_files = stray_files(settings.landing_dir)
    found: dict[str, list[str]] = defaultdict(list)
    for d in new:  # a name holding a CPR-shaped number by its shape (the ingest renames it)
        found[d.source].append(hide_person_ids(d.name))
    plan.new_files = dict(found)
    monthly = set(sources_config()["partitions"]["monthly_sources"])
    plan.months = sorted(
        {m for d in new if d.source in monthly and (m := file_month(d.source, d.name))}
    )
    return plan
