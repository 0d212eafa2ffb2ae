"""Case-system and register events drawn on top of the simulated benefit spells."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from pipeline.config import read_seed
from pipeline.sample.world import (
    BALLERUP,
    STATE_GROUP,
    STATES,
    S,
    World,
    state_spells,
    visitation_categories,
)

# offer types in the offer_types seed's order; OFFER_GROUPS' weights follow that order
OFFER_TYPES = [r["offer_type"] for r in read_seed("offer_types")]
OFFER_GROUPS = {
    # state -> (probability a spell gets an offer, type weights in OFFER_TYPES order)
    "dagpenge": (0.40, [0.30, 0.10, 0.20, 0.40, 0.00]),
    "kh_jobparat": (0.50, [0.15, 0.10, 0.35, 0.20, 0.20]),
    "kh_aktivitetsparat": (0.35, [0.05, 0.10, 0.45, 0.40, 0.00]),
    "uh_uddannelsesparat": (0.50, [0.15, 0.05, 0.35, 0.35, 0.10]),
    "uh_aktivitetsparat": (0.35, [0.05, 0.05, 0.45, 0.45, 0.00]),
    "ressourceforloeb": (0.55, [0.00, 0.10, 0.60, 0.30, 0.00]),
    "jobafklaring": (0.30, [0.00, 0.05, 0.45, 0.50, 0.00]),
}
# meetings are held with everyone in an active course: the mapping seed's is_active_course
_ACTIVE = {
    (r["ydelse_group"], r["visitation_category"])
    for r in read_seed("maalgruppe_mapping")
    if r["is_active_course"] == "true"
}
MEETING_STATES = {state for state, group in STATE_GROUP.items() if group in _ACTIVE}
COOPERATION_TYPES = ["rekruttering", "virksomhedspraktik", "loentilskud", "fastholdelse"]


def _days(rng: np.random.Generator, lo: int, hi: int, n: int) -> np.ndarray:
    return rng.integers(lo, hi + 1, n).astype("timedelta64[D]")


def make_events(rng: np.random.Generator, world: World) -> dict[str, pd.DataFrame]:
    cal, persons = world.cal, world.persons
    spells = state_spells(world.pw_person, world.pw_week, world.pw_state)
    spells["length"] = spells["end_week"] - spells["start_week"] + 1
    spells["state_name"] = np.array(STATES)[spells["state"]]
    cpr = persons["cpr"].to_numpy()
    herk = persons["herkomst"].to_numpy()
    ws = cal.week_start
    last_day = np.datetime64(pd.Period(world.end, "M").end_time.date())
    n_weeks = len(cal)
    ev: dict[str, pd.DataFrame] = {}

    # Visitation (target-group category) periods: the kontanthjælp/uddannelseshjælp spells.
    vis = spells[
        spells["state_name"].isin(
            ["kh_jobparat", "kh_aktivitetsparat", "uh_uddannelsesparat", "uh_aktivitetsparat"]
        )
    ]
    open_end = vis["end_week"].to_numpy() == n_weeks - 1
    ev["visitations"] = pd.DataFrame(
        {
            "visitation_id": np.arange(1, len(vis) + 1),
            "cpr": cpr[vis["person"]],
            "visitation_category": visitation_categories(
                vis["state_name"].to_numpy(), vis["person"].to_numpy()
            ),
            "valid_from": ws[vis["start_week"]],
            "valid_to": np.where(
                open_end, np.datetime64("NaT"), ws[vis["end_week"]] + np.timedelta64(6, "D")
            ),
        }
    )

    # Offers: at most one per spell, starting within the spell.
    rows = []
    for state_name, (p_offer, weights) in OFFER_GROUPS.items():
        sp = spells[(spells["state_name"] == state_name) & (spells["length"] >= 3)]
        nonwest = herk[sp["person"]] == "ikke-vestlig"
        gets = rng.random(len(sp)) < p_offer * np.where(nonwest, 0.85, 1.0)
        sp = sp[gets]
        delay = np.minimum(rng.geometric(1 / 7, len(sp)) - 1, sp["length"].to_numpy() - 1)
        start_week = sp["start_week"].to_numpy() + delay
        w = np.array(weights) / sum(weights)
        types = rng.choice(OFFER_TYPES, size=len(sp), p=w)
        start = ws[start_week] + _days(rng, 0, 4, len(sp))
        rows.append(
            pd.DataFrame(
                {
                    "cpr": cpr[sp["person"]],
                    "offer_type": types,
                    "start_date": start,
                    "end_date": start + _days(rng, 20, 120, len(sp)),
                    # most placements are registered before the start; some late
                    "placement_created_date": start
                    + np.round(rng.normal(-4, 6, len(sp))).astype("timedelta64[D]"),
                }
            )
        )
    offers = pd.concat(rows, ignore_index=True).sort_values(["start_date", "cpr"], kind="stable")
    offers = offers[offers["start_date"] <= last_day]
    offers.insert(0, "offer_id", np.arange(1, len(offers) + 1))
    ev["offers"] = offers.reset_index(drop=True)

    # Meetings: every 4 to 8 weeks of a spell (the caseworker's rhythm), from its first week.
    # A spell still running when the extract is made has its next meeting already booked,
    # after the extract's last day, as a real export would.
    sp = spells[spells["state_name"].isin(MEETING_STATES)]
    every = rng.integers(4, 9, len(sp))
    ongoing = sp["end_week"].to_numpy() == n_weeks - 1
    n_meet = 1 + (sp["length"].to_numpy() - 1) // every + ongoing
    idx = np.repeat(np.arange(len(sp)), n_meet)
    k = np.arange(len(idx)) - np.repeat(np.cumsum(n_meet) - n_meet, n_meet)
    week = sp["start_week"].to_numpy()[idx] + k * every[idx] + rng.integers(0, 2, len(idx))
    week = np.where(ongoing[idx], week, np.minimum(week, sp["end_week"].to_numpy()[idx]))
    meeting_date = ws[0] + (week * 7).astype("timedelta64[D]") + _days(rng, 0, 4, len(idx))
    selvbook = rng.random(len(idx)) < 0.3
    held = (
        rng.random(len(idx))
        < np.where(herk[sp["person"].to_numpy()[idx]] == "ikke-vestlig", 0.86, 0.92)
    ) & (meeting_date <= last_day)
    meetings = pd.DataFrame(
        {
            "cpr": cpr[sp["person"].to_numpy()[idx]],
            "meeting_date": meeting_date,
            "booked_date": meeting_date - _days(rng, 5, 25, len(idx)),
            "booking_type": np.where(selvbook, "selvbook", "jobcenter"),
            "is_held": held,
        }
    )
    meetings = meetings[meetings["booked_date"] <= last_day].sort_values(
        ["booked_date", "cpr"], kind="stable"
    )
    meetings.insert(0, "meeting_id", np.arange(1, len(meetings) + 1))
    ev["meetings"] = meetings.reset_index(drop=True)

    # Self-booking deadlines: issued before each self-booked meeting, plus some never used.
    sb = meetings[meetings["booking_type"] == "selvbook"]
    unused = meetings.sample(frac=0.04, random_state=int(rng.integers(1 << 31)))
    issued = np.concatenate(
        [
            sb["booked_date"].to_numpy() - _days(rng, 1, 10, len(sb)),
            unused["booked_date"].to_numpy(),
        ]
    )
    deadlines = pd.DataFrame(
        {
            "cpr": np.concatenate([sb["cpr"].to_numpy(), unused["cpr"].to_numpy()]),
            "issued_date": issued,
            "deadline_date": issued + _days(rng, 14, 14, len(issued)),
            "meeting_id": np.concatenate([sb["meeting_id"].to_numpy(), np.full(len(unused), -1)]),
        }
    )
    deadlines["meeting_id"] = deadlines["meeting_id"].astype("Int64").replace(-1, pd.NA)
    deadlines = deadlines[deadlines["issued_date"] <= last_day].sort_values(
        ["issued_date", "cpr"], kind="stable"
    )
    deadlines.insert(0, "deadline_id", np.arange(1, len(deadlines) + 1))
    ev["self_booking_deadlines"] = deadlines.reset_index(drop=True)

    # Sanctions: weekly hazard while on kontanthjælp/uddannelseshjælp.
    kh = np.isin(
        world.pw_state,
        [
            S["kh_jobparat"],
            S["kh_aktivitetsparat"],
            S["uh_uddannelsesparat"],
            S["uh_aktivitetsparat"],
        ],
    )
    pp = world.pw_person[kh]
    hit = rng.random(len(pp)) < np.where(herk[pp] == "ikke-vestlig", 0.0035, 0.0025)
    sw = world.pw_week[kh][hit]
    sanctions = pd.DataFrame(
        {
            "cpr": cpr[pp[hit]],
            "sanction_date": ws[sw] + _days(rng, 0, 4, len(sw)),
            "sanction_type": rng.choice(
                ["udeblivelse", "manglende_jobsoegning", "rimeligt_krav"],
                len(sw),
                p=[0.6, 0.25, 0.15],
            ),
        }
    ).sort_values(["sanction_date", "cpr"], kind="stable")
    sanctions.insert(0, "sanction_id", np.arange(1, len(sanctions) + 1))
    ev["sanctions"] = sanctions.reset_index(drop=True)

    # Paid hours (lønnede timer, eIndkomst): some recipients work ordinary hours in a month.
    worker = np.isin(
        world.pw_state,
        [
            S[s]
            for s in ("kh_jobparat", "kh_aktivitetsparat", "uh_aktivitetsparat", "ressourceforloeb")
        ],
    )
    pm = pd.DataFrame(
        {"person": world.pw_person[worker], "month": world.cal.month[world.pw_week[worker]]}
    ).drop_duplicates()
    works = rng.random(len(pm)) < np.where(herk[pm["person"]] == "ikke-vestlig", 0.05, 0.07)
    pm = pm[works]
    paid = pd.DataFrame(
        {
            "cpr": cpr[pm["person"]],
            "month_date": pd.to_datetime(pm["month"] + "-01").to_numpy().astype("datetime64[D]"),
            "hours": np.round(rng.gamma(2.0, 12.0, len(pm)), 1) + 0.5,
        }
    ).sort_values(["month_date", "cpr"], kind="stable")
    paid.insert(0, "paid_hours_id", np.arange(1, len(paid) + 1))
    ev["paid_hours"] = paid.reset_index(drop=True)

    # Partial sick leave: a quarter of sickness spells of 4+ weeks end with a partial return.
    syg = spells[(spells["state"] == S["sygedagpenge"]) & (spells["length"] >= 4)]
    syg = syg[rng.random(len(syg)) < 0.25]
    from_week = syg["start_week"].to_numpy() + rng.integers(
        1, np.maximum(2, syg["length"].to_numpy() - 1)
    )
    from_week = np.minimum(from_week, syg["end_week"].to_numpy())
    partial = pd.DataFrame(
        {
            "cpr": cpr[syg["person"]],
            "start_date": ws[from_week],
            # still running at the extract: no end yet, as the visitations
            "end_date": np.where(
                syg["end_week"].to_numpy() == n_weeks - 1,
                np.datetime64("NaT"),
                ws[syg["end_week"].to_numpy()] + np.timedelta64(6, "D"),
            ),
            "hours_per_week": rng.integers(8, 30, len(syg)),
        }
    ).sort_values(["start_date", "cpr"], kind="stable")
    partial.insert(0, "partial_sick_leave_id", np.arange(1, len(partial) + 1))
    ev["partial_sick_leave"] = partial.reset_index(drop=True)

    ev["companies"], ev["company_cooperation"] = _companies(rng, world)
    ev["eud_applications"] = _eud(rng, world)
    return ev


def _companies(rng: np.random.Generator, world: World) -> tuple[pd.DataFrame, pd.DataFrame]:
    municipalities = read_seed("municipalities")
    [region] = {r["region_code"] for r in municipalities if r["municipality_code"] == str(BALLERUP)}
    region_h = [  # the home municipality's region, but for itself
        int(r["municipality_code"])
        for r in municipalities
        if r["region_code"] == region and r["municipality_code"] != str(BALLERUP)
    ]
    n_in = max(50, round(3_400 * world.scale))
    n_out = max(50, round(5_000 * world.scale))
    n = n_in + n_out
    # P-numbers are ten digits; these start with 4, which no CPR date can.
    p_number = 4_000_000_000 + rng.choice(999_999_999, n, replace=False)
    companies = pd.DataFrame(
        {
            "p_number": p_number,
            "municipality_code": np.concatenate(
                [np.full(n_in, BALLERUP), rng.choice(region_h, n_out)]
            ),
            "n_employees": np.where(
                rng.random(n) < 0.15, 0, np.round(rng.lognormal(1.8, 1.3, n))
            ).astype(int),
        }
    )
    months = pd.period_range(world.start, world.end, freq="M")
    per_month = max(10, round(260 * world.scale))
    weights = np.where(companies["municipality_code"] == BALLERUP, 2.5, 1.0) * (
        1 + np.sqrt(companies["n_employees"].to_numpy())
    )
    pick = rng.choice(n, (len(months), per_month), p=weights / weights.sum())
    day = rng.integers(0, 28, (len(months), per_month))
    start = np.array([m.start_time.date() for m in months], dtype="datetime64[D]")
    coop = pd.DataFrame(
        {
            "p_number": companies["p_number"].to_numpy()[pick.ravel()],
            "contact_date": (start[:, None] + day.astype("timedelta64[D]")).ravel(),
            "cooperation_type": rng.choice(COOPERATION_TYPES, pick.size),
        }
    ).sort_values(["contact_date", "p_number"], kind="stable")
    coop.insert(0, "cooperation_id", np.arange(1, len(coop) + 1))
    return companies, coop.reset_index(drop=True)


def _eud(rng: np.random.Generator, world: World) -> pd.DataFrame:
    """Applications to youth education, one delivery per year (the March intake)."""
    p = world.persons
    frames = []
    first_year = int(world.start[:4])
    last_year = int(world.end[:4]) if world.end[5:] >= "03" else int(world.end[:4]) - 1
    for year in range(first_year, last_year + 1):
        leavers = p[(year - p["birth_year"]).isin([16, 17]) & world.resident_on(date(year, 3, 1))]
        leavers = leavers[rng.random(len(leavers)) < 0.5]  # each cohort leaves once: 9th or 10th
        eud_p = 0.19 + 0.012 * (year - 2019)
        first = rng.choice(
            ["eud", "gymnasial", "andet"], len(leavers), p=[eud_p, 0.93 - eud_p, 0.07]
        )
        frames.append(
            pd.DataFrame(
                {
                    "cpr": leavers["cpr"].to_numpy(),
                    "application_year": year,
                    "grade": np.where(year - leavers["birth_year"] == 16, 9, 10),
                    "first_priority": first,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)
