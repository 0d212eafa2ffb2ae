"""Validate: one Great Expectations run per suite and refresh over all its new files.

Value rules run on a frame of distinct values: one block of rows per set of columns an
expectation reads (a `_block` column and a row condition keep the blocks apart), so that
thirty million person-weeks are checked as a few CPR numbers (one valid stand-in, and each
invalid one), some hundred weeks and thirty benefit codes. GX's cheapest result format
runs first; only the expectations that failed run again in full, and each unexpected value
is traced back in DuckDB to every file and line that holds it.

File rules run on a summary frame of one row per file (rows, duplicate keys, whether the
period has begun, volume against earlier deliveries), built after the value rules so that a
file refused for its values never becomes another file's volume yardstick.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import duckdb
import pandas as pd

from pipeline.config import extracts_config
from pipeline.ingest.discover import Delivery
from pipeline.ingest.observations import MEASURE_CELLS, file_columns
from pipeline.ingest.problems import MAX_ROWS_REPORTED
from pipeline.ingest.read import lit, q
from pipeline.ingest.volume import Bounds, bounds
from pipeline.privacy import hide_person_ids, shape_only
from pipeline.suites import CPR_BODY, CPR_REGEX, WEEK_THURSDAY, SourceSpec
from pipeline.validation import MAX_VALUES_REPORTED, Validator, describe, in_words, jsonable

PERIOD_COLUMNS = (
    "_period_label",
    "_period_first_day",
    "_period_last_day",
    "_period_year",
)
_IDENTIFIER = re.compile(r"([A-Za-z_]\w*)\s*(?:==|!=|<=|>=|<|>)")

Entry = dict[str, Any]  # one expectation's result for one file (validation JSON)


@dataclass
class Rule:
    written: dict[str, Any]  # the expectation as the suite states it
    run: dict[str, Any]  # as GX runs it on the frame
    block: str
    columns: tuple[str, ...]  # the columns of its block
    column: str | None  # where a failure is reported

    @property
    def description(self) -> str:
        return describe(self.written["type"], self.written["kwargs"])


@dataclass
class BatchValidation:
    """The outcome for every file of the batch: its failed expectations, by file name."""

    failures: dict[str, list[Entry]] = field(default_factory=dict)
    rules: list[Entry] = field(default_factory=list)  # every expectation, batch-wide
    statistics: dict[str, Any] = field(default_factory=dict)

    def fail(self, file: str, entry: Entry) -> None:
        self.failures.setdefault(file, []).append(entry)


def _columns_of(expectation: dict[str, Any], available: set[str]) -> tuple[str, ...]:
    kw = expectation["kwargs"]
    cols = [kw[k] for k in ("column", "column_A", "column_B") if kw.get(k)]
    cols += list(kw.get("column_list") or [])
    cols += _IDENTIFIER.findall(kw.get("row_condition") or "")
    found = tuple(dict.fromkeys(c for c in cols if c in available))
    if not found:
        raise ValueError(
            f"expectation {expectation['type']} names no column of the suite; table-level "
            "rules belong in meta.ingest"
        )
    return found


def value_rules(spec: SourceSpec) -> list[Rule]:
    available = set(spec.columns) | set(PERIOD_COLUMNS) | {WEEK_THURSDAY}
    blocks: dict[tuple[str, ...], str] = {}
    rules = []
    for e in spec.value_expectations():
        cols = _columns_of(e, available)
        if WEEK_THURSDAY in cols:  # reported as the file's week column, with its value
            cols = (spec.period_week_column, *cols)
        block = blocks.setdefault(cols, f"v{len(blocks)}")
        kw = dict(e["kwargs"])
        condition = f'_block == "{block}"'
        if kw.get("row_condition"):
            condition = f"({condition}) & ({kw['row_condition']})"
        kw.update(row_condition=condition, condition_parser="pandas")
        column = next((c for c in cols if not c.startswith("_")), None)
        rules.append(Rule(e, {"type": e["type"], "kwargs": kw}, block, cols, column))
    return rules


def _batch_files(con: duckdb.DuckDBPyConnection, files: list[Delivery], today: date) -> None:
    rows = [
        (
            d.name,
            d.period.label if d.period else None,
            d.period.first_day if d.period else None,
            min(d.period.last_day, today) if d.period else None,
            d.period.first_day.year if d.period else None,
        )
        for d in files
    ]
    con.execute(
        "create or replace temp table _batch_files (_file varchar, _period_label varchar, "
        "_period_first_day date, _period_last_day date, _period_year integer)"
    )
    if rows:
        con.executemany("insert into _batch_files values (?, ?, ?, ?, ?)", rows)


# the Thursday given to a number that is no ISO week: before every file's period
NO_WEEK = "date '0001-01-01'"


def _rows(columns: tuple[str, ...], distinct: bool = False) -> str:
    """The relation a block reads: `incoming`, with the file's period where it needs it,
    and the Thursday of the ISO week (yyyyww) in its first column where it needs that.
    `distinct`: only each file's distinct values of the block's own columns (the value
    frame's, where a row's line does not matter), so that the Thursday is computed and the
    period joined for some hundred weeks, not for 31 million person-weeks."""
    rows = "incoming"
    if distinct and set(columns) & {WEEK_THURSDAY, *PERIOD_COLUMNS}:
        own = [q(c) for c in columns if c not in (WEEK_THURSDAY, *PERIOD_COLUMNS)]
        rows = f"(select distinct {', '.join(['_file', *own])} from incoming)"
    if WEEK_THURSDAY in columns:
        week = q(columns[0])
        monday = (
            f"make_date(({week} // 100)::integer, 1, 4) "
            f"- (isodow(make_date(({week} // 100)::integer, 1, 4)) - 1)::integer "
            f"+ ((({week} % 100) - 1) * 7)::integer"
        )
        # A number that is no week (week 00 or 54-99, or a year out of the calendar's range,
        # which would stop the whole batch's validation) gets a Thursday in no file's
        # period, so the period rule names it: computed, 202362 would be 2024-03-07 and
        # 202400 2023-12-25, real weeks of other periods. A missing one is the not-null
        # rule's.
        is_week = f"{week} // 100 between 1000 and 9999 and {week} % 100 between 1 and 53"
        # week 53 of a year of 52 ISO weeks (202353) would be computed as the next year's
        # week 1: a number is a week only if its Thursday's ISO year and week are it. The
        # inner case computes the date only for numbers in range (DuckDB evaluates a case's
        # branch only for the rows that reach it)
        thursday = f"case when {is_week} then ({monday}) + 3 end"
        return (
            f"(select *, case when {week} is null then null "
            f"when yearweek({thursday}) = {week} then {thursday} "
            f"else {NO_WEEK} end as {WEEK_THURSDAY} "
            f"from {rows} join _batch_files using (_file))"
        )
    if set(columns) & set(PERIOD_COLUMNS):
        return f"(select * from {rows} join _batch_files using (_file))"
    return rows


NOT_NULL = "expect_column_values_to_not_be_null"
MATCH_REGEX = "expect_column_values_to_match_regex"
# what every CPR number DuckDB finds valid stands for in the frame: a number of the valid
# shape, 1 January 1900 with serial 0000 (joined at run time, so that no CPR-shaped literal
# sits in the repository, as tests/test_privacy.py asks)
VALID_CPR = "-".join(("010100", "0000"))


def _only(rules: list[Rule], block: str, allowed) -> bool:
    return all(allowed(r.written) for r in rules if r.block == block)


def _is_cpr_rule(written: dict[str, Any]) -> bool:
    kw = written["kwargs"]
    return written["type"] == NOT_NULL or (
        written["type"] == MATCH_REGEX
        and kw.get("regex") == CPR_REGEX
        and not kw.get("row_condition")
    )


def _value_frame(con: duckdb.DuckDBPyConnection, rules: list[Rule]) -> pd.DataFrame:
    """One block of distinct values per set of columns. A block only checked for nulls (an
    id column, say, whose values are all distinct) needs one null and one other value.

    A person id's block (not null, the CPR pattern) holds its null, its invalid values and
    one valid number for all the valid ones: DuckDB's regular expressions (RE2) read `\\d`
    as an ASCII digit and `$` as the end of the text, Python's as any digit and also before
    a last newline, so every value DuckDB finds valid GX finds valid too, and a value
    DuckDB does not is left to GX as it is. GX then sees a few values instead of every
    person (477,389 CPR numbers in the person-weeks of `make bench SCALE=18.6`), and no
    valid number of a person."""
    blocks = {r.block: r.columns for r in rules}
    parts = []
    for b, cols in blocks.items():
        names = ", ".join(q(c) for c in cols)
        distinct = "distinct"
        if _only(rules, b, lambda w: w["type"] == NOT_NULL):
            distinct = f"distinct on ({q(cols[0])} is null)"
        elif len(cols) == 1 and _only(rules, b, _is_cpr_rule):
            col = q(cols[0])
            names = (
                f"case when regexp_full_match({col}, {lit(CPR_BODY)}) "
                f"then {lit(VALID_CPR)} else {col} end as {col}"
            )
            # the pattern on each distinct number, not on each row (0.95 s instead of 1.3 s
            # for the person-weeks of `make bench SCALE=18.6`)
            parts.append(
                f"select distinct {lit(b)} as _block, {names} "
                f"from (select distinct {col} from incoming)"
            )
            continue
        parts.append(f"select {distinct} {lit(b)} as _block, {names} from {_rows(cols, True)}")
    con.execute(
        "create or replace temp table _gx as select row_number() over () - 1 as _pos, * from ("
        + " union all by name ".join(parts)
        + ")"
    )
    return con.execute("select * exclude (_pos) from _gx order by _pos").df()


def _trace(
    con: duckdb.DuckDBPyConnection, rule: Rule, positions: list[int], shown_column: str | None
) -> dict[str, tuple[int, list[int], list[str]]]:
    """Every file and line holding the unexpected values: count, first lines, values (of
    `shown_column`: the rule's column, or the cell as the file wrote it)."""
    cols = rule.columns
    on = " and ".join(f"r.{q(c)} is not distinct from b.{q(c)}" for c in cols)
    shown = q(shown_column) if shown_column else "null"
    found = con.execute(
        f"""
        with bad as (select * from _gx where _pos in (select unnest(?))),
        hits as (
            select r._file, r._line, r.{shown}::varchar as value
            from {_rows(cols)} as r join bad as b on {on}
        ),
        -- each distinct value once, in the order of the first line that holds it
        firsts as (
            select _file, value, min(_line) as first_line from hits group by _file, value
        ),
        values_by_file as (
            select _file, list(value order by first_line)[1:{MAX_VALUES_REPORTED}] as shown
            from firsts group by _file
        )
        -- rows, not cells: a Jobindsats line holds a cell of each measure
        select hits._file, count(distinct _line),
               list(distinct _line order by _line)[1:{MAX_ROWS_REPORTED}],
               any_value(values_by_file.shown)
        from hits join values_by_file using (_file) group by hits._file
        """,
        [positions],
    ).fetchall()
    return {f: (n, lines, [str(v) for v in values]) for f, n, lines, values in found}


def run_value_rules(
    con: duckdb.DuckDBPyConnection,
    validator: Validator,
    spec: SourceSpec,
    outcome: BatchValidation,
) -> None:
    rules = value_rules(spec)
    frame = _value_frame(con, rules)
    params: dict[str, Any] = {}
    results, stats = validator.run(spec.name, frame, [r.run for r in rules], params)
    failed = [r.index for r in results if not r.success]
    full = {}
    if failed:
        again, _ = validator.run(spec.name, frame, [rules[i].run for i in failed], params, True)
        full = {failed[r.index]: r for r in again}
    for i, rule in enumerate(rules):
        outcome.rules.append(
            {"description": rule.description, "success": i not in full, "kind": "value"}
        )
        if i not in full:
            continue
        res = full[i]
        if res.error or not res.unexpected_positions:
            # GX could not evaluate it (or names no row): every file of the batch is refused
            for file in con.execute("select distinct _file from incoming").fetchall():
                outcome.fail(file[0], _entry(rule, error=res.error or "no rows named"))
            continue
        person_ids = rule.column in spec.person_id_columns
        # a benchmark's cells: named as the file has them, a measure's shown as written
        # (INDHOLD, '101,5'), not as the long layout's 'value' holds it
        benchmark = spec.is_long_layout
        shown = "value_raw" if benchmark and rule.column in MEASURE_CELLS else rule.column
        for file, (n, lines, values) in _trace(con, rule, res.unexpected_positions, shown).items():
            if person_ids:  # a malformed CPR number is no less a person's: its shape only
                values = [shape_only(v) for v in values]
            column = (
                file_columns(con, spec.source, rule.column, file, lines, values)
                if benchmark and rule.column
                else None
            )
            outcome.fail(file, _entry(rule, count=n, rows=lines, values=values, column=column))
    outcome.statistics["values"] = stats


def _entry(
    rule: Rule | None,
    *,
    count: int | None = None,
    rows: list[int] | None = None,
    values: list[str] | None = None,
    observed: Any = None,
    description: str | None = None,
    error: str | None = None,
    expectation: str | None = None,
    column: str | None = None,
    message: str | None = None,
    words: str | None = None,
) -> Entry:
    entry = {
        "expectation": expectation or rule.written["type"],
        "column": column if column is not None or rule is None else rule.column,
        "success": False,
        "description": description or rule.description,
        "unexpected_count": count,
        "unexpected_rows": rows or [],
        "unexpected_values": [hide_person_ids(str(v)) for v in values or []],
        "observed_value": jsonable(observed),
    }
    if error:
        entry["error"] = hide_person_ids(error)
    if message:  # said to the user as it is, instead of "failed …"
        entry["message"] = hide_person_ids(message)
    # what a failing row breaks, in words (validation.in_words), beside the rule as written
    # (a suite may say it itself: the expectation's meta.in_words)
    if rule and not words:
        words = rule.written.get("meta", {}).get("in_words") or in_words(
            rule.written["type"], rule.written["kwargs"]
        )
    if words:
        entry["in_words"] = words
    return entry


def _duplicates(con: duckdb.DuckDBPyConnection, key: tuple[str, ...]) -> dict[str, tuple]:
    """Rows whose key occurs more than once in their file: their count, and the first line
    whose key repeats and the line that repeats it, by file.
    File and key are grouped by one 64-bit hash first (cheap on millions of rows: 3.8 s
    instead of 7.2 s for the 31 million person-weeks of `make bench SCALE=18.6`, where the file
    name was a second grouping column); only the candidates are compared exactly."""
    cols = ", ".join(q(c) for c in key)
    own = ", ".join(f"i.{q(c)}" for c in key)
    found = con.execute(
        f"""
        with candidates as (
            select hash(_file, {cols}) as h from incoming
            group by h having count(*) > 1
        ),
        rows as (
            select i._file, i._line, {own}
            from incoming as i join candidates as c on hash(i._file, {own}) = c.h
        ),
        dup as (
            select _file, count(*) as n, list_sort(list(_line))[1:2] as lines from rows
            group by _file, {cols} having count(*) > 1
        )
        select _file, sum(n)::bigint, arg_min(lines, lines[1]) from dup group by _file
        """
    ).fetchall()
    return {f: (n, lines[0], lines[1]) for f, n, lines in found}


def _keys_elsewhere(
    con: duckdb.DuckDBPyConnection, spec: SourceSpec, files: list[Delivery], refused: set[str]
) -> dict[str, tuple[int, int, str]]:
    """Per file, its rows whose natural key a current delivery of another period holds
    (loaded before, or another new file of the batch that no value rule has `refused`):
    their count, the first such line, and the file that holds the key
    (spec.key_unique_across_deliveries). A correction of the same period may repeat its
    keys: it replaces that delivery. A copy of a month's export under the next month's name
    is refused for its dates, and the month it copies loads."""
    key = spec.natural_key
    cols = ", ".join(q(c) for c in key)
    con.execute("create or replace temp table _file_keys (_file varchar, _delivery varchar)")
    con.executemany(
        "insert into _file_keys values (?, ?)", [(d.name, d.delivery_key) for d in files]
    )
    others = [
        f"select {cols}, _file as _other, _delivery as _other_delivery "
        "from incoming join _file_keys using (_file) "
        f"where _file not in (select unnest(?::varchar[]))"
    ]
    raw = con.execute(
        "select count(*) from duckdb_tables() where schema_name = 'raw' and table_name = ?",
        [spec.raw_table],
    ).fetchone()[0]
    if raw:
        others.append(
            f"select {', '.join(f'r.{q(c)}' for c in key)}, l.source_file, l.delivery_key "
            f"from raw.{q(spec.raw_table)} as r join raw._load_log as l "
            "on l.batch_id = r._batch_id where l.status = 'loaded' and l.is_current"
        )
    on = " and ".join(f"i.{q(c)} = o.{q(c)}" for c in key)
    found = con.execute(
        f"""
        with others as ({" union all ".join(others)}),
        hits as (
            select i._file, i._line, o._other
            from incoming as i join _file_keys as f using (_file) join others as o on {on}
            where o._other_delivery is distinct from f._delivery
        )
        select _file, count(distinct _line)::bigint, min(_line), arg_min(_other, _line)
        from hits group by _file
        """,
        [sorted(refused)],
    ).fetchall()
    con.execute("drop table _file_keys")
    return {f: (n, line, other) for f, n, line, other in found}


# A file without data rows never gets here: each reader refuses it (read.py, observations.py).
FILE_RULES_DOC = {
    "begun": "a delivery for a period that has started",
    "ended": "a delivery for a period that has ended (a stock: whose day has passed)",
    "volume": "volume_against_previous_deliveries",
    "elsewhere": "a key no current delivery of another period holds",
}


def due(spec: SourceSpec, d: Delivery) -> date | None:
    """The first day a delivery for `d`'s period can exist. A source that sends its period
    so far (the case system, the registers): the period's first day. A benchmark table
    (`published_after_period`): the day after the day its figures describe, that is after
    the period for a flow over it (persons on a benefit in the month, ledighed in the month),
    after the table's `measured_on` day for a stock (extracts.yml: FOLK1A's residents on the
    quarter's first day, HFUDD11's education on 30 September)."""
    p = d.period
    if p is None:
        return None
    if not spec.published_after_period:
        return p.first_day
    measured_on = extracts_config().get(spec.source, {}).get(d.table, {}).get("measured_on")
    if measured_on == "first_day":
        return p.first_day + timedelta(days=1)
    if measured_on:  # 'MM-DD' of the period's year
        month, day = map(int, measured_on.split("-"))
        return date(p.first_day.year, month, day) + timedelta(days=1)
    return p.last_day + timedelta(days=1)


def run_file_rules(
    con: duckdb.DuckDBPyConnection,
    validator: Validator,
    spec: SourceSpec,
    files: list[Delivery],
    current: dict[str, int],
    today: date,
    outcome: BatchValidation,
) -> dict[str, int]:
    """Per-file rules on the summary frame. Returns each file's row count."""
    n_rows = dict(con.execute("select _file, count(*) from incoming group by 1").fetchall())
    frame = pd.DataFrame({"_file": [d.name for d in files]})
    frame["_n_rows"] = [n_rows.get(d.name, 0) for d in files]
    # the first day a delivery for the file's period can exist (`due`)
    timing = "ended" if spec.published_after_period else "begun"
    frame["_period_due"] = pd.to_datetime([due(spec, d) for d in files])
    expectations: list[tuple[str, dict[str, Any], Any]] = []
    for k, key in enumerate(spec.unique_keys):
        dup = _duplicates(con, key)
        frame[f"_n_duplicates_{k}"] = [dup.get(d.name, (0, None, None))[0] for d in files]
        frame[f"_first_duplicate_{k}"] = [dup.get(d.name, (0, None, None))[1] for d in files]
        frame[f"_second_duplicate_{k}"] = [dup.get(d.name, (0, None, None))[2] for d in files]
        expectations.append(
            (
                f"unique_{k}",
                {
                    "type": "expect_column_values_to_be_between",
                    "kwargs": {"column": f"_n_duplicates_{k}", "max_value": 0},
                },
                key,
            )
        )
    if spec.key_unique_across_deliveries and spec.natural_key:
        # helper-119: a month's meetings reusing 350 ids of the month before loaded, and
        # staging's uniqueness test failed, naming no file, at every refresh after it
        elsewhere = _keys_elsewhere(con, spec, files, set(outcome.failures))
        none = (0, None, None)
        frame["_n_duplicates_elsewhere"] = [elsewhere.get(d.name, none)[0] for d in files]
        frame["_first_duplicate_elsewhere"] = [elsewhere.get(d.name, none)[1] for d in files]
        frame["_duplicate_elsewhere_in"] = [elsewhere.get(d.name, none)[2] for d in files]
        expectations.append(
            (
                "elsewhere",
                {
                    "type": "expect_column_values_to_be_between",
                    "kwargs": {"column": "_n_duplicates_elsewhere", "max_value": 0},
                },
                None,
            )
        )
    expectations.append(
        (
            timing,
            {
                "type": "expect_column_values_to_be_between",
                "kwargs": {"column": "_period_due", "max_value": {"$PARAMETER": "today"}},
            },
            None,
        )
    )
    volume: dict[str, Bounds] = {}
    if spec.volume:
        # a file refused by a value rule or by a rule above (a duplicate key, a period not
        # begun or ended) is no later file's yardstick (pipeline/ingest/volume.py)
        duplicated = frame.filter(like="_n_duplicates_").gt(0).any(axis=1)
        not_due = frame["_period_due"] > pd.Timestamp(today)
        refused = set(outcome.failures) | set(frame.loc[duplicated | not_due, "_file"])
        volume = bounds(
            spec.volume,
            files,
            n_rows,
            refused,
            current,
            today,
            month_to_date=spec.delivers_month_so_far,
        )
        frame["_volume_min"] = [volume[d.name].low for d in files]
        frame["_volume_max"] = [volume[d.name].high for d in files]
        for low, high in (("_n_rows", "_volume_min"), ("_volume_max", "_n_rows")):
            expectations.append(
                (
                    "volume",
                    {
                        "type": "expect_column_pair_values_a_to_be_greater_than_b",
                        "kwargs": {
                            "column_A": low,
                            "column_B": high,
                            "or_equal": True,
                            "ignore_row_if": "either_value_is_missing",
                        },
                    },
                    None,
                )
            )
    for c in frame.columns:
        if c.startswith(("_volume", "_first_duplicate")):
            frame[c] = frame[c].astype("Int64")
    params = {"today": pd.Timestamp(today)}
    runs = [e for _, e, _ in expectations]
    results, stats = validator.run(f"{spec.name}.files", frame, runs, params, full=True)
    outcome.statistics["files"] = stats
    for (kind, _, key), res in zip(expectations, results, strict=True):
        described = _file_rule_text(kind, key)
        if kind == "volume" and outcome.rules and outcome.rules[-1]["kind"] == "volume":
            outcome.rules[-1]["success"] &= res.success
        else:
            outcome.rules.append({"description": described, "success": res.success, "kind": kind})
        for pos in sorted(set(res.unexpected_positions)):
            d = files[pos]
            _fail_file_rule(outcome, spec, kind, key, d, frame.iloc[pos], volume, today)
    return n_rows


def _unique_rule(key: tuple[str, ...]) -> tuple[str, dict[str, Any]]:
    """The GX expectation a within-file key rule stands for: its kind and arguments."""
    if len(key) == 1:
        return "expect_column_values_to_be_unique", {"column": key[0]}
    return "expect_compound_columns_to_be_unique", {"column_list": list(key)}


def _file_rule_text(kind: str, key: tuple[str, ...] | None) -> str:
    if key is None:
        return FILE_RULES_DOC[kind]
    return describe(*_unique_rule(key))


def _fail_file_rule(outcome, spec, kind, key, d: Delivery, row, volume, today) -> None:
    if kind == "volume":
        if any(
            e["expectation"] == "volume_against_previous_deliveries"
            for e in outcome.failures.get(d.name, [])
        ):
            return  # both bounds are one rule
        outcome.fail(
            d.name,
            _entry(
                None,
                expectation="volume_against_previous_deliveries",
                description=volume[d.name].description,
                observed=int(row["_n_rows"]),
            ),
        )
    elif kind == "elsewhere":
        line = int(row["_first_duplicate_elsewhere"])
        key = ", ".join(spec.natural_key)
        outcome.fail(
            d.name,
            _entry(
                None,
                expectation="key_unique_across_deliveries",
                description=FILE_RULES_DOC["elsewhere"],
                count=int(row["_n_duplicates_elsewhere"]),
                rows=[line],
                column=spec.natural_key[0],
                words=f"row {line}'s {key} is also in {row['_duplicate_elsewhere_in']}, "
                "the current delivery of another period",
            ),
        )
    elif kind == "begun":
        p = d.period
        outcome.fail(
            d.name,
            _entry(
                None,
                expectation="period_has_begun",
                description=FILE_RULES_DOC["begun"],
                message=f"the file is named for period {p.label}, which has not begun "
                f"(it starts {p.first_day:%Y-%m-%d}, today is {today:%Y-%m-%d})",
            ),
        )
    elif kind == "ended":
        p, day = d.period, row["_period_due"].date() - timedelta(days=1)
        what = (
            f"which has not ended (it ends {day:%Y-%m-%d}"
            if day == p.last_day
            else f"whose figures are of a day that has not passed ({day:%Y-%m-%d}"
        )
        outcome.fail(
            d.name,
            _entry(
                None,
                expectation="period_has_ended",
                description=FILE_RULES_DOC["ended"],
                message=f"the file is named for period {p.label}, {what}, today is "
                f"{today:%Y-%m-%d}): {spec.source} publishes a period only once it has "
                "passed",
            ),
        )
    else:
        k = int(kind.split("_")[1])
        lines = [row[f"_first_duplicate_{k}"], row[f"_second_duplicate_{k}"]]
        lines = [int(line) for line in lines if pd.notna(line)]
        expectation, _ = _unique_rule(key)
        outcome.fail(
            d.name,
            _entry(
                None,
                expectation=expectation,
                description=_file_rule_text(kind, key) + " within the file",
                count=int(row[f"_n_duplicates_{k}"]),
                rows=lines,
                column=key[0],
                words=(
                    f"row {lines[1]} repeats the key ({', '.join(key)}) of row {lines[0]}"
                    if len(lines) == 2
                    else None
                ),
            ),
        )


def validate(
    con: duckdb.DuckDBPyConnection,
    validator: Validator,
    spec: SourceSpec,
    files: list[Delivery],
    current: dict[str, int],
    today: date,
    partly: list[Delivery],
) -> tuple[BatchValidation, dict[str, int]]:
    """Validate the files in `incoming`: `files` (all read without problems) by every rule,
    `partly` (refused already for some cells, whose other rows are there) by the value rules
    only (the rows left out would skew a file rule's counts)."""
    outcome = BatchValidation()
    _batch_files(con, [*files, *partly], today)
    run_value_rules(con, validator, spec, outcome)
    n_rows = run_file_rules(con, validator, spec, files, current, today, outcome) if files else {}
    return outcome, n_rows
