"""Write a generated world into landing, one file per delivery, in each source's own format.

- statbank: AUP02_2024M09.csv, AUP03_2024M09.csv, FOLK1A_2024K3.csv, ...; UTF-8 with BOM,
  ';', decimal comma, '..' for missing; codes, as extracts.yml asks every table
  (value_presentation: Code).
- jobindsats: y25i09_2024M09.json, y07a02_2024M09.json, ...; the API v3 response per period
  (`{"columns", "rows"}`, JSON numbers, null where suppressed).
- benefit_register: dream_2024M09.parquet; one row per person-week.
- case_system: <entity>_2024-09.csv; ';' CSV, ISO dates.
- registers: persons_2026-10.csv, companies_2026-10.csv, eud_applications_2024.csv.
"""

from __future__ import annotations

import itertools
import json
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline import periods
from pipeline.config import SAMPLE_MARKER, SAMPLE_START, dst_area_code, extracts_config
from pipeline.danish import format_number
from pipeline.files import sha256_of, write_atomic, written_aside
from pipeline.landing_formats import csv_bytes, write_jobindsats_table, write_statbank_table
from pipeline.sample.benchmarks import (
    AGE_GROUPS,
    AGE_TOTAL,
    Benchmarks,
    ballerup_new_foertidspension,
    ballerup_population,
)
from pipeline.sample.world import (
    BALLERUP,
    STATES,
    World,
    build_world,
    in_labour_force,
    labour_force_dates,
    reform_date,
    state_group,
    ydelse_code_by_group,
)
from pipeline.state import generator_fingerprint

CASE_ENTITIES = {
    # entity -> the date column whose month decides the delivery file
    "visitations": "valid_from",
    "offers": "start_date",
    "meetings": "booked_date",
    "self_booking_deadlines": "issued_date",
    "sanctions": "sanction_date",
    "partial_sick_leave": "start_date",
    "paid_hours": "month_date",
    "company_cooperation": "contact_date",
}


def _period(month: str) -> str:
    return month.replace("-", "M")


def _numbers(values, decimals: int) -> list[str]:
    return [format_number(v, decimals) for v in values]


def _whole(values) -> list[str]:
    """Counts as StatBank's CSV writes them: whole numbers without a thousands separator
    (recorded FOLK1A responses: "5475791", "128556"; docs/sources/real_tables.md, FOLK1A)."""
    return [str(int(np.rint(v))) for v in values]


def write_statbank(bm: Benchmarks, month: str, landing: Path) -> list[Path]:
    """AUP02 and AUP03 as extracts.yml asks them: codes (OMRÅDE '000', '084' and each
    municipality's; AUP02's ALDER TOT first, then the groups, as its tableinfo lists them),
    the variables not asked eliminated."""
    aup02 = bm.aup02(month)
    age_order = {AGE_TOTAL: -1} | {label: i for i, (_, _, label) in enumerate(AGE_GROUPS)}
    aup02 = aup02.assign(o=aup02["age_group"].map(age_order)).sort_values(["code", "o"])
    labour = pd.DataFrame(
        {"OMRÅDE": [dst_area_code(c) for c in aup02["code"]], "ALDER": aup02["age_group"]}
    )
    aup03 = bm.aup03(month).sort_values("code")
    return [
        write_statbank_table(
            landing, "AUP02", _period(month), labour.assign(INDHOLD=_numbers(aup02["value"], 1))
        ),
        write_statbank_table(
            landing,
            "AUP03",
            _period(month),
            pd.DataFrame(
                {
                    "OMRÅDE": [dst_area_code(c) for c in aup03["code"]],
                    "INDHOLD": _numbers(aup03["value"], 1),
                }
            ),
        ),
    ]


# How the sample splits the vocational-or-higher residents over HFUDD11's levels (only
# their sum is read, as 4.1's numerator; extracts.yml asks for exactly these levels).
VOCATIONAL_LEVELS = {"H30": 0.42, "H40": 0.07, "H50": 0.22, "H60": 0.11, "H70": 0.16, "H80": 0.02}


def write_education(bm: Benchmarks, landing: Path) -> list[Path]:
    """HFUDD11 once a year, as extracts.yml asks it: codes (valuePresentation Code), BOPOMR,
    HFUDD (TOT and the vocational or higher levels), ALDER 25-29, KØN; HERKOMST eliminated."""
    conf = extracts_config()["statbank"]["HFUDD11"]
    levels = [h for h in conf["select"]["HFUDD"] if h != "TOT"]
    if sorted(levels) != sorted(VOCATIONAL_LEVELS):
        raise ValueError(f"HFUDD11: the sample splits {sorted(VOCATIONAL_LEVELS)}, not {levels}")
    out = []
    for year, b in bm.education_b.groupby("year"):
        b = b.groupby("koen", as_index=False)[["base", "flag"]].sum()
        df = bm.synth(f"{year}-10", b, ["koen"], {"koen": "TOT"}).sort_values(["code", "koen"])
        parts = {
            h: np.floor(df["flag"].to_numpy() * share) for h, share in VOCATIONAL_LEVELS.items()
        }
        parts["H30"] += df["flag"].to_numpy() - sum(parts.values())  # the sum is exact
        frame = pd.DataFrame(
            {"BOPOMR": [dst_area_code(c) for c in df["code"]], "ALDER": "25-29", "KØN": df["koen"]}
        )
        rows = pd.concat(
            [
                frame.assign(HFUDD="TOT", INDHOLD=_whole(df["base"])),
                *(frame.assign(HFUDD=h, INDHOLD=_whole(v)) for h, v in parts.items()),
            ]
        )
        out.append(write_statbank_table(landing, "HFUDD11", str(year), rows))
    return out


def write_population(bm: Benchmarks, landing: Path) -> list[Path]:
    """FOLK1A once a quarter, as extracts.yml asks it: codes, OMRÅDE and ALDER (the ages
    asked), KØN and CIVILSTAND eliminated. Ballerup's residents from the world; the other
    municipalities in proportion to their labour force, as the other tables; regions and
    the country their sums."""
    conf = extracts_config()["statbank"]["FOLK1A"]
    ages = [int(a) for a in conf["select"]["ALDER"]]
    out = []
    for month, b in ballerup_population(bm.world, ages).groupby("month"):
        df = bm.synth(month, b.assign(flag=0), ["alder"], {"alder": -1})
        df = df[df["alder"] != -1].sort_values(["code", "alder"])
        rows = pd.DataFrame(
            {
                "OMRÅDE": [dst_area_code(c) for c in df["code"]],
                "ALDER": df["alder"].astype(int).astype(str),
                "INDHOLD": _whole(df["base"]),
            }
        )
        quarter = periods.label_for(periods.parse(month).start, "quarter", dst=True)
        out.append(write_statbank_table(landing, "FOLK1A", quarter, rows))
    return out


# PEN113's first month (docs/sources/real_tables.md, PEN113: monthly from 2021M01)
PEN113_FIRST = "2021-01"


def write_pension_awards(bm: Benchmarks, landing: Path) -> list[Path]:
    """PEN113 once a month from its first, as extracts.yml asks it: codes, OMRÅDE, ALDER (the
    bands asked), YDELSESTYPE 40 and MODTAG1 82 (new recipients of førtidspension), KØN
    eliminated. Ballerup's new recipients from the world, as the mean of the 12 months to the
    month (a sample's few awards per band and month would leave whole bands of the country
    at 0); the other municipalities in proportion to their labour force; regions and the
    country their sums."""
    conf = extracts_config()["statbank"]["PEN113"]
    bands = list(conf["select"]["ALDER"])
    new = ballerup_new_foertidspension(bm.world, bands)
    new["base"] = new.groupby("alder")["base"].transform(lambda x: x.rolling(12, 1).mean())
    out = []
    for month, b in new.groupby("month"):
        if month < PEN113_FIRST:
            continue
        df = bm.synth(month, b, ["alder"], {"alder": "1869"})
        df = df[df["alder"] != "1869"].sort_values(["code", "alder"])
        rows = pd.DataFrame(
            {
                "OMRÅDE": [dst_area_code(c) for c in df["code"]],
                "ALDER": df["alder"],
                "YDELSESTYPE": conf["select"]["YDELSESTYPE"][0],
                "MODTAG1": conf["select"]["MODTAG1"][0],
                "INDHOLD": _whole(df["base"]),
            }
        )
        out.append(write_statbank_table(landing, "PEN113", _period(month), rows))
    return out


def write_jobindsats(bm: Benchmarks, month: str, landing: Path) -> list[Path]:
    """Every Jobindsats table of extracts.yml published for the month, as its v3 response:
    Hele landet, the municipalities and Uoplyst område, in the columns extracts.yml gives."""
    out = []
    for table_id, rows in bm.jobindsats_rows(month).items():
        out.append(write_jobindsats_table(landing, table_id, rows[0][0], rows))
    return out


def write_benefit_register(world: World, landing: Path) -> list[Path]:
    codes = ydelse_code_by_group()
    # a week's benefit is the one paid on its Thursday (as int_target_group_periods reads it):
    # from the kontanthjælp reform, uddannelseshjælp is paid as kontanthjælp
    reform = reform_date("kontanthjaelp_2025")
    state_code = {
        after: np.array(
            [""] + [codes[state_group(s, reform if after else date.min)[0]] for s in STATES[1:]]
        )
        for after in (False, True)
    }
    paid_after = world.cal.week_start + np.timedelta64(3, "D") >= np.datetime64(reform)
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
                "ydelse_code": pa.array(
                    np.where(
                        paid_after[world.pw_week[idx]],
                        state_code[True][world.pw_state[idx]],
                        state_code[False][world.pw_state[idx]],
                    ),
                    pa.string(),
                ),
                "kommune_code": pa.array(np.full(len(idx), BALLERUP), pa.int16()),
            }
        )
        path = landing / "benefit_register" / f"dream_{_period(months[a])}.parquet"
        with written_aside(path) as tmp:
            pq.write_table(table, tmp, compression="zstd")
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
        # Every month an event is dated in, including the days before the first month that
        # the register's first week reaches into (a week belongs to its Thursday's month):
        # their events are delivered in that earlier month's file, not dropped.
        for m in sorted(month.unique()):
            part = _fmt_dates(df[month == m])
            if part.empty:  # a month with no events has no delivery (ingest refuses empty files)
                continue
            path = landing / "case_system" / f"{entity}_{m}.csv"
            write_atomic(path, csv_bytes(part))
            out.append(path)
    return out


def person_register(world: World) -> pd.DataFrame:
    """The persons register as dated rows: one row per person and period of unchanged
    attributes while the person lives in Ballerup (gyldig_fra to gyldig_til, both inclusive,
    gyldig_til empty while it holds), split on the days the person joins or leaves the labour
    force (a-kasse membership with it) and completes a vocational education. Every person who
    lived here at some day of the history is in it, also those who moved away. A change after
    the extract's date is not in it yet."""
    p = world.persons
    start = p["resident_from"].to_numpy().astype("datetime64[D]")
    end = p["resident_to"].to_numpy().astype("datetime64[D]")
    extracted = np.datetime64(pd.Period(world.end, "M").end_time.date())
    ever_lf, lf_from, lf_to = labour_force_dates(p)
    # the days a period starts on: moving in, and each change while living here
    changes = [
        p["educated_from"].to_numpy().astype("datetime64[D]"),
        lf_from,  # NaT for those never in it
        lf_to + np.timedelta64(1, "D"),  # the day after the last day in the labour force
    ]
    person = np.arange(len(p))
    starts = [pd.DataFrame({"person": person, "day": start})]
    for day in changes:
        inside = (day > start) & ~(day > end) & (day <= extracted)  # NaT compares False
        starts.append(pd.DataFrame({"person": person[inside], "day": day[inside]}))
    periods = (
        pd.concat(starts)
        .drop_duplicates()
        .sort_values(["person", "day"], kind="stable")
        .reset_index(drop=True)
    )
    who = periods["person"].to_numpy()
    day = periods["day"].to_numpy().astype("datetime64[D]")
    following = periods.groupby("person")["day"].shift(-1).to_numpy().astype("datetime64[D]")
    last = np.where(np.isnat(following), end[who], following - np.timedelta64(1, "D"))
    in_lf = in_labour_force((ever_lf[who], lf_from[who], lf_to[who]), day)
    rows = pd.DataFrame(
        {
            "cpr": p["cpr"].to_numpy()[who],
            "foedselsaar": p["birth_year"].to_numpy()[who],
            "koen": p["koen"].to_numpy()[who],
            "herkomst": p["herkomst"].to_numpy()[who],
            "kommune_code": BALLERUP,
            "i_arbejdsstyrken": in_lf.astype(int),
            "er_forsikret": (p["is_insured"].to_numpy()[who] & in_lf).astype(int),
            "har_erhvervskompetence": (
                p["educated_from"].to_numpy().astype("datetime64[D]")[who] <= day
            ).astype(int),
            "gyldig_fra": day,
            "gyldig_til": last,
        }
    )
    return _fmt_dates(rows)


def write_registers(world: World, landing: Path) -> list[Path]:
    persons = person_register(world)
    out = [
        landing / "registers" / f"persons_{world.end}.csv",
        landing / "registers" / f"companies_{world.end}.csv",
    ]
    write_atomic(out[0], csv_bytes(persons))
    companies = world.events["companies"].rename(columns={"municipality_code": "kommune_code"})
    write_atomic(out[1], csv_bytes(companies))
    eud = world.events["eud_applications"]
    for year, part in eud.groupby("application_year"):
        path = landing / "registers" / f"eud_applications_{year}.csv"
        write_atomic(path, csv_bytes(part))
        out.append(path)
    return out


def generate(
    landing: Path,
    seed: int = 42,
    scale: float = 1.0,
    start: str = SAMPLE_START,
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
    files += write_education(bm, landing)
    files += write_population(bm, landing)
    files += write_pension_awards(bm, landing)
    summary = {
        "seed": seed,
        "scale": scale,
        "start": world.start,
        "end": world.end,
        "residents": int(world.resident_on(pd.Period(world.end, "M").end_time.date()).sum()),
        "persons_ever_resident": len(world.persons),
        "person_weeks": world.n_person_weeks,
        "files": len(files),
        # what generated it (pipeline/state.py): `make bench --keep-world` generates again
        # where the generator has changed since
        "generator": generator_fingerprint(),
        # what the generator wrote: only these files are keyed with the public sample key
        # (config.pseudonym_key), never a real extract dropped beside them
        "sha256": {f"{f.parent.name}/{f.name}": sha256_of(f) for f in sorted(files)},
        "note": "Synthetic sample. Person ids are CPR-shaped but invented; ingest replaces them "
        "with a keyed hash using the documented sample key.",
    }
    write_atomic(landing / SAMPLE_MARKER, json.dumps(summary, indent=2).encode())
    return summary
