"""Publish: copy the marts into a new analytics file and swap it in atomically.

Called only after `dbt build` (models and tests) has passed: dbt writes a model's table
before its tests run, so the working warehouse may hold a table that failed its tests; the
published file never does. Analysts open `analytics.duckdb` read-only; `os.replace` swaps
the file under them, and they keep reading the version they opened until they reconnect.
A publish killed before the swap leaves the old file in place and a stray temporary file,
which the next publish removes.

Small cells: a value whose numerator or denominator is small (macro is_small_cell: 1 to 4
persons, under 5 fuldtidspersoner) is published as NULL with `is_suppressed = true`, and so
are those counts themselves and the value's interval. The secondary suppression
(complements, breakdowns that add up to their total) is decided once,
in fct_indicator_values, and every per-indicator table takes its flags from there.

Each published table and column carries its description from the dbt YAML as a DuckDB
comment (`duckdb_columns()` shows them; so do DBeaver and the DuckDB CLI's `.schema`), and
after the swap every table is also exported as `<export dir>/<table>.parquet` for BI tools.
The publish's own tables, `_publication` (when, from what) and `_revisions` (the figures
changed since the month before's report, described by its own comments), are in the file
only.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import duckdb

from pipeline.config import DBT_PROJECT_DIR, Settings, dbt_var, read_yaml
from pipeline.definitions import current_fingerprints
from pipeline.failpoints import failpoint
from pipeline.files import fsync_dir, fsync_file, installed_together, is_held_elsewhere
from pipeline.state import (
    REBUILD_UNPASSED,
    built_from_inputs,
    code_fingerprint,
    stamp_made_from,
    unfinished_build,
)
from pipeline.suppression import KEY, PERSONS, is_small_sql

log = logging.getLogger(__name__)

PUBLISHED_SCHEMA = "marts"


class PublishError(RuntimeError):
    """The marts cannot be published as they are; the last publication stays."""


COUNT_COLUMNS = ("numerator", "denominator")
# columns that identify or describe a person: a mart holding one is person-level, and nothing
# person-level is published (DESIGN.md). Fail closed: the publish refuses it, whatever the
# model (helper-114 planted marts.int_spells(person_key, birth_date): it was published)
PERSON_COLUMN = re.compile(
    r"person_(key|id|hash)|cpr\w*|\w*birth\w*|f(ø|oe)dsels?dato", re.IGNORECASE
)
# the long table every indicator is in, and the key of one of its cells (DESIGN.md's contract)
VALUES_TABLE = "fct_indicator_values"
CELL_KEY = ("indicator_id", "period", "period_type", "area_code", "breakdown", "breakdown_value")
# blanked with the counts in a suppressed cell: the value, and its interval (which would
# give the value away) with what that interval is and the design effect it took (no interval
# is shown)
VALUE_COLUMNS = ("value", "ci_lower", "ci_upper", "interval_method", "design_effect")


@dataclass
class PublishResult:
    path: Path
    tables: dict[str, int]
    suppressed_cells: int
    published_at: str
    exports: list[Path]


_DOCS_BLOCK = re.compile(r"{%\s*docs\s+(\w+)\s*%}(.*?){%\s*enddocs\s*%}", re.S)
_DOC_CALL = re.compile(r"{{\s*doc\(\s*['\"](\w+)['\"]\s*\)\s*}}")


@cache
def docs_blocks() -> dict[str, str]:
    """The project's `{% docs %}` blocks (models/**/*.md), by name."""
    out: dict[str, str] = {}
    for path in sorted((DBT_PROJECT_DIR / "models").rglob("*.md")):
        for name, text in _DOCS_BLOCK.findall(path.read_text(encoding="utf-8")):
            out[name] = text.strip()
    return out


def model_docs() -> dict[str, tuple[str, dict[str, str]]]:
    """Each dbt model's description and its columns' descriptions, from the models' YAML,
    with `{{ doc('…') }}` replaced by its docs block, as dbt renders it."""
    blocks = docs_blocks()

    def render(text: str | None) -> str:
        text = _DOC_CALL.sub(lambda m: blocks[m.group(1)], text or "")
        return " ".join(text.split())

    out: dict[str, tuple[str, dict[str, str]]] = {}
    for path in sorted((DBT_PROJECT_DIR / "models").rglob("*.yml")):
        doc = read_yaml(path) or {}
        for model in doc.get("models") or []:
            columns = {c["name"]: render(c.get("description")) for c in model.get("columns") or []}
            out[model["name"]] = (render(model.get("description")), columns)
    return out


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def column_description(docs: dict, table: str, column: str) -> str:
    """A published column's description: its own in the model's YAML, else the project's
    docs block `col_<column>` (the indicator contract's columns are described once, in
    models/marts/_marts__docs.md, and every indicator model returns them)."""
    own = docs.get(table, ("", {}))[1].get(column)
    if own:
        return own
    return " ".join(docs_blocks().get(f"col_{column}", "").split())


def _comment(con: duckdb.DuckDBPyConnection, table: str, columns: list[str], docs: dict) -> None:
    described = docs.get(table, ("", {}))[0]
    if described:
        con.execute(f'comment on table {PUBLISHED_SCHEMA}."{table}" is {_quote(described)}')
    for column in columns:
        text = column_description(docs, table, column)
        if text:
            con.execute(
                f'comment on column {PUBLISHED_SCHEMA}."{table}"."{column}" is {_quote(text)}'
            )


# The watermark of an incremental model (dbt macro newest_load: the newest load its build had
# seen), which tells its next build what is new, and the persons behind an events model's
# counts (1.2, 5.3, 5.6: the small-cell rule's, suppression.PERSONS, which may be 1 to 4 where the
# count is not): not figures, and not published.
BUILD_COLUMNS = ("loaded_through", *PERSONS)


def _mart_columns(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Each warehouse mart table's columns, in their order (one catalogue query: one per
    table took 6 ms each, twice over), but the build's own (BUILD_COLUMNS)."""
    out: dict[str, list[str]] = {}
    for table, column in con.execute(
        "select c.table_name, c.column_name from information_schema.columns as c "
        "join information_schema.tables as t using (table_catalog, table_schema, table_name) "
        "where c.table_catalog = 'wh' and c.table_schema = ? and t.table_type = 'BASE TABLE' "
        "and c.column_name not in (select unnest(?)) "
        "order by c.table_name, c.ordinal_position",
        [PUBLISHED_SCHEMA, list(BUILD_COLUMNS)],
    ).fetchall():
        out.setdefault(table, []).append(column)
    return out


def _published_select(table: str, cols: list[str]) -> str:
    if "is_suppressed" not in cols:
        if any(c in COUNT_COLUMNS for c in cols):
            # fail closed: a table of counts without the small-cell flag is not published
            raise PublishError(
                f"marts.{table} has counts ({', '.join(COUNT_COLUMNS)}) but no is_suppressed "
                "column; "
                "add {{ is_small_cell() }} as is_suppressed to the model"
            )
        return ", ".join(f'"{c}"' for c in cols)
    out = []
    for c in cols:
        if c in VALUE_COLUMNS or c in COUNT_COLUMNS:
            out.append(f'case when is_suppressed then null else "{c}" end as "{c}"')
        else:
            out.append(f'"{c}"')
    return ", ".join(out)


def _source(table: str, cols: list[str], tables: list[str]) -> str:
    """What a table is published from. A per-indicator table takes its cells' suppression
    from fct_indicator_values, where the secondary suppression is decided (a cell hidden
    there because a neighbour could be subtracted is hidden in every table that shows it)."""
    relation = f'wh.{PUBLISHED_SCHEMA}."{table}"'
    is_cell_table = {*CELL_KEY, "is_suppressed"} <= set(cols)
    if table == VALUES_TABLE or VALUES_TABLE not in tables or not is_cell_table:
        return relation
    on = " and ".join(f"t.{c} = f.{c}" for c in CELL_KEY)
    return (
        "(select t.* replace (t.is_suppressed or coalesce(f.is_suppressed, false) "
        f"as is_suppressed) from {relation} as t left join wh.{PUBLISHED_SCHEMA}.{VALUES_TABLE} "
        f"as f on {on})"
    )


# The published figures that changed since the committee's last monthly report: each row of
# fct_indicator_values shown both then and now (not blanked as a small cell in either), with
# both values. The sources revise their latest months (dbt sources' meta.revision_months), and a
# corrected delivery revises any month. The baseline is the last publication of an earlier data
# month (the month before's report): a publication of the same data month (a daily delivery of
# the case system, a run again after a crash, new code) carries the baseline's revisions on and
# adds what changed since, so a revision is not lost by a publish the committee never read.
REVISION_KEY = tuple(KEY)  # fct_indicator_values' contract key
REVISIONS_COLUMNS = {
    "indicator_id": ("varchar", "The indicator (marts.dim_indicator)."),
    "period": ("date", "The figure's period (first day; a rolling year's last month)."),
    "period_type": ("varchar", "month, quarter, rolling_year or year."),
    "area_code": ("integer", "The area (marts.dim_area)."),
    "breakdown": ("varchar", "The breakdown ('total' for the figure itself)."),
    "breakdown_value": ("varchar", "The breakdown's group ('I alt' for the total)."),
    "unit": ("varchar", "The figure's unit (seed units)."),
    "value_before": (
        "double",
        "The figure as published in the baseline, revisions_since; empty where is_small_change.",
    ),
    "value": ("double", "The figure as published now."),
    "numerator_before": (
        "double",
        "The baseline's numerator (the figure's count); empty where is_small_change.",
    ),
    "denominator_before": (
        "double",
        "The baseline's denominator; empty where is_small_change.",
    ),
    "is_small_change": (
        "boolean",
        "The revision moved the numerator, the denominator or the persons not counted (their "
        "difference) by more than 0 and less than small_cell_threshold (macro is_small_cell): "
        "the figure before is not shown, so that the revision does not spell out a count of "
        "1-4 persons. It is no protection: the month before's publication showed that figure, "
        "and the total's and the other groups' revisions give it by subtraction (README).",
    ),
    "published_before": (
        "timestamp",
        "When the baseline was published (UTC): the last publication of an earlier data month.",
    ),
    "is_redefined": (
        "boolean",
        "The indicator's definition or computation changed since the baseline (its "
        "marts._definitions fingerprint differs): the figure moved because it is computed "
        "another way, and may hold revised data too. False where either publication has no "
        "fingerprint.",
    ),
}
DEFINITIONS_COMMENT = (
    "Each indicator's definition fingerprint (pipeline/definitions.py): the way it was made "
    "(METHOD, compared only with one made the same way), ':', and a SHA-256 of the code "
    "that computes its figures (its model, what that reads up to the raw sources, the project "
    "macros and dbt vars they use) and its catalogue "
    "definition. The next publication labels an indicator's revisions is_redefined where it "
    "differs. Where the code that built the marts is not known (built by another dbt project "
    "than the publish's, or its parse older), the publication before's, or empty."
)
REVISIONS_COMMENT = (
    "The published figures (marts.fct_indicator_values, shown in both) that changed since the "
    "last publication of an earlier data month, the month before's report (published_before): "
    "value_before as published then, value as now; a revision of fewer than "
    "small_cell_threshold in a count is said without the figure before (is_small_change). "
    "Empty for a first publication."
)
# a figure computed again in another order may differ in its last bits only
CHANGED = "abs({new} - {old}) > 1e-9 * greatest(1, abs({old}))"
DATA_UNTIL_SQL = (
    "select max(period) from {db}marts.fct_indicator_values "
    "where area_code = {home} and value is not null"
)


def _attach_before(con: duckdb.DuckDBPyConnection, before: Path) -> set[tuple[str, str]]:
    """Attach the publication at `before` read-only (readers may hold it) as `before_this`,
    where it exists and holds what marts._revisions compares: its marts' (table, column)
    pairs; none (said in the log) where it cannot be read as one."""
    if not before.exists():
        return set()
    try:
        con.execute(f"attach '{before}' as before_this (read_only)")
    except duckdb.Error as e:
        if is_held_elsewhere(str(e)):
            # a process holds it read-write (DuckDB's CLI opens a file so by default): a
            # publish now would lose the revisions since it, and with them the baseline the
            # next one compares with (helper-114). Raised as the lock it is: the refresh
            # retries, and fails saying who holds it
            log.error(
                "the publication before (%s) is open read-write in another process; an "
                "analyst reads it with `duckdb -readonly` (%s)",
                before,
                e,
            )
            raise
        log.warning("the publication before (%s) cannot be read (%s): no revisions", before, e)
        return set()
    found = set(
        con.execute(
            "select table_name, column_name from duckdb_columns() "
            "where database_name = 'before_this' and schema_name = 'marts'"
        ).fetchall()
    )
    wanted = {("fct_indicator_values", c) for c in (*REVISION_KEY, "value")}
    if wanted | {("_publication", "published_at")} <= found:
        return found
    log.warning("the publication before (%s) lacks the figures compared: no revisions", before)
    con.execute("detach before_this")
    return set()


def _record_revisions(
    con: duckdb.DuckDBPyConnection, before: set[tuple[str, str]]
) -> datetime | None:
    """marts._revisions of the publication being built (`con`; the one before attached as
    `before_this`, whose marts' columns are `before`, none where there is no such one), with
    its columns described; returns when its baseline was published (None: no baseline, a
    first publication)."""
    columns = ", ".join(f"{c} {t}" for c, (t, _) in REVISIONS_COLUMNS.items())
    con.execute(f"create table marts._revisions ({columns})")
    con.execute(f"comment on table marts._revisions is {_quote(REVISIONS_COMMENT)}")
    for column, (_, text) in REVISIONS_COLUMNS.items():
        con.execute(f"comment on column marts._revisions.{column} is {_quote(text)}")
    if not before:
        return None
    home = dbt_var("home_municipality")
    [(now,)] = con.execute(DATA_UNTIL_SQL.format(db="", home=home)).fetchall()
    [(then,)] = con.execute(DATA_UNTIL_SQL.format(db="before_this.", home=home)).fetchall()
    [(published, baseline)] = con.execute(
        "select published_at, "
        + ("revisions_since" if ("_publication", "revisions_since") in before else "null")
        + " from before_this.marts._publication"
    ).fetchall()
    key = ", ".join(REVISION_KEY)
    # the same data month as the one before: its baseline kept and its revisions carried on
    carry = (
        now is not None
        and then is not None
        and now <= then
        and baseline is not None
        and ("_revisions", "value_before") in before
    )
    # a carried revision's baseline counts (none in a file made before they were kept)
    counted = ("_revisions", "is_small_change") in before
    carried = (
        f"select {key}, value_before, "
        + (
            "numerator_before, denominator_before, is_small_change"
            if counted
            else "null::double as numerator_before, null::double as denominator_before, "
            "false as is_small_change"
        )
        + (
            ", is_redefined"
            if ("_revisions", "is_redefined") in before
            else ", false as is_redefined"
        )
        + " from before_this.marts._revisions"
        if carry
        else f"select {key}, value as value_before, numerator as numerator_before, "
        "denominator as denominator_before, false as is_small_change, false as is_redefined "
        "from marts.fct_indicator_values where false"
    )
    # the indicators computed another way than in the publication before (both fingerprinted)
    redefined = (
        "select n.indicator_id from marts._definitions as n "
        "inner join before_this.marts._definitions as b using (indicator_id) "
        "where n.definition_fingerprint <> b.definition_fingerprint "
        # made the same way (definitions.METHOD): another way differs whatever the code
        "and split_part(n.definition_fingerprint, ':', 1) "
        "= split_part(b.definition_fingerprint, ':', 1)"
        if ("_definitions", "definition_fingerprint") in before
        else "select null::varchar as indicator_id where false"
    )
    since = baseline if carry else published
    small = dbt_var("small_cell_threshold")

    def moved_little(now: str, before: str) -> str:
        """A count moved by a small count (the band of macro is_small_cell)."""
        return is_small_sql(f"abs({now} - {before})", small)

    con.execute(
        f"""
        insert into marts._revisions
            ({key}, unit, value_before, value, numerator_before, denominator_before,
             is_small_change, published_before, is_redefined)
        with carried as ({carried}),
        redefined as ({redefined}),
        before as (
            -- the baseline of each figure shown before: a carried revision's, or as shown
            select
                {key},
                c.{REVISION_KEY[0]} is not null as is_carried,
                if(is_carried, c.value_before, o.value) as value_before,
                if(is_carried, c.numerator_before, o.numerator) as numerator_before,
                if(is_carried, c.denominator_before, o.denominator) as denominator_before,
                coalesce(c.is_small_change, false) as was_small_change,
                coalesce(c.is_redefined, false) as was_redefined
            from before_this.marts.fct_indicator_values as o
            left join carried as c using ({key})
            where o.value is not null
        ),
        revised as (
            select
                n.{key.replace(", ", ", n.")}, n.unit, b.value_before, n.value,
                b.numerator_before, b.denominator_before,
                b.was_redefined or n.indicator_id in (select indicator_id from redefined)
                    as is_redefined,
                b.was_small_change
                -- a rank's counts are the areas ranked, no persons
                or n.unit <> 'rank' and (
                {moved_little("n.numerator", "b.numerator_before")}
                or {moved_little("n.denominator", "b.denominator_before")}
                or {
            moved_little(
                "(n.denominator - n.numerator)",
                "(b.denominator_before - b.numerator_before)",
            )
        }) as is_small_change
            from marts.fct_indicator_values as n
            inner join before as b using ({key})
            where n.value is not null
                and (b.was_small_change or {CHANGED.format(new="n.value", old="b.value_before")})
        )
        select
            {key}, unit, value_before, value, numerator_before, denominator_before,
            is_small_change, ?::timestamp, is_redefined
        from revised
        order by all
        """,
        [since],
    )
    _hide_small_changes(con)
    return since


def _record_definitions(
    con: duckdb.DuckDBPyConnection, has_catalogue: bool, before: set[tuple[str, str]]
) -> None:
    """marts._definitions of the publication being built: each indicator of its
    dim_indicator with its definition fingerprint (definitions.current_fingerprints), where
    the marts are known to be built by the dbt project as it is (built_from_inputs: the last
    passing build ran it) and its parse is not older than it. Otherwise the code that made
    the figures is not known: the publication before's fingerprint is kept (the last known),
    so that the next publication still tells a change of definition since then, and none
    where there is none."""
    con.execute(
        "create table marts._definitions (indicator_id varchar, definition_fingerprint varchar)"
    )
    con.execute(f"comment on table marts._definitions is {_quote(DEFINITIONS_COMMENT)}")
    if not has_catalogue:
        return
    cursor = con.execute("select * from marts.dim_indicator order by indicator_id")
    names = [c[0] for c in cursor.description]
    catalogue = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    found = {}
    if built_from_inputs(con, "wh") is not None:
        found = current_fingerprints(catalogue) or {}
    else:
        log.warning(
            "the marts were not built by the dbt project as it is: this publication keeps "
            "the definition fingerprints of the one before"
        )
    if not found and ("_definitions", "definition_fingerprint") in before:
        found = dict(
            con.execute(
                "select indicator_id, definition_fingerprint from before_this.marts._definitions"
            ).fetchall()
        )
    con.executemany(
        "insert into marts._definitions values (?, ?)",
        [(row["indicator_id"], found.get(row["indicator_id"])) for row in catalogue],
    )


def _hide_small_changes(con: duckdb.DuckDBPyConnection) -> None:
    """The revisions of fewer than small_cell_threshold in a count lose their figure before
    (and its counts), which beside the denominator shown would give the count; those the
    outputs could not show changed (the same value as written, report.data.differs_as_written)
    are no revision. A carried one whose figure before is not known stays."""
    from pipeline.report.data import differs_as_written

    key = ", ".join(REVISION_KEY)
    small = con.execute(
        f"select {key}, unit, value_before, value from marts._revisions "
        "where is_small_change and value_before is not null"
    ).fetchall()
    unseen = [r[: len(REVISION_KEY)] for r in small if not differs_as_written(*r[-3:])]
    if unseen:
        con.executemany(
            "delete from marts._revisions where " + " and ".join(f"{c} = ?" for c in REVISION_KEY),
            unseen,
        )
    con.execute(
        "update marts._revisions set value_before = null, numerator_before = null, "
        "denominator_before = null where is_small_change"
    )


def publish(settings: Settings) -> PublishResult:
    """Build the analytics file aside from the warehouse's marts, then replace atomically."""
    target = settings.analytics_path
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_tmp(target)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    published_at = datetime.now(UTC).replace(tzinfo=None)
    tables: dict[str, int] = {}
    suppressed = 0
    try:
        with duckdb.connect(str(tmp)) as con:
            con.execute(f"attach '{settings.warehouse_path}' as wh (read_only)")
            if started := unfinished_build(con, "wh"):
                raise PublishError(
                    f"the dbt build started {started} did not pass: the marts in "
                    f"{settings.warehouse_path} may hold models whose tests failed, or half a "
                    "build. A build of the whole project with its data tests makes them "
                    f"publishable: a refresh with new deliveries, {REBUILD_UNPASSED} (a plain "
                    "`bkwh run` with nothing new leaves the last publication, which is "
                    "current); nothing was published and the last publication stays as it was"
                )
            columns = _mart_columns(con)
            if personal := [
                f"marts.{table}.{column}"
                for table, cols in sorted(columns.items())
                for column in cols
                if PERSON_COLUMN.fullmatch(column)
            ]:
                raise PublishError(
                    f"{', '.join(personal)}: a column of a person in a mart; nothing "
                    "person-level is published. Aggregate it in its model, or build it in "
                    "another schema than marts; nothing was published and the last "
                    "publication stays as it was"
                )
            names = sorted(columns)
            before = _attach_before(con, target) if "fct_indicator_values" in names else set()
            if not names:
                raise RuntimeError(
                    f"no tables in {settings.warehouse_path} schema "
                    f"{PUBLISHED_SCHEMA}: run dbt build first"
                )
            # one transaction: DuckDB commits (and writes its WAL) after every statement
            # otherwise, and the comments are hundreds of statements
            con.execute("begin")
            con.execute(f"create schema {PUBLISHED_SCHEMA}")
            docs = model_docs()
            for name in names:
                cols = columns[name]
                con.execute(
                    f'create table {PUBLISHED_SCHEMA}."{name}" as select '
                    f"{_published_select(name, cols)} from {_source(name, cols, names)}"
                )
                _comment(con, name, cols, docs)
                tables[name] = con.execute(
                    f'select count(*) from {PUBLISHED_SCHEMA}."{name}"'
                ).fetchone()[0]
            if "fct_indicator_values" in names:
                suppressed = con.execute(
                    "select count(*) from marts.fct_indicator_values where is_suppressed"
                ).fetchone()[0]
            _record_definitions(con, "dim_indicator" in names, before)
            revisions_since = _record_revisions(con, before)
            con.execute(
                "create table marts._publication as select ?::timestamp as published_at, "
                "?::varchar as warehouse_path, ?::integer as n_tables, "
                "?::bigint as n_suppressed_cells, ?::varchar as built_from_inputs, "
                "?::varchar as built_from_code, ?::timestamp as revisions_since",
                [
                    published_at,
                    str(settings.warehouse_path),
                    len(names),
                    suppressed,
                    # what dbt built the marts from, not what the warehouse holds now: a
                    # publish after a load without a build must not pass for current
                    built_from_inputs(con, "wh"),
                    code_fingerprint(),
                    # marts._revisions' baseline: the last publication of an earlier month
                    revisions_since,
                ],
            )
            con.execute("commit")
            con.execute("detach wh")
            if before:
                con.execute("detach before_this")
            con.execute("checkpoint")
        fsync_file(tmp)
        failpoint("publish.before_swap")
        os.replace(tmp, target)
        fsync_dir(target.parent)
        failpoint("publish.after_swap")
    finally:
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}.wal").unlink(missing_ok=True)
        shutil.rmtree(f"{tmp}.tmp", ignore_errors=True)  # DuckDB's spill folder, if it spilled
    log.info("published %d tables to %s (%d suppressed cells)", len(tables), target, suppressed)
    exports = export_parquet(target, settings.export_dir, list(tables))
    stamp_made_from(settings.export_dir, "exports", published_at.isoformat())
    return PublishResult(
        target, tables, suppressed, published_at.isoformat(timespec="seconds"), exports
    )


def export_parquet(analytics: Path, folder: Path, names: list[str]) -> list[Path]:
    """The published tables `names` as `<folder>/<table>.parquet`, read from the analytics
    file just published (so the exports match it), all written aside first and then renamed
    together: a failure on the way leaves every export as it was (files.installed_together),
    and the exports' stamp, written after them, says they are behind; the export of a table
    no longer published is removed."""
    folder.mkdir(parents=True, exist_ok=True)
    out = [folder / f"{name}.parquet" for name in names]
    with (
        duckdb.connect(str(analytics), read_only=True) as con,
        installed_together(out) as tmps,
    ):
        for n, (name, path) in enumerate(zip(names, out, strict=True)):
            con.execute(
                f"copy {PUBLISHED_SCHEMA}.\"{name}\" to '{tmps[path]}' "
                "(format parquet, compression zstd)"
            )
            if n == 0:
                failpoint("publish.exporting")  # one export written aside, the rest not
    for old in folder.glob("*.parquet"):
        if old.stem not in names:
            old.unlink()
    return out


def _remove_stale_tmp(target: Path) -> None:
    """Temporary files of publishes whose process is gone (killed before the swap), and the
    folder DuckDB spills to beside one (`<file>.tmp`: unlinked as a file, it stopped every
    later publish with IsADirectoryError; helper-114)."""
    for stray in target.parent.glob(f".{target.name}.*.tmp*"):
        pid = stray.name.removeprefix(f".{target.name}.").split(".")[0]
        if pid.isdigit() and not _alive(int(pid)):
            log.warning("removing %s, left by a publish that did not finish", stray)
            if stray.is_dir():
                shutil.rmtree(stray, ignore_errors=True)
            else:
                stray.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
