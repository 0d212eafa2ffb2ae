"""Read one landing file into a typed DataFrame, or say exactly what is wrong with it.

Every problem names the file, the line (or data row) and the column, and what was expected.
`ReadResult.lines` holds, for each row of the frame, its line in the file (for Parquet the
row number, for Jobindsats JSON the data row), so that Great Expectations' unexpected row
positions can be named as lines of the file. (GX's pandas engine needs a default index.)
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import yaml

from pipeline.config import REPO_ROOT
from pipeline.danish import DanishFormatError, parse_number
from pipeline.suites import SourceSpec

BOM = "\ufeff"
MAX_CELLS_REPORTED = 20
OBSERVATION_COLUMNS = [
    "table_id",
    "area_label",
    "period_label",
    "dimensions",
    "measure",
    "value_raw",
    "value",
]


@dataclass
class Problem:
    file: str
    message: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    expected: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column {self.column!r}"
        text = f"{where}: {self.message}"
        if self.value is not None:
            text += f" (found {self.value!r})"
        if self.expected:
            text += f"; expected {self.expected}"
        return text


@dataclass
class ReadResult:
    frame: pd.DataFrame | None
    problems: list[Problem] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)

    @classmethod
    def of(cls, frame: pd.DataFrame | None, problems: list[Problem]) -> ReadResult:
        """From a frame indexed by file line: move the lines aside, reset the index."""
        if frame is None or problems:
            return cls(None, problems)
        return cls(frame.reset_index(drop=True), [], [int(x) for x in frame.index])

    @property
    def ok(self) -> bool:
        return not self.problems and self.frame is not None


@cache
def extracts_config() -> dict[str, Any]:
    return yaml.safe_load((REPO_ROOT / "extracts.yml").read_text(encoding="utf-8"))


def _decode(path: Path, data: bytes, require_bom: bool) -> tuple[str | None, list[Problem]]:
    name = path.name
    if not data.strip():
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
    if require_bom and not text.startswith(BOM):
        return None, [
            Problem(
                name,
                "the UTF-8 byte-order mark (BOM) is missing",
                row=1,
                expected="a StatBank CSV that starts with the BOM (EF BB BF)",
            )
        ]
    return text.removeprefix(BOM), []


def _csv_rows(
    path: Path, text: str
) -> tuple[list[str], list[tuple[int, list[str]]], list[Problem]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    rows = [(reader.line_num, r) for r in reader if r]
    if not rows:
        return [], [], [Problem(path.name, "the file has no header line")]
    header = rows[0][1]
    problems = []
    if len(header) == 1 and ("," in header[0] or "\t" in header[0]):
        problems.append(
            Problem(
                path.name,
                "the header is not ';'-separated",
                row=1,
                value=header[0][:80],
                expected="';' as the field separator",
            )
        )
    data = rows[1:]
    for line, r in data:
        if len(r) != len(header):
            problems.append(
                Problem(
                    path.name,
                    f"the line has {len(r)} fields, the header "
                    f"{len(header)} (a truncated or broken line?)",
                    row=line,
                )
            )
    if not data and not problems:
        problems.append(
            Problem(
                path.name, "the file has a header but no data rows", expected="at least one row"
            )
        )
    return header, data, problems


def _cast(path: Path, frame: pd.DataFrame, columns: dict[str, str]) -> list[Problem]:
    """Type each declared column in place; report cells that do not fit."""
    patterns = {
        "int": r"-?\d+",
        "date": r"\d{4}-\d{2}-\d{2}",
        "bool": r"[01]",
        "double": r"-?\d+(\.\d+)?",
    }
    expected = {
        "int": "a whole number",
        "date": "a date as YYYY-MM-DD",
        "bool": "0 or 1",
        "double": "a number with '.' as decimal point",
    }
    problems: list[Problem] = []
    for col, kind in columns.items():
        s = frame[col].astype("string").str.strip()
        s = s.mask(s == "")
        if kind in ("string", "cpr"):
            frame[col] = s
            continue
        bad = s.notna() & ~s.fillna("").str.fullmatch(patterns[kind])
        if kind == "date":
            parsed = pd.to_datetime(s.where(~bad), format="%Y-%m-%d", errors="coerce")
            bad = bad | (s.notna() & parsed.isna())
        for line in list(bad[bad].index)[:MAX_CELLS_REPORTED]:
            problems.append(
                Problem(
                    path.name,
                    f"value is not of type {kind}",
                    row=int(line),
                    column=col,
                    value=str(s[line]),
                    expected=expected[kind],
                )
            )
        if bad.sum() > MAX_CELLS_REPORTED:
            problems.append(
                Problem(
                    path.name, f"{int(bad.sum())} values in all are not of type {kind}", column=col
                )
            )
        if bad.any():
            continue
        if kind == "int":
            frame[col] = pd.to_numeric(s).astype("Int64")
        elif kind == "double":
            frame[col] = pd.to_numeric(s).astype("Float64")
        elif kind == "bool":
            frame[col] = s.map({"1": True, "0": False}).astype("boolean")
        else:
            frame[col] = parsed
    return problems


def _check_columns(path: Path, found: list[str], wanted: list[str]) -> list[Problem]:
    if found == wanted:
        return []
    missing = [c for c in wanted if c not in found]
    extra = [c for c in found if c not in wanted]
    parts = []
    if missing:
        parts.append(f"missing {missing}")
    if extra:
        parts.append(f"unexpected {extra}")
    if not parts:
        parts.append("the columns are in another order")
    return [
        Problem(
            path.name,
            "the columns do not match: " + "; ".join(parts),
            row=1,
            value=";".join(found),
            expected=";".join(wanted),
        )
    ]


def read_csv(spec: SourceSpec, path: Path) -> ReadResult:
    text, problems = _decode(path, path.read_bytes(), require_bom=False)
    if text is None:
        return ReadResult(None, problems)
    header, data, problems = _csv_rows(path, text)
    problems += _check_columns(path, header, list(spec.columns))
    if problems:
        return ReadResult(None, problems)
    frame = pd.DataFrame(
        [r for _, r in data],
        columns=header,
        index=pd.Index([line for line, _ in data], name="line"),
    )
    problems = _cast(path, frame, spec.columns)
    return ReadResult.of(frame, problems)


def read_parquet(spec: SourceSpec, path: Path) -> ReadResult:
    try:
        table = pq.read_table(path)
    except Exception as e:
        return ReadResult(None, [Problem(path.name, f"not a readable Parquet file: {e}")])
    problems = _check_columns(path, table.column_names, list(spec.columns))
    if problems:
        return ReadResult(None, problems)
    frame = table.to_pandas()
    frame.index = pd.RangeIndex(1, len(frame) + 1, name="row")
    for col, kind in spec.columns.items():
        dtype = frame[col].dtype
        ok = (
            pd.api.types.is_integer_dtype(dtype)
            if kind == "int"
            else pd.api.types.is_string_dtype(dtype) or dtype is object
        )
        if not ok:
            problems.append(
                Problem(path.name, f"column has type {dtype}", column=col, expected=kind)
            )
    if table.num_rows == 0:
        problems.append(Problem(path.name, "the file has no rows", expected="at least one"))
    return ReadResult.of(frame, problems)


def _observations(
    path: Path, table_id: str, records: list[tuple[int, str, str, dict, str, str]]
) -> ReadResult:
    """Long layout from (line, area, period, dimensions, measure, raw value) tuples."""
    problems, values = [], []
    for line, _, _, _, measure, raw in records:
        try:
            values.append(parse_number(raw))
        except DanishFormatError as e:
            values.append(None)
            if len(problems) < MAX_CELLS_REPORTED:
                problems.append(
                    Problem(
                        path.name,
                        str(e),
                        row=line,
                        column=measure,
                        value=raw,
                        expected="a Danish number like '4,2' or '1.234', or '..' for missing",
                    )
                )
    if problems:
        return ReadResult(None, problems)
    frame = pd.DataFrame(
        {
            "table_id": table_id,
            "area_label": [r[1] for r in records],
            "period_label": [r[2] for r in records],
            "dimensions": [json.dumps(r[3], ensure_ascii=False, sort_keys=True) for r in records],
            "measure": [r[4] for r in records],
            "value_raw": [r[5] for r in records],
            "value": pd.array(values, dtype="Float64"),
        },
        index=pd.Index([r[0] for r in records], name="line"),
    )
    for col in ("table_id", "area_label", "period_label", "dimensions", "measure", "value_raw"):
        frame[col] = frame[col].astype("string")
    return ReadResult.of(frame, [])


def _table_config(path: Path, source: str, table_id: str) -> tuple[dict | None, list[Problem]]:
    conf = extracts_config().get(source, {}).get(table_id)
    if conf is None:
        known = sorted(extracts_config().get(source, {}))
        return None, [
            Problem(
                path.name,
                f"table {table_id!r} is not configured in extracts.yml",
                expected=f"one of {known}, or add it to extracts.yml",
            )
        ]
    return conf, []


def read_statbank(spec: SourceSpec, path: Path, table_id: str) -> ReadResult:
    conf, problems = _table_config(path, "statbank", table_id)
    if conf is None:
        return ReadResult(None, problems)
    text, problems = _decode(path, path.read_bytes(), require_bom=True)
    if text is None:
        return ReadResult(None, problems)
    header, data, problems = _csv_rows(path, text)
    wanted = [*conf["dimensions"], "TID", *conf["measures"]]
    problems += _check_columns(path, header, wanted)
    if problems:
        return ReadResult(None, problems)
    dims = [d for d in conf["dimensions"] if d != "OMRÅDE"]
    records = []
    for line, r in data:
        row = dict(zip(header, r, strict=True))
        for measure in conf["measures"]:
            records.append(
                (line, row["OMRÅDE"], row["TID"], {d: row[d] for d in dims}, measure, row[measure])
            )
    return _observations(path, table_id, records)


def read_jobindsats(spec: SourceSpec, path: Path, table_id: str) -> ReadResult:
    conf, problems = _table_config(path, "jobindsats", table_id)
    if conf is None:
        return ReadResult(None, problems)
    dims, measures = list(conf["dimensions"]), list(conf["measures"])
    names = ["area", "period", *dims, *measures]
    if path.suffix == ".json":
        try:
            doc = json.loads(path.read_bytes().decode("utf-8"))
            variables = [v["Name"] for v in doc[0]["Variables"]]
            data = doc[0]["Data"]
        except (UnicodeDecodeError, json.JSONDecodeError, KeyError, IndexError, TypeError) as e:
            return ReadResult(
                None,
                [
                    Problem(
                        path.name,
                        f"not a Jobindsats v2 JSON response: {e}",
                        expected='[{"Variables": [...], "Data": [[...]]}]',
                    )
                ],
            )
        problems = _check_columns(path, variables, names)
        rows = [(i, r) for i, r in enumerate(data, start=1)]
        for i, r in rows:
            if not isinstance(r, list) or len(r) != len(names):
                problems.append(
                    Problem(
                        path.name, f"data row has {len(r)} values, expected {len(names)}", row=i
                    )
                )
        if not rows and not problems:
            problems.append(Problem(path.name, "the response has no data rows"))
    else:
        text, problems = _decode(path, path.read_bytes(), require_bom=False)
        if text is None:
            return ReadResult(None, problems)
        header, rows, problems = _csv_rows(path, text)
        labels = [
            "Område",
            "Periode",
            *conf["dimensions"].values(),
            *(m["label"] for m in conf["measures"].values()),
        ]
        problems += _check_columns(path, header, labels)
    if problems:
        return ReadResult(None, problems)
    records = []
    for line, r in rows:
        row = dict(zip(names, r, strict=True))
        for m in measures:
            records.append(
                (line, row["area"], row["period"], {d: row[d] for d in dims}, m, str(row[m]))
            )
    return _observations(path, table_id, records)


def read(spec: SourceSpec, path: Path, groups: dict[str, str]) -> ReadResult:
    if spec.reader == "csv":
        return read_csv(spec, path)
    if spec.reader == "parquet":
        return read_parquet(spec, path)
    if spec.reader == "statbank":
        return read_statbank(spec, path, groups["table"])
    return read_jobindsats(spec, path, groups["table"])
