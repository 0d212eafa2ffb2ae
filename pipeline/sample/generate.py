"""Write a generated world into landing, one file per delivery, in each source's own format.

- statbank: AUP02_2024M09.csv, AUP03_2024M09.csv; UTF-8 with BOM, ';', decimal comma,
  labels not codes, '..' for missing.
- jobindsats: Y14D03_2024M09.json (API v2), Y01A02_2024M09.csv; Danish number strings.
- benefit_register: dream_2024M09.parquet; one row per person-week.
- case_system: <entity>_2024-09.csv; ';' CSV, ISO dates.
- registers: persons_2026-10.csv, companies_2026-10.csv, eud_applications_2024.csv.
"""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.config import SAMPLE_MARKER
from pipeline.danish import format_number
from pipeline.sample.benchmarks import AGE_GROUPS, AGE_TOTAL, Benchmarks
from pipeline.sample.world import (
    BALLERUP,
    STATE_GROUP,
    STATES,
    World,
    build_world,
    ydelse_code_by_group,
)

CASE_ENTITIES = {
    # entity -> the date column whose month decides the delivery file
    "visitations": "valid_from",
    "offers": "start_date",
    "meetings": "booked_date",
    "self_booking_deadlines": "issued_date",
    "sanctions": "sanction_date",
    "partial_sick_leave": "start_date",
    "company_cooperation": "contact_date",
}


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _csv_bytes(df: pd.DataFrame, bom: bool = False) -> bytes:
    text = df.to_csv(sep=";", index=False, lineterminator="\r\n" if bom else "\n")
    return ("\ufeff" + text if bom else text).encode("utf-8")


def _period(month: str) -> str:
    return month.replace("-", "M")


def write_statbank(bm: Benchmarks, month: str, landing: Path) -> list[Path]:
    aup02 = bm.aup02(month)
    age_order = {label: i for i, (_, _, label) in enumerate(AGE_GROUPS)} | {AGE_TOTAL: 99}
    aup02 = aup02.assign(o=aup02["age_group"].map(age_order)).sort_values(["code", "o"])
    t02 = pd.DataFrame(
        {
            "OMRÅDE": aup02["area_name"],
            "ALDER": aup02["age_group"],
            "TID": _period(month),
            "INDHOLD": [format_number(v, 1) for v in aup02["value"]],
        }
    )
    aup03 = bm.aup03(month).sort_values("code")
    t03 = pd.DataFrame(
        {
            "OMRÅDE": aup03["area_name"],
            "TID": _period(month),
            "INDHOLD": [format_number(v, 1) for v in aup03["value"]],
        }
    )
    out = []
    for table, df in (("AUP02", t02), ("AUP03", t03)):
        path = landing / "statbank" / f"{table}_{_period(month)}.csv"
        _write_atomic(path, _csv_bytes(df, bom=True))
        out.append(path)
    return out


def write_jobindsats(bm: Benchmarks, month: str, landing: Path) -> list[Path]:
    d = bm.dagpenge_13(month).sort_values(["code", "age_group"])
    variables = [
        {"Name": "area", "Label": "Område"},
        {"Name": "period", "Label": "Periode"},
        {"Name": "_ygrpa06", "Label": "Aldersgrupper"},
        {"Name": "Y14D03_NYE", "Label": "Nye dagpengeforløb"},
        {
            "Name": "Y14D03_FORTSAT",
            "Label": "Fortsat på dagpenge 13 uger efter første ledighedsdag",
        },
        {"Name": "Y14D03_ANDEL", "Label": "Andel fortsat på dagpenge (pct.)"},
    ]
    data = [
        [
            r.area_name,
            _period(month),
            r.age_group,
            format_number(r.n_new, 0),
            format_number(r.n_still, 0),
            format_number(r.value, 1),
        ]
        for r in d.itertuples()
    ]
    body = json.dumps([{"Variables": variables, "Data": data}], ensure_ascii=False, indent=1)
    p1 = landing / "jobindsats" / f"Y14D03_{_period(month)}.json"
    _write_atomic(p1, body.encode("utf-8"))

    f = bm.fuldtidspersoner(month).sort_values(["code", "group"])
    csv = pd.DataFrame(
        {
            "Område": f["area_name"],
            "Periode": _period(month),
            "Ydelsesgrupper": f["group_label"],
            "Fuldtidspersoner": [format_number(v, 2) for v in f["fuldtidspersoner"]],
        }
    )
    p2 = landing / "jobindsats" / f"Y01A02_{_period(month)}.csv"
    _write_atomic(p2, _csv_bytes(csv))
    return [p1, p2]


def write_benefit_register(world: World, landing: Path) -> list[Path]:
    codes = ydelse_code_by_group()
    state_code = np.array([""] + [codes[STATE_GROUP[s][0]] for s in STATES[1:]])
    cpr = world.persons["cpr"].to_numpy()
    order = np.lexsort((world.pw_person, world.pw_week))
    months = world.cal.month[world.pw_week[order]]
    bounds = np.flatnonzero(np.r_[True, months[1:] != months[:-1], True])
    out = []
    for a, b in itertools.pairwise(bounds):
        idx = order[a:b]
        table = pa.table(
            {
                "cpr": pa.array(cpr[world.pw_person[idx]], pa.string()),
                "aar_uge": pa.array(world.cal.year_week[world.pw_week[idx]], pa.int32()),
                "ydelse_code": pa.array(state_code[world.pw_state[idx]], pa.string()),
                "kommune_code": pa.array(np.full(len(idx), BALLERUP), pa.int16()),
            }
        )
        path = landing / "benefit_register" / f"dream_{_period(months[a])}.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        pq.write_table(table, tmp, compression="zstd")
        os.replace(tmp, path)
        out.append(path)
    return out


def _fmt_dates(df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    for col in df.columns:
        if pd.api.types.is_datetime64_any_dtype(df[col]):
            df[col] = df[col].dt.strftime("%Y-%m-%d").fillna("")
        elif df[col].dtype == bool:
            df[col] = df[col].astype(int)
    return df


def write_case_system(world: World, landing: Path) -> list[Path]:
    out = []
    months = [str(m) for m in pd.period_range(world.start, world.end, freq="M")]
    for entity, date_col in CASE_ENTITIES.items():
        df = world.events[entity]
        df = df.assign(
            **{
                c: pd.to_datetime(df[c])
                for c in df.columns
                if c.endswith("_date") or c in ("valid_from", "valid_to")
            }
        )
        month = df[date_col].dt.strftime("%Y-%m")
        for m in months:
            part = _fmt_dates(df[month == m])
            if part.empty:  # a month with no events has no delivery (ingest refuses empty files)
                continue
            path = landing / "case_system" / f"{entity}_{m}.csv"
            _write_atomic(path, _csv_bytes(part))
            out.append(path)
    return out


def write_registers(world: World, landing: Path) -> list[Path]:
    p = world.persons
    persons = pd.DataFrame(
        {
            "cpr": p["cpr"],
            "foedselsaar": p["birth_year"],
            "koen": p["koen"],
            "herkomst": p["herkomst"],
            "kommune_code": BALLERUP,
            "i_arbejdsstyrken": p["in_labour_force"].astype(int),
            "er_forsikret": p["is_insured"].astype(int),
            "har_erhvervskompetence": p["has_vocational_education"].astype(int),
        }
    )
    out = [
        landing / "registers" / f"persons_{world.end}.csv",
        landing / "registers" / f"companies_{world.end}.csv",
    ]
    _write_atomic(out[0], _csv_bytes(persons))
    companies = world.events["companies"].rename(columns={"municipality_code": "kommune_code"})
    _write_atomic(out[1], _csv_bytes(companies))
    eud = world.events["eud_applications"]
    for year, part in eud.groupby("application_year"):
        path = landing / "registers" / f"eud_applications_{year}.csv"
        _write_atomic(path, _csv_bytes(part))
        out.append(path)
    return out


def generate(
    landing: Path,
    seed: int = 42,
    scale: float = 1.0,
    start: str = "2019-01",
    end: str | None = None,
) -> dict:
    """Build the world and write every delivery. Returns a summary (also the marker file)."""
    world = build_world(seed=seed, scale=scale, start=start, end=end)
    bm = Benchmarks(world, seed)
    files: list[Path] = []
    for m in pd.period_range(world.start, world.end, freq="M"):
        files += write_statbank(bm, str(m), landing)
        files += write_jobindsats(bm, str(m), landing)
    files += write_benefit_register(world, landing)
    files += write_case_system(world, landing)
    files += write_registers(world, landing)
    summary = {
        "seed": seed,
        "scale": scale,
        "start": world.start,
        "end": world.end,
        "residents": len(world.persons),
        "person_weeks": world.n_person_weeks,
        "files": len(files),
        "note": "Synthetic sample. Person ids are CPR-shaped but invented; ingest replaces them "
        "with a keyed hash using the documented sample key.",
    }
    _write_atomic(landing / SAMPLE_MARKER, json.dumps(summary, indent=2).encode())
    return summary
