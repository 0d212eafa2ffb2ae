"""A synthetic but coherent Ballerup: residents, a weekly benefit register and case events.

The world is a weekly Markov chain over benefit states, vectorised over persons, so that the
~30 million person-weeks of full Ballerup scale generate in seconds. Everything is drawn from
one numpy Generator seeded by `seed`, so the same (seed, scale, start, end) gives the same world.

Simplifications, stated so nobody mistakes them for facts:
- residents move in and out (a sample assumption of about a quarter of the persons moving in
  and a quarter moving out over the years, not a DST figure); there are no births or deaths,
  and ages advance with time; the benefit register and the case system hold a person's weeks
  only while the person lives in Ballerup, and the persons register dates each residence;
- a vocational education is completed on a date (age 19-27) and kept from then on;
- labour-force and a-kasse membership are fixed person attributes;
- case-system events are exported as a historical backfill split by month, so an offer's end
  date is known even in the month the offer starts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd

from pipeline.config import SAMPLE_START, dbt_var, local_today, read_seed

# Benefit states of the simulation. 0 is "not on any benefit" (self-supporting or outside).
STATES = [
    "selv",
    "dagpenge",
    "kh_jobparat",
    "kh_aktivitetsparat",
    "uh_uddannelsesparat",
    "uh_aktivitetsparat",
    "sygedagpenge",
    "jobafklaring",
    "ressourceforloeb",
    "ledighedsydelse",
    "fleksjob",
    "foertidspension",
]
S = {name: i for i, name in enumerate(STATES)}
# state -> (ydelse_group in the ydelse_codes seed, visitation category or "")
STATE_GROUP = {
    "dagpenge": ("dagpenge", ""),
    "kh_jobparat": ("kontanthjaelp", "jobparat"),
    "kh_aktivitetsparat": ("kontanthjaelp", "aktivitetsparat"),
    "uh_uddannelsesparat": ("uddannelseshjaelp", "uddannelsesparat"),
    "uh_aktivitetsparat": ("uddannelseshjaelp", "aktivitetsparat"),
    "sygedagpenge": ("sygedagpenge", ""),
    "jobafklaring": ("jobafklaring", ""),
    "ressourceforloeb": ("ressourceforloeb", ""),
    "ledighedsydelse": ("ledighedsydelse", ""),
    "fleksjob": ("fleksjob", ""),
    "foertidspension": ("foertidspension", ""),
}
HERKOMST = ["dansk", "vestlig", "ikke-vestlig"]
HERKOMST_P = [0.80, 0.06, 0.14]
BALLERUP = int(dbt_var("home_municipality"))  # the municipality the sample imitates
RESIDENTS_AT_SCALE_1 = 52_000
# Share of the persons of the sample who move in (out) at some week of the history; the share
# resident at any time is then about (1 - MOVE_SHARE / 2) ** 2, so the sample draws that many
# more persons to keep RESIDENTS_AT_SCALE_1 residents (and the benchmark's person-weeks).
MOVE_SHARE = 0.25
RESIDENT_SHARE = (1 - MOVE_SHARE / 2) ** 2
# From the kontanthjælp reform (seed reforms, kontanthjaelp_2025) uddannelseshjælp is paid as
# kontanthjælp: the under-30s the simulation keeps in its uddannelseshjælp states are paid
# (register) and visited (case system) as kontanthjælp from then on, with the same visitation.
PAID_AS_KONTANTHJAELP = {
    "uh_uddannelsesparat": ("kontanthjaelp", "uddannelsesparat"),
    "uh_aktivitetsparat": ("kontanthjaelp", "aktivitetsparat"),
}

# Of the persons in uh_uddannelsesparat the jobcentre assesses a share as åbenlyst
# uddannelsesparate (LAB § 2 nr. 4: ready to start an education on ordinary terms, seeking work
# meanwhile), the others as uddannelsesparate who need help first: Ballerup's 4 against 84
# fuldtidspersoner in 2026M07 (Jobindsats y60a02 by _viskat_1int, docs/sources/real_tables.md).
# A person's assessment is fixed by its index, not drawn, so that the world's random draws stay
# as they were.
AABENLYST_SHARE = 0.05


def is_aabenlyst_uddannelsesparat(person: np.ndarray) -> np.ndarray:
    """Whether the persons (indices) are åbenlyst uddannelsesparate while in uh_uddannelsesparat."""
    return (np.asarray(person, dtype=np.int64) * 2654435761) % 1000 < AABENLYST_SHARE * 1000


def visitation_categories(state_names: np.ndarray, persons: np.ndarray) -> np.ndarray:
    """The case system's visitation category of each (state, person)."""
    categories = np.array([STATE_GROUP[s][1] for s in state_names], dtype=object)
    aabenlyst = (np.asarray(state_names) == "uh_uddannelsesparat") & is_aabenlyst_uddannelsesparat(
        persons
    )
    categories[aabenlyst] = "aabenlyst_uddannelsesparat"
    return categories


def reform_date(reform_id: str) -> date:
    """The day a reform of the seed reforms takes effect."""
    [row] = [r for r in read_seed("reforms") if r["reform_id"] == reform_id]
    return date.fromisoformat(row["effective_date"])


def state_group(name: str, on: date) -> tuple[str, str]:
    """A simulation state's (benefit group, visitation category) on the day `on`."""
    if on >= reform_date("kontanthjaelp_2025"):
        return PAID_AS_KONTANTHJAELP.get(name, STATE_GROUP[name])
    return STATE_GROUP[name]


# The DREAM code (seed ydelse_codes) the sample's register writes for each group it
# simulates: the group's passive code ("Dagpenge, Fuld ledighed", "Kontanthjælp, Passiv." …),
# or its only one.
SAMPLE_CODES = {
    "dagpenge": "111",
    "kontanthjaelp": "730",
    "uddannelseshjaelp": "720",
    "sygedagpenge": "890",
    "jobafklaring": "785",
    "ressourceforloeb": "810",
    "ledighedsydelse": "740",
    "fleksjob": "771",
    "foertidspension": "783",
}


def ydelse_code_by_group() -> dict[str, str]:
    """The code the sample writes per benefit group, each checked against the seed."""
    seed = {row["ydelse_code"]: row["ydelse_group"] for row in read_seed("ydelse_codes")}
    wrong = {g: c for g, c in SAMPLE_CODES.items() if seed.get(c) != g}
    if wrong:
        raise ValueError(f"codes not of their group in seed ydelse_codes: {wrong}")
    return dict(SAMPLE_CODES)


def month_range(start: str, end: str) -> list[pd.Period]:
    return list(pd.period_range(start, end, freq="M"))


def last_complete_month(today: date | None = None) -> str:
    today = today or local_today()
    first = today.replace(day=1)
    return (first - timedelta(days=1)).strftime("%Y-%m")


@dataclass
class Calendar:
    """ISO weeks; a week belongs to the month of its Thursday (as an ISO week to its year)."""

    week_start: np.ndarray  # datetime64[D] Mondays
    month: np.ndarray  # "YYYY-MM" of the Thursday
    year_week: np.ndarray  # int yyyyww (ISO)

    @classmethod
    def build(cls, start: str, end: str) -> Calendar:
        first_day = pd.Period(start, "M").start_time.date()
        last_day = pd.Period(end, "M").end_time.date()
        # Monday of the ISO week whose Thursday is the first Thursday on/after first_day.
        thursday = first_day + timedelta(days=(3 - first_day.weekday()) % 7)
        mondays = []
        while thursday <= last_day:
            mondays.append(thursday - timedelta(days=3))
            thursday += timedelta(days=7)
        ws = np.array(mondays, dtype="datetime64[D]")
        th = pd.DatetimeIndex(ws + np.timedelta64(3, "D"))
        iso = th.isocalendar()
        return cls(
            week_start=ws,
            month=np.array(th.strftime("%Y-%m")),
            year_week=(iso.year.to_numpy() * 100 + iso.week.to_numpy()).astype(np.int32),
        )

    def __len__(self) -> int:
        return len(self.week_start)


def cycle_factor(month: str) -> float:
    """The business cycle every municipality shares: COVID spike, boom, slow rise."""
    if "2020-03" <= month <= "2020-08":
        return 1.8
    if "2020-09" <= month <= "2021-06":
        return 1.3
    if "2021-07" <= month <= "2022-12":
        return 0.85
    if month >= "2024-01":
        return 1.1
    return 1.0


@dataclass
class World:
    seed: int
    scale: float
    start: str
    end: str
    cal: Calendar
    persons: pd.DataFrame
    # person-weeks on a benefit while resident: parallel arrays
    pw_person: np.ndarray
    pw_week: np.ndarray
    pw_state: np.ndarray
    events: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def n_person_weeks(self) -> int:
        return len(self.pw_person)

    def resident_on(self, day: date) -> np.ndarray:
        """Who lived in Ballerup on `day` (the persons register's residence dates)."""
        d = np.datetime64(day)
        p = self.persons
        return (p["resident_from"].to_numpy() <= d) & ~(p["resident_to"].to_numpy() < d)

    def in_labour_force_on(self, day: date | np.datetime64) -> np.ndarray:
        """Who was in the labour force on `day` (the persons register's dated status)."""
        return in_labour_force(labour_force_dates(self.persons), np.datetime64(day, "D"))

    def insured_on(self, day: date | np.datetime64) -> np.ndarray:
        """Who was a member of an a-kasse on `day`: only while in the labour force."""
        return self.persons["is_insured"].to_numpy() & self.in_labour_force_on(day)

    def educated_on(self, day: date) -> np.ndarray:
        """Who had completed a vocational (or higher) education by `day`."""
        return self.persons["educated_from"].to_numpy() <= np.datetime64(day)


def labour_force_dates(persons: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Who is ever in the labour force, and from and to which day (NaT: not left)."""
    return (
        persons["in_labour_force"].to_numpy(),
        persons["labour_force_from"].to_numpy().astype("datetime64[D]"),
        persons["labour_force_to"].to_numpy().astype("datetime64[D]"),
    )


def in_labour_force(dates: tuple[np.ndarray, np.ndarray, np.ndarray], day) -> np.ndarray:
    """Of `labour_force_dates`, who was in the labour force on `day` (a day or, per person, an
    array of days)."""
    ever, joined, left = dates
    return ever & (joined <= day) & ~(left < day)


def _cpr(rng: np.random.Generator, birth: pd.DatetimeIndex, sex_male: np.ndarray) -> np.ndarray:
    """CPR-shaped ids (ddmmyy-xxxx), unique, last digit odd for men as in real CPR numbers."""
    n = len(birth)
    ddmmyy = birth.strftime("%d%m%y").to_numpy()
    # unique serials within each birth date: rank within the date plus a random offset
    order = pd.Series(np.arange(n)).groupby(ddmmyy).cumcount().to_numpy()
    if order.max() >= 1000:
        raise ValueError("too many persons per birth date for unique CPR-shaped ids")
    # one random offset per birth date; 7 is coprime with 1000, so serials stay unique
    codes, uniq = pd.factorize(ddmmyy)
    base = rng.integers(0, 1000, len(uniq))[codes]
    serial3 = (base + order * 7) % 1000
    last = (2 * (order % 5) + sex_male.astype(int)) % 10  # odd for men, even for women
    serial = np.char.zfill(serial3.astype(str), 3)
    return np.char.add(np.char.add(np.char.add(ddmmyy.astype(str), "-"), serial), last.astype(str))


def make_persons(rng: np.random.Generator, scale: float, ref: date) -> pd.DataFrame:
    n = max(200, round(RESIDENTS_AT_SCALE_1 * scale / RESIDENT_SHARE))
    # Age at the reference date: a flattened Danish pyramid, 0-94.
    age_weights = np.concatenate(
        [
            np.full(20, 1.1),
            np.full(10, 1.2),
            np.full(20, 1.25),
            np.full(20, 1.3),
            np.full(10, 1.0),
            np.full(15, 0.45),
        ]
    )
    age = rng.choice(95, size=n, p=age_weights / age_weights.sum())
    birth_days = rng.integers(0, 365, n)
    birth = pd.DatetimeIndex(
        np.datetime64(ref)
        - (age * 365.25).astype("timedelta64[D]")
        - birth_days.astype("timedelta64[D]")
    )
    male = rng.random(n) < 0.495
    herkomst = rng.choice(3, size=n, p=HERKOMST_P)
    # labour force: participation by origin of everyone of working age at some month of the
    # history (age 16-64 then, so up to 64 + 15 years now); each month's labour force is those
    # aged 16-64 in that month. A flag for today's working ages only left the retired-since
    # out of earlier months' labour force while their benefit weeks counted, and put the
    # unemployment rate of the 60+ in 2019 near 100 % (the AUP02 suite refused it).
    part = np.where((age >= 16) & (age <= 64 + 15), 0.78, 0.0) * np.where(herkomst == 2, 0.82, 1.0)
    in_lf = rng.random(n) < part
    insured = in_lf & (rng.random(n) < np.where(herkomst == 2, 0.62, 0.76))
    # ... and dated, as the persons register dates it (a sample assumption): a person joins
    # the labour force on a day between ages 15 and 22 (a first job, often beside school or
    # an education), and a quarter of them leave it on a day between 58 and 66, before the
    # pension age (efterløn, seniorpension, tidlig pension); a-kasse membership holds while
    # in it
    years = lambda lo, hi: (rng.uniform(lo, hi, n) * 365.25).astype("timedelta64[D]")  # noqa: E731
    born = birth.to_numpy().astype("datetime64[D]")
    lf_from = np.where(in_lf, born + years(15, 22), np.datetime64("NaT"))
    leaves = in_lf & (rng.random(n) < 0.25)
    lf_to = np.where(leaves, born + years(58, 66), np.datetime64("NaT"))
    # education: vocational or higher, for most, completed on a day between ages 19 and 27
    has_education = rng.random(n) < np.where(herkomst == 2, 0.62, 0.78)
    age_done = (rng.uniform(19, 27, n) * 365.25).astype("timedelta64[D]")
    completed = birth.to_numpy().astype("datetime64[D]") + age_done
    educated_from = np.where(has_education, completed, np.datetime64("NaT"))
    return pd.DataFrame(
        {
            "cpr": _cpr(rng, birth, male),
            "birth_date": birth.date,
            "birth_year": birth.year.to_numpy(),
            "koen": np.where(male, "M", "K"),
            "herkomst": np.array(HERKOMST)[herkomst],
            "herkomst_idx": herkomst,
            "in_labour_force": in_lf,
            "is_insured": insured,
            "labour_force_from": lf_from,
            "labour_force_to": lf_to,  # the last day in it; NaT: not left
            "educated_from": educated_from,
            "has_vocational_education": has_education & (educated_from <= np.datetime64(ref)),
        }
    )


def draw_residence(rng: np.random.Generator, persons: pd.DataFrame, cal: Calendar) -> None:
    """Residence in Ballerup: who moved in or out in which week of the history (MOVE_SHARE
    each way), as the persons register dates it. A move is on a Monday, so a week is lived in
    Ballerup wholly or not at all: `in_week` is the first week lived here (0 for those living
    here before the history starts), `out_week` the first week not (len(cal) if still here).
    `resident_from` for those here before the history is a day in the 40 years before it (not
    before birth); `resident_to` is the last day lived here (NaT while still resident)."""
    n, n_weeks = len(persons), len(cal)
    moves_in = rng.random(n) < MOVE_SHARE
    in_week = np.where(moves_in, rng.integers(1, n_weeks, n), 0)
    moves_out = rng.random(n) < MOVE_SHARE
    # out after in: uniform over the weeks left after moving in
    left = n_weeks - in_week
    out_week = np.where(
        moves_out & (left > 1), in_week + 1 + (rng.random(n) * (left - 1)).astype(int), n_weeks
    )
    birth = persons["birth_date"].to_numpy().astype("datetime64[D]")
    # nobody moves away before being born (those born in the history do not move out)
    out_day = cal.week_start[np.minimum(out_week, n_weeks - 1)]
    out_week = np.where(out_day <= birth, n_weeks, out_week)
    earlier = cal.week_start[0] - (rng.random(n) * 40 * 365.25).astype("timedelta64[D]")
    persons["in_week"] = in_week
    persons["out_week"] = out_week
    persons["resident_from"] = np.maximum(
        birth, np.where(moves_in, cal.week_start[np.minimum(in_week, n_weeks - 1)], earlier)
    )
    persons["resident_to"] = np.where(
        out_week < n_weeks,
        cal.week_start[np.minimum(out_week, n_weeks - 1)] - np.timedelta64(1, "D"),
        np.datetime64("NaT"),
    )


def _pick(rng: np.random.Generator, hazards: list[tuple[int, np.ndarray]], n: int) -> np.ndarray:
    """Choose a destination for each of n persons from per-destination weekly hazards."""
    dest = np.full(n, -1, dtype=np.int8)
    u = rng.random(n)
    acc = np.zeros(n)
    for target, h in hazards:
        h = np.broadcast_to(h, (n,))
        hit = (dest < 0) & (u >= acc) & (u < acc + h)
        dest[hit] = target
        acc = acc + h
    return dest


def simulate_register(
    rng: np.random.Generator, persons: pd.DataFrame, cal: Calendar, burn_in: int = 104
):
    n = len(persons)
    birth = pd.to_datetime(persons["birth_date"]).to_numpy().astype("datetime64[D]")
    herk = persons["herkomst_idx"].to_numpy()
    ever_insured = persons["is_insured"].to_numpy()
    labour_force = labour_force_dates(persons)
    educated_from = persons["educated_from"].to_numpy().astype("datetime64[D]")
    in_week = persons["in_week"].to_numpy()
    out_week = persons["out_week"].to_numpy()
    nonwest = herk == 2
    # L 66: no new ressourceforløb from its first part (seed reforms, l66_2026_feb)
    no_new_ressourceforloeb = np.datetime64(reform_date("l66_2026_feb"))
    state = np.zeros(n, dtype=np.int8)
    dur = np.zeros(n, dtype=np.int16)  # weeks in current state
    # stock of long-term states at the start
    u = rng.random(n)
    state[u < 0.055] = S["foertidspension"]
    state[(u >= 0.055) & (u < 0.07)] = S["fleksjob"]
    state[(u >= 0.07) & (u < 0.076)] = S["ressourceforloeb"]

    rows_p, rows_w, rows_s = [], [], []
    total = burn_in + len(cal)
    for t in range(total):
        w = max(0, t - burn_in)
        month = cal.month[w]
        today = cal.week_start[w]
        cyc = cycle_factor(month)
        age = ((today - birth).astype(np.int64) / 365.25).astype(np.int16)
        working_age = (age >= 16) & (age <= 64)
        in_lf = in_labour_force(labour_force, today)  # the register's status this week
        insured = ever_insured & in_lf
        educated = educated_from <= today
        state[~working_age] = 0
        new = state.copy()
        after_reform = today >= no_new_ressourceforloeb

        m = (state == 0) & working_age
        k = int(m.sum())
        if k:
            a, nw, ins, lf = age[m], nonwest[m], insured[m], in_lf[m]
            # uddannelseshjælp (LAB § 2 nr. 4-5): under 30 without a vocational education
            young = (a >= 18) & (a <= 29) & ~educated[m]
            adult = a >= 18
            herk_f = np.where(nw, 2.2, 1.0)
            h = [
                (S["dagpenge"], 0.0017 * cyc * ins * np.where(nw, 1.5, 1.0)),
                (S["kh_jobparat"], 0.00035 * cyc * (~ins) * (a >= 30) * herk_f),
                (S["kh_aktivitetsparat"], 0.00018 * (~ins) * (a >= 30) * herk_f),
                (S["uh_uddannelsesparat"], 0.0030 * cyc * (~ins) * young * herk_f),
                (S["uh_aktivitetsparat"], 0.0013 * (~ins) * young * herk_f),
                (S["sygedagpenge"], 0.0024 * lf * adult),
            ]
            new[m] = np.where((d := _pick(rng, h, k)) >= 0, d, 0)

        def move(
            src: str,
            hazards: list[tuple[int, np.ndarray | float]],
            state: np.ndarray = state,
            new: np.ndarray = new,
        ) -> None:
            m = state == S[src]
            k = int(m.sum())
            if not k:
                return
            d = _pick(
                rng,
                [(t_, np.broadcast_to(h_, (n,))[m] if np.ndim(h_) else h_) for t_, h_ in hazards],
                k,
            )
            new[m] = np.where(d >= 0, d, state[m])

        exit_f = np.where(nonwest, 0.8, 1.0) * np.where(age >= 50, 0.75, 1.0) / cyc
        move(
            "dagpenge",
            [
                (0, 0.078 * exit_f),
                (S["sygedagpenge"], 0.002),
                (S["kh_jobparat"], np.where(dur >= 104, 1.0, 0.0)),
            ],
        )
        move("kh_jobparat", [(0, 0.028 * exit_f), (S["kh_aktivitetsparat"], 0.003)])
        move(
            "kh_aktivitetsparat",
            [
                (0, 0.007 * exit_f),
                (S["kh_jobparat"], 0.005),
                (S["ressourceforloeb"], 0.0 if after_reform else 0.002),
                (S["foertidspension"], 0.0005),
            ],
        )
        # uddannelseshjælp's target group is the under-30s without a vocational education
        # (LAB § 2 nr. 4-5): turning 30 or completing one moves a person to kontanthjælp
        outgrown = np.where((age >= 30) | educated, 1.0, 0.0)
        move(
            "uh_uddannelsesparat",
            [
                (0, 0.034 * exit_f),
                (S["uh_aktivitetsparat"], 0.004),
                (S["kh_jobparat"], outgrown),
            ],
        )
        move(
            "uh_aktivitetsparat",
            [
                (0, 0.010 * exit_f),
                (S["uh_uddannelsesparat"], 0.006),
                (S["kh_aktivitetsparat"], outgrown),
            ],
        )
        move("sygedagpenge", [(0, 0.085), (S["jobafklaring"], np.where(dur >= 22, 0.01, 0.0))])
        move(
            "jobafklaring",
            [
                (0, 0.02),
                (S["ressourceforloeb"], 0.0 if after_reform else 0.006),
                (S["fleksjob"], 0.006),
                (S["foertidspension"], 0.002),
            ],
        )
        move(
            "ressourceforloeb", [(0, 0.004), (S["fleksjob"], 0.004), (S["foertidspension"], 0.004)]
        )
        move("fleksjob", [(S["ledighedsydelse"], 0.005)])
        move("ledighedsydelse", [(S["fleksjob"], 0.035)])

        dur = np.where(new == state, dur + 1, 0).astype(np.int16)
        state = new
        if t >= burn_in:
            # Ballerup's register holds the weeks of those living here
            on = np.flatnonzero((state > 0) & (in_week <= w) & (w < out_week))
            rows_p.append(on.astype(np.int32))
            rows_w.append(np.full(len(on), w, dtype=np.int32))
            rows_s.append(state[on])
    return np.concatenate(rows_p), np.concatenate(rows_w), np.concatenate(rows_s)


def state_spells(pw_person: np.ndarray, pw_week: np.ndarray, pw_state: np.ndarray) -> pd.DataFrame:
    """Islands of consecutive weeks in one state, per person (the register is person-sorted)."""
    order = np.lexsort((pw_week, pw_person))
    p, w, s = pw_person[order], pw_week[order], pw_state[order]
    brk = np.ones(len(p), dtype=bool)
    brk[1:] = (p[1:] != p[:-1]) | (w[1:] != w[:-1] + 1) | (s[1:] != s[:-1])
    starts = np.flatnonzero(brk)
    ends = np.append(starts[1:], len(p)) - 1
    return pd.DataFrame(
        {"person": p[starts], "state": s[starts], "start_week": w[starts], "end_week": w[ends]}
    )


def build_world(
    seed: int = 42, scale: float = 1.0, start: str = SAMPLE_START, end: str | None = None
) -> World:
    end = end or last_complete_month()
    rng = np.random.default_rng(seed)
    cal = Calendar.build(start, end)
    persons = make_persons(rng, scale, pd.Period(end, "M").end_time.date())
    draw_residence(rng, persons, cal)
    p, w, s = simulate_register(rng, persons, cal)
    world = World(seed, scale, start, end, cal, persons, p, w, s)
    from pipeline.sample.events import make_events

    world.events = make_events(rng, world)
    return world
