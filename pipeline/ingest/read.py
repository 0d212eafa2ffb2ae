"""Read: all new files of one suite into one DuckDB relation `incoming`, typed, each row with
its file (`_file`) and line (`_line`), or say exactly what is wrong with a file.

DuckDB parses (its CSV reader with `store_rejects`, `read_parquet`, `read_json`); Python only
looks at what DuckDB cannot tell per file: the encoding, the byte-order mark, the header and
whether every record is one line (then a row's line is its position plus one; otherwise the
lines are counted as Python's csv module counts them). A file with any problem here is left
out of `incoming` and refused with its problems; the others go on to validation.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.config import local_today
from pipeline.files import stamp_of
from pipeline.ingest.discover import Delivery, delivery
from pipeline.ingest.loadlog import SQL_TYPES
from pipeline.ingest.problems import MAX_ROWS_REPORTED, Problem
from pipeline.suites import SourceSpec

BOM = "\ufeff"
Problems = dict[str, list[Problem]]  # by file name
MAX_LINE_BYTES = 10_000_000  # the longest record DuckDB's reader takes (max_line_size)
# Python's csv module takes fields up to 131,072 characters by default, and raises beyond
csv.field_size_limit(MAX_LINE_BYTES)
UNREADABLE_CSV = "one ';'-separated record per line, lines ending in LF or CRLF"

# what a cell of each declared type must look like (DuckDB regular expressions, RE2)
CELL_PATTERNS = {
    "int": (r"-?\d+", "a whole number (64-bit: at most 9,223,372,036,854,775,807)"),
    "double": (r"-?\d+(\.\d+)?", "a number with '.' as decimal point"),
    "date": (r"\d{4}-\d{2}-\d{2}", "a date as YYYY-MM-DD"),
    "bool": (r"[01]", "0 or 1"),
}


def q(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def lit(text: str) -> str:
    """A quoted SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def sql_list(items: list[str]) -> str:
    """A list of SQL string literals, e.g. the paths a DuckDB reader takes."""
    return "[" + ", ".join(lit(i) for i in items) + "]"


def typed(column: str, kind: str) -> str:
    """SQL turning a text cell into its declared type: trimmed, empty is NULL."""
    cell = f"nullif(trim({q(column)}), '')"
    return {
        "string": cell,
        "cpr": cell,
        "int": f"try_cast({cell} as bigint)",
        "double": f"try_cast({cell} as double)",
        "date": f"try_strptime({cell}, '%Y-%m-%d')::date",
        "bool": f"case {cell} when '1' then true when '0' then false end",
    }[kind]


@dataclass
class Sniffed:
    """What Python learnt of a text file before DuckDB parses it."""

    header: list[str]
    lines: list[int] | None  # the line of each data record, when records are not one per line


def decode(path: Path, data: bytes) -> tuple[str | None, list[Problem]]:
    name = path.name
    if not data or data.isspace():  # (no copy of a large file, as strip() would make)
        return None, [Problem(name, "the file is empty", expected="a header line and data")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        return None, [
            Problem(
                name,
                f"not valid UTF-8 at byte {e.start}",
                row=line,
                value=data[e.start : e.start + 4].hex(" "),
                expected="UTF-8 text (is the file Latin-1/Windows-1252?)",
            )
        ]
    return text.removeprefix(BOM), []


# DuckDB's 'value "..."' in a read error (Invalid string encoding ...: value "\xFF" is not ...)
_QUOTED_VALUE = re.compile(r'value "(?:[^"\\]|\\.)*"')


def _fields(line: str) -> int:
    """How many ';'-separated fields a line the reader refused has. DuckDB gives a CRLF
    file's line with the line break around it ('\\n1;2;3' for the line 1;2;3), which
    csv.reader refused unread ("new-line character seen in unquoted field"), and that error
    stopped the whole ingest with no file or line named (helper-119: a truncated StatBank
    download, a short line in a CRLF export)."""
    line = line.strip("\r\n")
    try:
        return len(next(csv.reader([line], delimiter=";"), []))
    except csv.Error:  # a bare CR inside the line: counted as the reader split it
        return line.count(";") + 1


def without_values(error: duckdb.Error) -> str:
    """DuckDB's error's first line without any value it quotes (it may be a person's id in
    an encoding that is no UTF-8, not CPR-shaped to privacy's hiding; helper-95)."""
    return _QUOTED_VALUE.sub("a value", str(error).strip().splitlines()[0])


def duckdb_reason(error: duckdb.Error, d: Delivery) -> str:
    """DuckDB's reason for not reading one file, as its refusal says it: the first line, the
    file by its name (DuckDB names it by its landing path, which the file leaves for
    quarantine), and no value DuckDB quotes (it may be a person's id in an encoding that is
    no UTF-8: without_values)."""
    said = without_values(error)
    return said.replace(f'"{d.path}"', d.name).replace(str(d.path), d.name)[:300]


def line_ending_fault(path: Path) -> tuple[int | None, str]:
    """The first line whose end differs from the first line's (LF against CRLF), or that
    holds a CR outside quotes that does not end it: what DuckDB's reader stops at as "state
    machine reached an invalid state", naming no line (helper-94); (None, '') if none.
    Lines are counted by LF, as an editor counts them; a quote opens a field only at the
    field's start, and "" inside one is a quote. Read only for a file the reader refused."""
    data = path.read_bytes()
    first = data.find(b"\n")
    if first < 0:
        return None, ""
    crlf = data[first - 1 : first] == b"\r"
    quoted, line, escaped = False, 1, -1
    for found in re.finditer(rb'["\r\n]', data):
        at, char = found.start(), found.group()
        if at == escaped:
            continue
        if char == b'"':
            if quoted and data[at + 1 : at + 2] == b'"':
                escaped = at + 1
            elif quoted or at == 0 or data[at - 1 : at] in (b";", b"\n"):
                quoted = not quoted
        elif char == b"\n":
            if not quoted and (data[at - 1 : at] == b"\r") != crlf:
                ends, was = ("LF", "CRLF") if crlf else ("CRLF", "LF")
                return line, f"line {line} ends in {ends} where line 1 ends in {was}"
            line += 1
        elif not quoted and data[at + 1 : at + 2] != b"\n":
            return line, f"line {line} holds a CR (carriage return) that does not end it"
    return None, ""


def check_columns(name: str, found: list[str], wanted: list[str]) -> list[Problem]:
    if found == wanted:
        return []
    missing = [c for c in wanted if c not in found]
    extra = [c for c in found if c not in wanted]
    # a name the header repeats (a;b;c;c was "in another order", naming none; helper-94)
    twice = sorted({c for c in found if found.count(c) > 1})
    parts = []
    if missing:
        parts.append(f"missing {missing}")
    if extra:
        parts.append(f"unexpected {extra}")
    if twice:
        parts.append(f"more than once {twice}")
    if not parts:
        parts.append("the columns are in another order")
    return [
        Problem(
            name,
            "the columns do not match: " + "; ".join(parts),
            row=1,
            # the header's wrong names, or the missing ones (None where only the order is)
            column=", ".join(extra or missing or twice) or None,
            value=";".join(found),
            expected=";".join(wanted),
        )
    ]


def sniff_csv(
    path: Path, wanted: list[str], header_only: bool = False
) -> tuple[Sniffed | None, list[Problem]]:
    """Encoding, BOM, header and line layout of a ';' CSV. The layout is read by searching
    the text, not by copying it (0.4 s instead of 1.2 s for the 768 CSV files of
    `make bench SCALE=18.6`). What Python's csv module cannot read (a line ending in CR
    alone, a broken quote) is the file's problem, not the run's. A file of its header alone
    is refused unless `header_only` (a source that sends its month so far)."""
    text, problems = decode(path, path.read_bytes())
    if text is None:
        return None, problems
    try:
        return _sniff_text(path, text, wanted, header_only)
    except csv.Error as e:
        return None, [
            Problem(path.name, f"the file cannot be read as CSV: {e}", expected=UNREADABLE_CSV)
        ]


def _sniff_text(
    path: Path, text: str, wanted: list[str], header_only: bool = False
) -> tuple[Sniffed | None, list[Problem]]:
    end = text.find("\n")
    first = text if end < 0 else text[:end]
    header = next(csv.reader([first.rstrip("\r")], delimiter=";"), [])
    if len(header) == 1 and ("," in header[0] or "\t" in header[0]):
        return None, [
            Problem(
                path.name,
                "the header is not ';'-separated",
                row=1,
                value=header[0][:80],
                expected="';' as the field separator",
            )
        ]
    problems = check_columns(path.name, header, wanted)
    if problems:
        return None, problems
    if end < 0 or not NOT_SPACE.search(text, end + 1):
        if header_only:
            return Sniffed(header, None), []
        return None, [
            Problem(
                path.name, "the file has a header but no data rows", expected="at least one row"
            )
        ]
    if '"' not in text and not BARE_CR.search(text) and not _blank_line_within(text):
        return Sniffed(header, None), []
    # each record's first line (a quoted value may run over several; line_num after reading
    # a record is its last)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    lines, before = [], 0
    try:
        for record in reader:
            if record:
                lines.append(before + 1)
            before = reader.line_num
    except csv.Error as e:  # the record after line `before`: a field over the reader's
        # limit, which was refused naming no line (helper-119: a quoted 11 MB cell)
        return None, [
            Problem(
                path.name,
                f"the file cannot be read as CSV: {e}",
                row=before + 1,
                expected=UNREADABLE_CSV,
            )
        ]
    return Sniffed(header, lines[1:]), []


NOT_SPACE = re.compile(r"\S")
BARE_CR = re.compile(r"\r(?!\n)")  # a carriage return that does not end a line
BLANK_LINE = re.compile(r"\n\r?\n")
NOT_NEWLINE = re.compile(r"[^\r\n]")


def _blank_line_within(text: str) -> bool:
    """Whether a blank line comes before the last record (blank lines at the end are none)."""
    blank = BLANK_LINE.search(text)
    return blank is not None and NOT_NEWLINE.search(text, blank.start()) is not None


def read_csv_text(
    con: duckdb.DuckDBPyConnection,
    target: str,
    files: list[tuple[Delivery, Sniffed]],
    columns: list[str],
) -> Problems:
    """Parse the files with DuckDB into temp table `target`: `_file`, `_line` and every column
    as text. Lines that do not parse (too few or too many fields, a broken quote) are
    problems of their file, which is then left out of `target`."""
    problems: Problems = {}
    spec = ", ".join(f"{lit(c)}: 'VARCHAR'" for c in columns)

    def reader(paths: list[str]) -> str:
        return f"""
            read_csv({sql_list(paths)}, columns = {{{spec}}}, header = true, delim = ';',
                     quote = '"', escape = '"', auto_detect = false, filename = true,
                     store_rejects = true, rejects_table = '_rejects',
                     rejects_scan = '_reject_scans', max_line_size = {MAX_LINE_BYTES})"""

    def scan(paths: list[str]) -> None:
        con.execute(
            "create or replace temp table _csv_text as "
            f"select row_number() over () as _g, filename as _path, * from {reader(paths)}"
        )

    try:
        scan([str(d.path) for d, _ in files])
    except duckdb.Error:
        # A file DuckDB's reader cannot parse at all stops the whole scan (a bare CR inside
        # an unquoted field: "CSV Parser state machine reached an invalid state"), where a
        # line it cannot read is a reject of its file. Each file is then tried alone; those
        # that stop the reader are refused with its reason, and the others are read together.
        good = []
        for d, s in files:
            try:
                con.execute(f"select count(*) from {reader([str(d.path)])}").fetchall()
                good.append((d, s))
            except duckdb.Error as e:
                reason = duckdb_reason(e, d)
                line, ending = line_ending_fault(d.path)
                problems[d.name] = [
                    Problem(
                        d.name,
                        f"the file cannot be parsed: {ending + '; ' if ending else ''}{reason}",
                        row=line,
                        expected=UNREADABLE_CSV,
                    )
                ]
            con.execute("drop table if exists _rejects")
            con.execute("drop table if exists _reject_scans")
        files = good
        if files:
            scan([str(d.path) for d, _ in files])
        else:
            typed_columns = ", ".join(f"{q(c)} varchar" for c in columns)
            con.execute(
                "create or replace temp table _csv_text "
                f"(_g bigint, _path varchar, {typed_columns})"
            )
    rejects = (
        con.execute(
            "select s.file_path, e.line, e.error_type::varchar, e.csv_line, e.error_message "
            "from _rejects e join _reject_scans s using (scan_id, file_id) order by 1, 2"
        ).fetchall()
        if files
        else []
    )
    by_path = {str(d.path): d for d, _ in files}
    for path, line, kind, text, message in rejects:
        name = by_path[path].name
        found = problems.setdefault(name, [])
        if len(found) >= MAX_ROWS_REPORTED:
            continue
        if kind in ("MISSING COLUMNS", "TOO MANY COLUMNS"):
            n = _fields(text or "")
            found.append(
                Problem(
                    name,
                    f"the line has {n} fields, the header {len(columns)} "
                    "(a truncated or broken line?)",
                    row=int(line),
                )
            )
        else:
            found.append(Problem(name, f"the line cannot be read: {message}", row=int(line)))
    con.execute("drop table if exists _rejects")
    con.execute("drop table if exists _reject_scans")

    # each row's line: its position in its file plus one (a file's rows are consecutive in
    # _g: the reader keeps their order), or, in an irregular file, the line Python counted.
    # The position comes from each file's first _g, grouped and joined (a window over the
    # files, with a join to an empty line map, took 1.9 s instead of 0.3 s for the 1.8
    # million persons of `make bench SCALE=18.6`); only irregular files join the map.
    con.execute(
        "create or replace temp table _csv_files (_path varchar, _file varchar, irregular boolean)"
    )
    if files:  # none where every file stopped the reader
        con.executemany(
            "insert into _csv_files values (?, ?, ?)",
            [(str(d.path), d.name, s.lines is not None) for d, s in files],
        )
    maps = [
        (d.name, k, line) for d, s in files if s.lines is not None for k, line in enumerate(s.lines)
    ]
    irregular = any(s.lines is not None for _, s in files)
    line = "t._g - s.g0 + 2"
    line_map = ""
    if irregular:
        con.execute("create or replace temp table _line_map (_file varchar, k bigint, line bigint)")
        if maps:
            con.executemany("insert into _line_map values (?, ?, ?)", maps)
        line = f"case when f.irregular then m.line else {line} end"
        line_map = "left join _line_map as m on m._file = f._file and m.k = t._g - s.g0"
    con.execute(
        f"""
        create or replace temp table {target} as
        select f._file, {line} as _line, {", ".join(f"t.{q(c)}" for c in columns)}
        from _csv_text as t
        join _csv_files as f using (_path)
        join (select _path, min(_g) as g0 from _csv_text group by _path) as s using (_path)
        {line_map}
        """
    )
    con.execute("drop table _csv_text")
    # an irregular file whose records DuckDB and Python count differently is not guessed at
    if irregular:
        counts = dict(
            con.execute(
                f"select _file, count(*) filter (where _line is null) from {target} group by 1"
            ).fetchall()
        )
        for d, s in files:
            if s.lines is not None and counts.get(d.name) and d.name not in problems:
                problems[d.name] = [
                    Problem(
                        d.name,
                        "the records could not be matched to lines (blank lines, stray quotes?)",
                        expected="one ';'-separated record per line, or standard CSV quoting",
                    )
                ]
    drop_files(con, target, problems)
    return problems


# a whole number shaped like a CPR number written without its dash (ddmmyyxxxx), in a
# column that holds no person id (SourceSpec.numbers_without_person_ids)
CPR_AS_NUMBER = (
    r"(0[1-9]|[12][0-9]|3[01])(0[1-9]|1[0-2])[0-9]{6}",
    "no number shaped like a CPR number, in a column that holds no person id",
)


def type_cells(
    con: duckdb.DuckDBPyConnection,
    source: str,
    target: str,
    columns: dict[str, str],
    no_person_ids: tuple[str, ...] = (),
) -> Problems:
    """Temp table `target`: `source`'s rows (text) with every column in its declared type,
    and the cells that do not fit it, by file. One pass: each cell is trimmed, matched and
    cast once (reading the text twice, for the problems and then for the types, took 2.3 s
    instead of 1.3 s for the 2.9 million meetings of `make bench SCALE=18.6`). A cell that
    does not fit keeps its text in a column of its own (`_bad_<n>`, NULL elsewhere), from
    which the problems are read. A whole number of a column in `no_person_ids` shaped like a
    CPR number is such a cell too (`_bad_cpr_<n>`)."""
    select, bad_cells = [], []
    for n, (col, kind) in enumerate(columns.items()):
        select.append(f"{typed(col, kind)} as {q(col)}")
        if kind not in CELL_PATTERNS:
            continue
        cell = f"trim({q(col)})"
        if col in no_person_ids:
            select.append(
                f"case when regexp_full_match({cell}, {lit(CPR_AS_NUMBER[0])}) "
                f"then {cell} end as _bad_cpr_{n}"
            )
            bad_cells.append(
                f"select _file, _line, {lit(col)} as col, 'person_id' as kind, "
                f"_bad_cpr_{n} as value from {target} where _bad_cpr_{n} is not null"
            )
        bad = f"not regexp_full_match({cell}, {lit(CELL_PATTERNS[kind][0])})"
        if kind == "date":
            bad += f" or try_strptime({cell}, '%Y-%m-%d') is null"
        elif kind in ("int", "double"):  # the pattern's digits, but beyond the type's range
            bad += f" or {typed(col, kind)} is null"
        select.append(
            f"case when nullif({cell}, '') is not null and ({bad}) then {cell} end as _bad_{n}"
        )
        bad_cells.append(
            f"select _file, _line, {lit(col)} as col, {lit(kind)} as kind, _bad_{n} as value "
            f"from {target} where _bad_{n} is not null"
        )
    con.execute(
        f"create or replace temp table {target} as "
        f"select _file, _line, {', '.join(select)} from {source}"
    )
    if not bad_cells:
        return {}
    rows = con.execute(
        f"""
        select _file, col, kind, _line, value, count(*) over (partition by _file, col) as n
        from ({" union all ".join(bad_cells)})
        qualify row_number() over (partition by _file, col order by _line) <= {MAX_ROWS_REPORTED}
        order by _file, col, _line
        """
    ).fetchall()
    order = list(columns)
    problems: Problems = {}
    for file, col, kind, line, value, n in sorted(rows, key=lambda r: (r[0], order.index(r[1]))):
        found = problems.setdefault(file, [])
        person = kind == "person_id"
        what = (
            "holds a number shaped like a CPR number, in a column that holds no person id"
            if person
            else f"value is not of type {kind}"
        )
        found.append(
            Problem(
                file,
                what,
                row=int(line),
                column=col,
                value=str(value),
                expected=CPR_AS_NUMBER[1] if person else CELL_PATTERNS[kind][1],
            )
        )
        shown = sum(p.column == col and p.message == what for p in found)
        if n > MAX_ROWS_REPORTED and shown == MAX_ROWS_REPORTED:
            found.append(Problem(file, f"{n} values in all: {what}", column=col))
    return problems


def drop_incoming(con: duckdb.DuckDBPyConnection) -> None:
    """Forget the previous suite's `incoming` (a table, or a view over Parquet files)."""
    kinds = con.execute(
        "select 'view' from duckdb_views() where view_name = 'incoming' and temporary "
        "union all select 'table' from duckdb_tables() where table_name = 'incoming' "
        "and temporary"
    ).fetchall()
    for (kind,) in kinds:
        con.execute(f"drop {kind} incoming")


def drop_files(con: duckdb.DuckDBPyConnection, table: str, problems: Problems) -> None:
    """Leave the refused files' rows out of a temp table."""
    if problems:
        con.execute(f"delete from {table} where _file in (select unnest(?))", [list(problems)])


def merge(into: Problems, more: Problems) -> Problems:
    for file, found in more.items():
        into.setdefault(file, []).extend(found)
    return into


def read_csv(
    con: duckdb.DuckDBPyConnection,
    spec: SourceSpec,
    files: list[Delivery],
    today: date | None = None,
    current: dict[str, int] | None = None,
) -> tuple[Problems, set[str]]:
    """A plain ';' CSV export (case system, registers): header = the declared columns. The
    problems, and the files with problems whose other rows are in `incoming` (only cells of
    the wrong type were wrong)."""
    problems: Problems = {}
    sniffed = []
    # a source that sends its month so far every day (the case system) sends its header
    # alone on a day before the month's first event (a sanction, an offer): no rows yet, not
    # a broken export (helper-79: a sanctions export of a month's first days was refused,
    # and with it the refresh, in 53 of the sample's 95 months on day 3). Only while the
    # month runs, and only while no delivery of it with rows is current (a month's rows are
    # not replaced by none: helper-80): a finished month's export without rows, or one after
    # rows came, is refused as before.
    day = today or local_today()
    for d in files:
        running = d.period is not None and d.period.first_day <= day <= d.period.last_day
        had_rows = (current or {}).get(d.delivery_key or "", 0) > 0
        header_only = spec.delivers_month_so_far and running and not had_rows
        s, found = sniff_csv(d.path, list(spec.columns), header_only)
        if found:
            problems[d.name] = found
        else:
            sniffed.append((d, s))
    con.execute(
        "create or replace temp table _text ("
        + ", ".join(["_file varchar", "_line bigint", *(f"{q(c)} varchar" for c in spec.columns)])
        + ")"
    )
    if sniffed:
        merge(problems, read_csv_text(con, "_text", sniffed, list(spec.columns)))
    cells = type_cells(con, "_text", "_typed", spec.columns, spec.numbers_without_person_ids)
    con.execute("drop table _text")
    # A file whose problems are cells that do not fit their type keeps its other rows, to be
    # validated with the rest (ingest.run: its refusal then names every problem at once, not
    # only the types until the next delivery); the rows with such a cell are left out. A
    # file with a problem of another kind is left out whole.
    drop_files(con, "_typed", problems)
    partly = set(cells) - set(problems)
    if cells:  # a scan of every row, only where some cell did not fit
        described = con.execute("select * from _typed limit 0").description
        bad = [f"{c} is not null" for c, *_ in described if c.startswith("_bad_")]
        con.execute(f"delete from _typed where {' or '.join(bad)}")
    merge(problems, cells)
    # the typed columns alone (a view: the rows are not copied once more)
    columns = ", ".join(q(c) for c in spec.columns)
    con.execute(f"create temp view incoming as select _file, _line, {columns} from _typed")
    return problems, partly


PARQUET_TYPES = {
    # BIGINT in raw: an unsigned 64-bit column could hold a value beyond it, which the cast
    # would fail on at load, naming no file (helper-70); the narrower unsigned ones fit
    "int": lambda t: pa.types.is_signed_integer(t) or t in (pa.uint8(), pa.uint16(), pa.uint32()),
    "string": lambda t: pa.types.is_string(t) or pa.types.is_large_string(t),
    "cpr": lambda t: pa.types.is_string(t) or pa.types.is_large_string(t),
    "double": lambda t: pa.types.is_floating(t) or pa.types.is_integer(t),
    "date": pa.types.is_date,
    "bool": pa.types.is_boolean,
}


def read_parquet(
    con: duckdb.DuckDBPyConnection, spec: SourceSpec, files: list[Delivery]
) -> Problems:
    """Parquet (the benefit register): the schema of each file checked from its footer, the
    rows read by DuckDB where they lie (a view, so 30 million rows are never copied)."""
    problems: Problems = {}
    good = []
    for d in files:
        try:
            meta = pq.read_metadata(d.path)
            schema = meta.schema.to_arrow_schema()
        except Exception as e:
            problems[d.name] = [Problem(d.name, f"not a readable Parquet file: {e}")]
            continue
        found = check_columns(d.name, schema.names, list(spec.columns))
        for col, kind in spec.columns.items() if not found else ():
            dtype = schema.field(col).type
            if not PARQUET_TYPES[kind](dtype):
                found.append(Problem(d.name, f"column has type {dtype}", column=col, expected=kind))
        if meta.num_rows == 0:
            found.append(Problem(d.name, "the file has no rows", expected="at least one"))
        if found:
            problems[d.name] = found
        else:
            good.append(d)
    select = ", ".join(f"{q(c)}::{SQL_TYPES[k]} as {q(c)}" for c, k in spec.columns.items())
    if good:
        paths = [str(d.path) for d in good]
        con.execute(
            f"""
            create or replace temp view incoming as
            select parse_filename(filename) as _file, file_row_number + 1 as _line, {select}
            from read_parquet({sql_list(paths)}, filename = true, file_row_number = true)
            """
        )
    else:
        cols = ", ".join(f"null::{SQL_TYPES[k]} as {q(c)}" for c, k in spec.columns.items())
        con.execute(
            "create or replace temp view incoming as select null::varchar as _file, "
            f"null::bigint as _line, {cols} where false"
        )
    return problems


def unreadable_parquet(
    con: duckdb.DuckDBPyConnection, spec: SourceSpec, files: list[Delivery]
) -> Problems:
    """The files among `files` whose footer reads but whose rows DuckDB cannot (a string
    that is not UTF-8, a corrupt page), each read alone, every value of every column (a
    count alone reads no string, and a min or max DuckDB takes from the footer's statistics
    where it can: a bad value that is neither was not read, and the batch's error stopped
    the ingest, quoting it, helper-119; a count of distinct values hashes each one).
    read_parquet checks only the footer, so that 30 million rows are read once, by
    validation; that scan failed for the batch with DuckDB's error, and the whole ingest
    stopped (helper-94). Only then are the files read one by one."""
    problems: Problems = {}
    for d in files:
        for column in spec.columns:  # each alone, to name it
            try:
                con.execute(
                    f"select count(distinct {q(column)}) from read_parquet({lit(str(d.path))})"
                ).fetchall()
            except duckdb.Error as e:
                problems.setdefault(d.name, []).append(
                    Problem(
                        d.name, f"values that cannot be read: {duckdb_reason(e, d)}", column=column
                    )
                )
    return problems


def read(
    con: duckdb.DuckDBPyConnection,
    spec: SourceSpec,
    files: list[Delivery],
    today: date | None = None,
    current: dict[str, int] | None = None,
) -> tuple[Problems, set[str]]:
    """Fill `incoming` with the files of one suite; the problems of the files left out, and
    those of them whose other rows are in `incoming` nonetheless (a CSV file whose only
    problems are cells of the wrong type). `today`: the day of validation, and `current`:
    the rows of each current delivery of the suite's raw table (loadlog.current_rows; a
    month still running may be delivered without rows while none of it came: read_csv)."""
    drop_incoming(con)
    if spec.reader == "csv":
        return read_csv(con, spec, files, today, current)
    if spec.reader == "parquet":
        return read_parquet(con, spec, files), set()
    from pipeline.ingest.observations import read_observations

    return read_observations(con, spec, files), set()


def read_file(source: str, path: Path):
    """One landing file as ingest reads it, in a throw-away DuckDB: (rows, problems)."""
    import pandas as pd

    d = delivery(source, path, "", stamp_of(path))
    if d.spec is None:
        return None, [Problem(path.name, f"no suite matches this file name in {source}")]
    with duckdb.connect() as con:
        problems = read(con, d.spec, [d])[0].get(path.name, [])
        frame: pd.DataFrame = con.execute(
            "select * exclude (_file) from incoming order by _line"
        ).df()
    return (None if problems else frame.convert_dtypes()), problems
