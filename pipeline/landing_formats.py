"""The landing formats of the benchmark sources, written byte for byte the same by the sample
generator and by the fetchers (`pipeline.fetch`), so that ingest cannot tell them apart.

- StatBank: the API's CSV: UTF-8 with BOM, ';', CRLF, the table's dimensions (labels), TID,
  then the measure (INDHOLD), numbers as Danish strings, '..' for missing.
- Jobindsats: the v2 JSON response (`[{"Variables": [...], "Data": [[...]]}]`) or its CSV
  (';', labels in the header), as extracts.yml says per table.

Every file is written aside and renamed into place: landing never holds half a file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from pipeline.config import extracts_config
from pipeline.files import write_atomic


def csv_bytes(df: pd.DataFrame, bom: bool = False) -> bytes:
    text = df.to_csv(sep=";", index=False, lineterminator="\r\n" if bom else "\n")
    return ("\ufeff" + text if bom else text).encode("utf-8")


def write_statbank_table(landing: Path, table_id: str, period: str, frame: pd.DataFrame) -> Path:
    """A StatBank CSV as the API's CSV format gives it: the table's dimensions (labels), TID,
    then the measure; `frame` holds the dimension columns and INDHOLD, already formatted."""
    conf = extracts_config()["statbank"][table_id]
    df = frame[list(conf["dimensions"])].assign(TID=period)
    for measure in conf["measures"]:
        df[measure] = frame[measure].to_numpy()
    path = landing / "statbank" / f"{table_id}_{period}.csv"
    write_atomic(path, csv_bytes(df, bom=True))
    return path


def write_jobindsats_table(landing: Path, table_id: str, period: str, frame: pd.DataFrame) -> Path:
    """A Jobindsats v2 response, JSON or CSV as extracts.yml says: area, period, the table's
    dimensions and measures; `frame` holds area_name, the dimension and the measure columns
    (by their API names), already formatted as Danish number strings."""
    conf = extracts_config()["jobindsats"][table_id]
    dims, measures = list(conf["dimensions"]), list(conf["measures"])
    if conf["format"] == "json":
        variables = [
            {"Name": "area", "Label": "Område"},
            {"Name": "period", "Label": "Periode"},
            *({"Name": d, "Label": conf["dimensions"][d]} for d in dims),
            *({"Name": m, "Label": conf["measures"][m]["label"]} for m in measures),
        ]
        data = [
            [r["area_name"], period, *(r[d] for d in dims), *(r[m] for m in measures)]
            for r in frame.to_dict("records")
        ]
        body = json.dumps([{"Variables": variables, "Data": data}], ensure_ascii=False, indent=1)
        path = landing / "jobindsats" / f"{table_id}_{period}.json"
        write_atomic(path, body.encode("utf-8"))
        return path
    df = pd.DataFrame({"Område": frame["area_name"].to_numpy(), "Periode": period})
    for d in dims:
        df[conf["dimensions"][d]] = frame[d].to_numpy()
    for m in measures:
        df[conf["measures"][m]["label"]] = frame[m].to_numpy()
    path = landing / "jobindsats" / f"{table_id}_{period}.csv"
    write_atomic(path, csv_bytes(df))
    return path
