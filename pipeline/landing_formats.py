"""The landing formats of the benchmark sources, written byte for byte the same by the sample
generator and by the fetchers (`pipeline.fetch`), so that ingest cannot tell them apart.

- StatBank: the API's CSV: UTF-8 with BOM, ';', CRLF, the table's dimensions (codes, as
  extracts.yml asks them), TID, then the measure (INDHOLD), numbers as Danish strings, '..'
  for missing.
- Jobindsats: the API v3 data response, `{"columns": [labels], "rows": [[...]]}`, one file per
  period: the period and the area (by name) first, then the dimensions asked for, then the
  measures; numbers as JSON numbers, `null` where STAR suppresses a cell (recorded responses:
  tests/fixtures/http/README.md).

Every file is written aside and renamed into place: landing never holds half a file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from pipeline.config import extracts_config
from pipeline.files import write_if_changed


def csv_bytes(df: pd.DataFrame, bom: bool = False) -> bytes:
    text = df.to_csv(sep=";", index=False, lineterminator="\r\n" if bom else "\n")
    return ("\ufeff" + text if bom else text).encode("utf-8")


def statbank_columns(table_id: str) -> list[str]:
    """The columns of a StatBank CSV of the table, as the API's CSV gives them and
    extracts.yml names them: the table's variables (dimensions), TID, then the measure."""
    conf = extracts_config()["statbank"][table_id]
    return [*conf["dimensions"], "TID", *conf["measures"]]


def write_statbank_table(landing: Path, table_id: str, period: str, frame: pd.DataFrame) -> Path:
    """A StatBank CSV as the API's CSV format gives it: the table's dimensions (codes, as
    extracts.yml asks them), TID, then the measure; `frame` holds the dimension columns and
    INDHOLD, already formatted. A file that holds the same bytes already is left as it is
    (files.write_if_changed)."""
    columns = statbank_columns(table_id)
    df = frame.assign(TID=period)[columns]
    path = landing / "statbank" / f"{table_id}_{period}.csv"
    write_if_changed(path, csv_bytes(df, bom=True))
    return path


# the first two columns of every Jobindsats v3 data response (recorded responses in
# AI-MichelKlos/Dashboard-dak-jur@20bff81 data/jur-api-probe.json; tests/fixtures/http)
V3_LEADING_LABELS = ("Periode", "Område")


def jobindsats_labels(table_id: str) -> list[str]:
    """The columns of a Jobindsats v3 data response for the table, as extracts.yml gives
    them: Periode, Område, the dimensions' labels, the measures' labels."""
    conf = extracts_config()["jobindsats"][table_id]
    return [
        *V3_LEADING_LABELS,
        *(d["label"] for d in conf["dimensions"].values()),
        *(m["label"] for m in conf["measures"].values()),
    ]


def jobindsats_bytes(columns: list[str], rows: list[list]) -> bytes:
    return json.dumps({"columns": columns, "rows": rows}, ensure_ascii=False).encode("utf-8")


def write_jobindsats_table(landing: Path, table_id: str, period: str, rows: list[list]) -> Path:
    """One period of a Jobindsats v3 response: `rows` as the service sends them (period,
    area name, the dimensions' values, the measures as numbers or None). A file that holds the
    same bytes already is left as it is (files.write_if_changed)."""
    path = landing / "jobindsats" / f"{table_id}_{period}.json"
    write_if_changed(path, jobindsats_bytes(jobindsats_labels(table_id), rows))
    return path
