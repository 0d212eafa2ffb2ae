"""Read the benchmark tables (StatBank, Jobindsats) into the long layout raw keeps them in:
one row per table, area, period, dimension values and measure (`incoming`).

Which columns a table has is configured in extracts.yml; files of one table are read
together by DuckDB. The number format is decided per source and format, never per value:
- StatBank CSV (api.statbank.dk v1, `lang: da`): UTF-8 (the service writes a BOM; a file
  without one, saved again by another tool, reads the same), ';', the dimensions (labels) by
  their codes, `TID`, then the measure (`INDHOLD`); numbers are Danish strings ("1.234,5",
  ".." for missing, as the recorded responses have it, docs/sources/real_tables.md; an
  empty figure is read as missing too, as issue 17 asks, though no recorded response shows
  one), read by `danish.number_sql`.
- Jobindsats API v3 JSON, as the service answers: `{"columns": [labels], "rows": [[...]]}`,
  the period and area first, then the dimensions asked for, then the measures (labels as
  extracts.yml gives them); numbers are JSON numbers, a suppressed cell is `null` (kept as
  value_raw 'null'). A row's "line" is its position in `rows`. Jobindsats v2 (switched off
  after 30 September 2026, docs/sources/real_tables.md) is no longer read.
"""

from __future__ import annotations

import json
from collections import defaultdict

import duckdb

from pipeline.config import extracts_config, statbank_area_variable
from pipeline.danish import MISSING, is_number_sql, number_sql
from pipeline.ingest.discover import Delivery
from pipeline.ingest.problems import MAX_ROWS_REPORTED, Problem
from pipeline.ingest.read import (
    Problems,
    check_columns,
    drop_files,
    duckdb_reason,
    lit,
    merge,
    q,
    read_csv_text,
    sniff_csv,
    sql_list,
)
from pipeline.landing_formats import V3_LEADING_LABELS, jobindsats_labels, statbank_columns
from pipeline.privacy import CPR_SHAPED
from pipeline.suites import SourceSpec

LONG = (
    "_file varchar, _line bigint, table_id varchar, area_label varchar, period_label varchar, "
    "dimensions varchar, measure varchar, value_raw varchar, value double"
)
# a JSON number as json_type names it; anything else in a measure's place is refused
JSON_NUMBER_TYPES = ("UBIGINT", "BIGINT", "DOUBLE")
# the long layout's columns that hold a measure's cell (value_raw as read, value parsed)
MEASURE_CELLS = ("value", "value_raw")


def file_columns(
    con: duckdb.DuckDBPyConnection,
    source: str,
    column: str,
    file: str,
    lines: list[int],
    values: list[str],
) -> str | None:
    """The long layout's `column` where `file` holds `values` at `lines` in `incoming`,
    named as the file has it: a measure's cell as StatBank's INDHOLD or a Jobindsats
    measure's label ('Antal fuldtidspersoner'), the period as TID or Periode, the area as
    OMRÅDE (or the table's area variable) or Område; None for any other column (the file
    has it under the same name). A line holds a cell of each measure: `values` (the cells as
    written, 'None' for an empty one, as the trace gives them) tell which."""
    if column not in (*MEASURE_CELLS, "period_label", "area_label", "dimensions"):
        return None
    cell = "value_raw" if column in MEASURE_CELLS else column
    conf = extracts_config()[source]
    found = con.execute(
        "select distinct table_id, measure from incoming "
        "where _file = ? and list_contains(?, _line) "
        f"and list_contains(?, coalesce({cell}::varchar, 'None')) "
        "order by all",
        [file, lines, values],
    ).fetchall()
    if column == "dimensions":
        return _dimension_columns(source, conf, dict.fromkeys(t for t, _ in found), values)
    names: list[str] = []
    for table, measure in found:
        if column in MEASURE_CELLS:
            names.append(_measure_in_file(source, conf[table], measure))
        else:
            area, period = _area_and_period(source, conf[table], as_in_file=True)
            names.append(period if column == "period_label" else area)
    return ", ".join(dict.fromkeys(names)) or None


def _dimension_columns(source, conf, tables, values) -> str | None:
    """The dimension columns of the file's `tables` whose cells (in `values`, the long
    layout's dimensions text) hold a CPR-shaped number, the only rule on them
    (pipeline/suites.py); every dimension column of the table where none does."""
    names: list[str] = []
    for table in tables:
        dims = conf[table]["dimensions"]
        # StatBank's columns are its variables; Jobindsats' the hierarchies' labels
        labels = {d: d if source == "statbank" else dims[d]["label"] for d in dims}
        found = [
            labels[d]
            for v in values
            for d, cell in _json_object(v).items()
            if d in labels and isinstance(cell, str) and CPR_SHAPED.search(cell)
        ]
        names += found or list(labels.values())
    return ", ".join(dict.fromkeys(names)) or None


def _json_object(text: str) -> dict:
    try:
        found = json.loads(text)
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def _area_and_period(source: str, conf: dict, as_in_file: bool = False) -> tuple[str, str]:
    """A table's area and period columns: StatBank's by its own names (the table's area
    variable, TID); Jobindsats' by their extracts.yml names (area, period), or as the
    response labels them (Område, Periode)."""
    if source == "statbank":
        return statbank_area_variable(conf), "TID"
    period, area = V3_LEADING_LABELS
    return (area, period) if as_in_file else ("area", "period")


def _measure_in_file(source: str, conf: dict, measure: str) -> str:
    """A measure's column as the file names it: StatBank's own (INDHOLD), Jobindsats' label."""
    return measure if source == "statbank" else conf["measures"][measure]["label"]


def _layout(source: str, table: str, conf: dict) -> tuple[list[str], list[str]]:
    """(the columns as the file names them, the same by their extracts.yml names): the
    layouts the fetchers and the sample generator write (pipeline/landing_formats.py)."""
    if source == "statbank":
        names = statbank_columns(table)
        return names, names
    return jobindsats_labels(table), ["period", "area", *conf["dimensions"], *conf["measures"]]


def _insert_long(
    con: duckdb.DuckDBPyConnection,
    source: str,
    table: str,
    conf: dict,
    rows: str,
    cell,
    value,
    measure_cell=None,
) -> None:
    """Append `rows` (a relation with `_file`, `_line` and the table's columns, reached as text
    by `cell(name)`) to `incoming`, one row per measure; `value(name)` is the SQL of the
    measure's number (NULL where the cell is not one), `measure_cell(name)` its cell as kept
    in value_raw (`cell` unless given)."""
    measure_cell = measure_cell or cell
    area, period = _area_and_period(source, conf)
    dims = [d for d in conf["dimensions"] if d != area]
    # as Python's json.dumps(sort_keys=True, ensure_ascii=False) writes it: '{"k": "v"}'
    pairs = [
        f"{lit(json.dumps(d, ensure_ascii=False) + ': ')} || coalesce(to_json({cell(d)}), 'null')"
        for d in sorted(dims)
    ]
    dimensions = "'{' || " + " || ', ' || ".join(pairs) + " || '}'" if pairs else "'{}'"
    for measure in conf["measures"]:
        con.execute(
            f"""
            insert into incoming
            select _file, _line, {lit(table)}, {cell(area)}, {cell(period)}, {dimensions},
                   {lit(measure)}, {measure_cell(measure)}, {value(measure)}
            from {rows}
            """
        )


def _number_problems(con: duckdb.DuckDBPyConnection) -> Problems:
    """StatBank cells that are neither a Danish number nor '..'."""
    rows = con.execute(
        f"""
        select _file, _line, measure, value_raw from incoming
        where value_raw is not null and value_raw <> {lit(MISSING)}
          and not {is_number_sql("value_raw")}
        qualify row_number() over (partition by _file order by _line) <= {MAX_ROWS_REPORTED}
        order by _file, _line
        """
    ).fetchall()
    return _cell_problems(
        rows,
        "{raw!r} is not a Danish-formatted number (expected e.g. '4,2' or '1.234')",
        "a Danish number like '4,2' or '1.234', or '..' for missing",
    )


def _cell_problems(rows, what: str, expected: str, problems: Problems | None = None) -> Problems:
    """A Problem per (file, line, column, raw value) row: `what` formats the raw value."""
    problems = {} if problems is None else problems
    for file, line, column, raw in rows:
        problems.setdefault(file, []).append(
            Problem(
                file,
                what.format(raw=raw),
                row=int(line),
                column=column,
                value=raw,
                expected=expected,
            )
        )
    return problems


def _values_not_asked(con: duckdb.DuckDBPyConnection, conf: dict) -> Problems:
    """StatBank cells that hold what extracts.yml does not ask: an area's name in a table
    asked with codes, and a value of a variable whose values it asks (`select`, but '*').
    Staging keeps the asked codes only: a PEN113 file of recipients (MODTAG1 80) where the
    new ones (82) are asked loaded, replaced the month's delivery and lost its rows without
    a word, and an unknown code (ALDER 'TOTAL') loaded and failed a dbt test, naming no
    file, at every refresh after it (helper-119, December 2026)."""
    problems: Problems = {}

    def refuse(variable: str, condition: str, what: str, expected: str, params=()) -> None:
        """The cells of `variable` in `_obs_text` where `condition` (SQL on `cell`) holds."""
        cell = f"nullif(trim({q(variable)}), '')"
        rows = con.execute(
            f"""
            select _file, _line, {lit(variable)}, {cell} from _obs_text
            where {cell} is not null and {condition.format(cell=cell)}
            qualify row_number() over (partition by _file order by _line) <= {MAX_ROWS_REPORTED}
            order by _file, _line
            """,
            list(params),
        ).fetchall()
        # a CPR-shaped cell is the rule of person ids' to refuse (pipeline/suites.py), which
        # says what it is
        _cell_problems([r for r in rows if not CPR_SHAPED.search(r[3])], what, expected, problems)

    if conf.get("value_presentation") == "Code":
        # asked with codes (every table: extracts.yml), the area is DST's three digits: a
        # name ('Ballerup') beside the code of the same area ('151') in one file passed the
        # suite, which takes either, and made two rows of 151 that a dbt test refused, naming
        # no file, at every refresh after it (helper-119)
        refuse(
            statbank_area_variable(conf),
            "not regexp_full_match({cell}, '[0-9]{{3}}')",
            "{raw!r} is a name where the table is asked with codes",
            "DST's three-digit area code, as '000' for the country (extracts.yml "
            "value_presentation: Code)",
        )
    for variable, asked in (conf.get("select") or {}).items():
        if "*" not in asked:
            refuse(
                variable,
                "{cell} not in (select unnest(?::varchar[]))",
                "{raw!r} is not a value extracts.yml asks of this variable",
                f"one of {', '.join(asked)} (extracts.yml select)",
                [list(asked)],
            )
    return problems


def _read_statbank_table(
    con, table: str, conf: dict, files: list[Delivery], names: list[str]
) -> Problems:
    problems: Problems = {}
    sniffed = []
    for d in files:
        s, found = sniff_csv(d.path, names)
        if found:
            problems[d.name] = found
        else:
            sniffed.append((d, s))
    if not sniffed:
        return problems
    merge(problems, read_csv_text(con, "_obs_text", sniffed, names))
    merge(problems, _values_not_asked(con, conf))
    _insert_long(
        con,
        "statbank",
        table,
        conf,
        "_obs_text",
        lambda n: f"trim({q(n)})",
        lambda n: number_sql(f"nullif(trim({q(n)}), '')"),
        # an empty figure is missing, as '..' is (issue 17; no recorded response has one); an empty
        # area, period or dimension stays empty, and the not-null rules refuse it
        measure_cell=lambda n: f"coalesce(nullif(trim({q(n)}), ''), {lit(MISSING)})",
    )
    con.execute("drop table _obs_text")
    return problems


V3_SHAPE = '{"columns": [...], "rows": [[...], ...]}'
V3_COLUMNS = "{'columns': 'VARCHAR[]', 'rows': 'JSON[][]'}"


def _read_v3_table(
    con, table: str, conf: dict, files: list[Delivery], labels: list[str], names: list[str]
) -> Problems:
    """Jobindsats v3 JSON; a file DuckDB cannot read as that shape is refused alone."""
    problems: Problems = {}
    good = list(files)
    while good:
        try:
            con.execute(
                f"""
                create or replace temp table _json_docs as
                select parse_filename(filename) as _file, "columns" as labels, "rows"
                from read_json({sql_list([str(d.path) for d in good])}, format = 'auto',
                               filename = true, maximum_object_size = {_max_size(good)},
                               columns = {V3_COLUMNS})
                """
            )
            break
        except duckdb.Error as e:
            bad = _unreadable_json(con, good, e)
            merge(problems, bad)
            good = [d for d in good if d.name not in bad]
    if not good:
        return problems
    docs = con.execute(
        "select _file, any_value(labels), count(*) from _json_docs group by 1"
    ).fetchall()
    # DuckDB reads an empty (or blank) file as no document at all, not as an error
    read = {file for file, _, _ in docs}
    for d in good:
        if d.name not in read:
            problems.setdefault(d.name, []).append(
                Problem(d.name, "the file is empty", expected=V3_SHAPE)
            )
    for file, found, n_docs in docs:
        if n_docs != 1:
            problems.setdefault(file, []).append(
                Problem(file, f"the file holds {n_docs} responses", expected="exactly one")
            )
        elif found != labels:
            problems.setdefault(file, []).extend(
                check_columns(file, found or [], labels)
                or [Problem(file, f"columns in another order: {found}", expected=str(labels))]
            )
    con.execute(
        """
        create or replace temp table _json_rows as
        select _file, unnest(range(1, len("rows") + 1)) as _line, unnest("rows") as r
        from _json_docs
        """
    )
    for file, line, n in con.execute(
        f"""
        select _file, _line, len(r) from _json_rows where len(r) <> {len(names)}
        qualify row_number() over (partition by _file order by _line) <= {MAX_ROWS_REPORTED}
        """
    ).fetchall():
        problems.setdefault(file, []).append(
            Problem(file, f"data row has {n} values, expected {len(names)}", row=int(line))
        )
    empty = con.execute(
        'select _file from _json_docs where len("rows") = 0 or "rows" is null'
    ).fetchall()
    for (file,) in empty:
        problems.setdefault(file, []).append(Problem(file, "the response has no data rows"))
    drop_files(con, "_json_rows", problems)
    position = {n: i + 1 for i, n in enumerate(names)}
    measures = list(conf["measures"])
    numbers = sql_list(list(JSON_NUMBER_TYPES))
    for measure in measures:
        label = conf["measures"][measure]["label"]
        rows = con.execute(
            f"""
            select _file, _line, {lit(label)}, r[{position[measure]}]::varchar from _json_rows
            where json_type(r[{position[measure]}]) not in ({numbers[1:-1]}, 'NULL')
                -- NaN, Infinity and 1e400, which DuckDB's reader takes for doubles: no JSON
                -- number (RFC 8259), and GX's range rules pass NaN as a null (helper-94)
                or json_type(r[{position[measure]}]) in ({numbers[1:-1]})
                and not isfinite(r[{position[measure]}]::double)
            qualify row_number() over (partition by _file order by _line) <= {MAX_ROWS_REPORTED}
            """
        ).fetchall()
        _cell_problems(
            rows,
            "{raw} is not a JSON number",
            "a JSON number (e.g. 17.8 or 16446), or null where suppressed",
            problems,
        )
    drop_files(con, "_json_rows", problems)
    _insert_long(
        con,
        "jobindsats",
        table,
        conf,
        "_json_rows",
        lambda n: (
            f"coalesce(r[{position[n]}]::varchar, 'null')"
            if n in measures
            else f"(r[{position[n]}] ->> '$')"
        ),
        lambda n: (
            f"case when json_type(r[{position[n]}]) in ({numbers[1:-1]}) "
            f"then r[{position[n]}]::double end"
        ),
    )
    con.execute("drop table _json_rows")
    con.execute("drop table _json_docs")
    return problems


def _max_size(files: list[Delivery]) -> int:
    """DuckDB's largest JSON object: the whole response (DuckDB's default is 16 MB)."""
    return max(16 << 20, max(d.size for d in files) + (1 << 20))


def _unreadable_json(con, files: list[Delivery], together: duckdb.Error) -> Problems:
    """The files DuckDB cannot read as a Jobindsats v3 response, each tried alone (`together`:
    DuckDB's error reading them all at once)."""
    bad: Problems = {}
    for d in files:
        try:
            con.execute(
                f"select count(*) from read_json({lit(str(d.path))}, format = 'auto', "
                f"maximum_object_size = {_max_size([d])}, columns = {V3_COLUMNS})"
            ).fetchall()
        except duckdb.Error as e:
            said = duckdb_reason(e, d)
            bad[d.name] = [
                Problem(d.name, f"not a Jobindsats v3 JSON response: {said}", expected=V3_SHAPE)
            ]
    if not bad:  # the batch failed, yet every file reads alone: refuse them all, saying so
        for d in files:
            bad[d.name] = [
                Problem(
                    d.name,
                    "the files of this table could not be read together: "
                    + str(together).splitlines()[0],
                )
            ]
    return bad


def read_observations(
    con: duckdb.DuckDBPyConnection, spec: SourceSpec, files: list[Delivery]
) -> Problems:
    """Every file of a benchmark source, table by table, into `incoming`."""
    con.execute(f"create or replace temp table incoming ({LONG})")
    problems: Problems = {}
    tables = extracts_config().get(spec.source, {})
    groups: dict[str, list[Delivery]] = defaultdict(list)
    for d in files:
        if d.table not in tables:
            problems[d.name] = [
                Problem(
                    d.name,
                    f"table {d.table!r} is not configured in extracts.yml",
                    expected=f"one of {sorted(tables)}, or add it to extracts.yml",
                )
            ]
            continue
        groups[d.table].append(d)
    for table, group in sorted(groups.items()):
        conf = tables[table]
        labels, names = _layout(spec.source, table, conf)
        if spec.source == "statbank":
            merge(problems, _read_statbank_table(con, table, conf, group, names))
        else:
            merge(problems, _read_v3_table(con, table, conf, group, labels, names))
    if spec.source == "statbank":
        merge(problems, _number_problems(con))
    drop_files(con, "incoming", problems)
    return problems
