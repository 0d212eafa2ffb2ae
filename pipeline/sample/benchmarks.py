"""Benchmark tables for all 98 municipalities, with Ballerup's rows aggregated from its persons.

Ballerup's figures are computed here from the simulated person data as the publishers compute
them (DST's and STAR's definitions, cited on each function), not from the warehouse's seeds or
models: where the reconciliation tests compare the benchmark path with the person path, a
definition the warehouse gets wrong shows as a difference. The other 97 municipalities get
plausible, varied figures around a shared cycle; the country and region rows are sums over
municipalities, as the real publishers compute them.
"""

from __future__ import annotations

from datetime import date
from functools import cached_property

import numpy as np
import pandas as pd

from pipeline.config import dbt_var, read_seed
from pipeline.sample.world import (
    BALLERUP,
    STATES,
    S,
    World,
    cycle_factor,
    is_aabenlyst_uddannelsesparat,
    reform_date,
    state_group,
)

# the month on whose first day 4.1 counts the young residents (ind_4_1, dbt_project.yml)
MEASURED_MONTH = int(dbt_var("education_measured_month"))


def _age_groups(source: str) -> tuple[list[tuple[int, int, str]], str]:
    """(min, max, label) of a source's age groups and its total label, from the seed."""
    rows = [r for r in read_seed("age_groups") if r["source_system"] == source]
    groups = [
        (int(r["min_age"]), int(r["max_age"]), r["source_label"])
        for r in rows
        if r["is_total"] == "false"
    ]
    return groups, next(r["source_label"] for r in rows if r["is_total"] == "true")


AGE_GROUPS, AGE_TOTAL = _age_groups("statbank")
SMALL_AREAS = {825, 563, 741}  # Læsø, Fanø, Samsø: DST publishes '..' for their age cells
NOT_STATED = 998  # Jobindsats' "Uoplyst område" (seed regions)
# y30r21's benefit groups (docs/sources/real_tables.md, Y30R21) and a typical share of the
# residents on public support in each, in pct., for the sample's draws
EXPECTED_LEVEL_GROUPS = {
    "Ydelsesgrupper i alt": 16.0,
    "A-dagpenge mv.": 2.4,
    "Sygedagpenge mv.": 2.6,
    "Kontanthjælp mv.": 3.1,
}


def _count(value: float) -> int | None:
    """A published count: a whole number, None (JSON null) where it is 1-4, as STAR hides."""
    n = int(value)
    return None if 1 <= n <= 4 else n


def age_group(age: np.ndarray) -> np.ndarray:
    out = np.full(len(age), "", dtype=object)
    for lo, hi, label in AGE_GROUPS:
        out[(age >= lo) & (age <= hi)] = label
    return out


# DST's registered unemployment, as DST defines it (the publisher's rule, not read from the
# warehouse's seeds, so that a wrong seed shows as a difference): dagpenge and the job-ready
# (jobparate) recipients of kontanthjælp and uddannelseshjælp (dst.dk, statistikdokumentation
# Registreret ledighed, Indhold), the åbenlyst uddannelsesparate among the job-ready and the
# other uddannelsesparate among the aktivitetsparate (StatBank KYS01's visitation groups). The
# categories keep their meaning across the kontanthjælp reform.
LEDIG_STATES = [S["dagpenge"], S["kh_jobparat"]]


def is_registered_unemployed(state: np.ndarray, person: np.ndarray) -> np.ndarray:
    """DST's registered unemployment of each person-week (state, person)."""
    return np.isin(state, LEDIG_STATES) | (
        (state == S["uh_uddannelsesparat"]) & is_aabenlyst_uddannelsesparat(person)
    )


def ballerup_person_weeks(world: World) -> pd.DataFrame:
    """Person-weeks with month, age (calendar year of the month minus birth year) and group."""
    months = world.cal.month[world.pw_week]
    birth_year = world.persons["birth_year"].to_numpy()[world.pw_person]
    # the year of each register week's month, looked up by week (not by sorting the months)
    year_of_week = np.array([int(m[:4]) for m in world.cal.month])
    years = year_of_week[world.pw_week]
    return pd.DataFrame(
        {
            "month": months,
            "person": world.pw_person,
            "state": world.pw_state,
            "week": world.pw_week,
            "age": years - birth_year,
        }
    )


def weeks_per_month(world: World) -> pd.Series:
    return pd.Series(world.cal.month).value_counts().sort_index()


def ballerup_unemployment(world: World) -> pd.DataFrame:
    """AUP02/AUP03 for Ballerup: fuldtidsledige = DST's registered unemployed person-weeks
    (is_registered_unemployed) / weeks in the month;
    labour force and insured = residents in it (a-kasse members) on the month's first day aged
    16-64 (calendar-year age)."""
    pw = ballerup_person_weeks(world)
    pw = pw[(pw["age"] >= 16) & (pw["age"] <= 64)]
    wpm = weeks_per_month(world)
    pw = pw.assign(
        age_group=age_group(pw["age"].to_numpy()),
        is_ledig=is_registered_unemployed(pw["state"].to_numpy(), pw["person"].to_numpy()),
        is_dagpenge=pw["state"] == S["dagpenge"],
    )
    num = pw[pw["is_ledig"]].groupby(["month", "age_group"]).size().rename("ledige_weeks")
    dag = pw[pw["is_dagpenge"]].groupby("month").size().rename("dagpenge_weeks")

    p = world.persons
    rows = []
    for month in wpm.index:
        age = int(month[:4]) - p["birth_year"].to_numpy()
        # residents on the month's first day, with their status that day (int_population_months)
        first_day = date.fromisoformat(f"{month}-01")
        ok = (age >= 16) & (age <= 64) & world.resident_on(first_day)
        lf = world.in_labour_force_on(first_day) & ok
        groups = age_group(age)
        for _, _, label in AGE_GROUPS:
            rows.append((month, label, int((lf & (groups == label)).sum())))
        rows.append((month, "__insured__", int((world.insured_on(first_day) & ok).sum())))
    denom = pd.DataFrame(rows, columns=["month", "age_group", "persons"])
    lf = (
        denom[denom["age_group"] != "__insured__"]
        .merge(num.reset_index(), on=["month", "age_group"], how="left")
        .fillna({"ledige_weeks": 0})
    )
    lf["fuldtidsledige"] = lf["ledige_weeks"] / lf["month"].map(wpm)
    ins = denom[denom["age_group"] == "__insured__"].set_index("month")["persons"]
    dagpenge = (dag.reindex(wpm.index, fill_value=0) / wpm).rename("fuldtidsledige_forsikrede")
    return lf, pd.DataFrame({"insured": ins, "fuldtidsledige_forsikrede": dagpenge})


def ballerup_fuldtidspersoner(world: World) -> pd.DataFrame:
    """Fuldtidspersoner (weeks / weeks in month) on each benefit group, all ages."""
    reform = reform_date("kontanthjaelp_2025")
    groups = {
        after: np.array(
            [""] + [state_group(s, reform if after else date.min)[0] for s in STATES[1:]]
        )
        for after in (False, True)
    }
    months = world.cal.month[world.pw_week]
    after = months >= reform.isoformat()[:7]  # the reform starts with July 2025
    df = pd.DataFrame(
        {
            "month": months,
            "group": np.where(after, groups[True][world.pw_state], groups[False][world.pw_state]),
        }
    )
    out = df.groupby(["month", "group"]).size().rename("weeks").reset_index()
    out["fuldtidspersoner"] = out["weeks"] / out["month"].map(weeks_per_month(world))
    return out


class Benchmarks:
    """Figures for all areas; one instance per world, drawn from its own generator."""

    def __init__(self, world: World, seed: int):
        self.world = world
        self.rng = np.random.default_rng(seed + 1)
        munis = read_seed("municipalities")
        self.munis = pd.DataFrame(
            {
                "code": [int(r["municipality_code"]) for r in munis],
                "name": [r["municipality_name"] for r in munis],
                "region_code": [int(r["region_code"]) for r in munis],
                "region_name": [r["region_name"] for r in munis],
            }
        )
        n = len(self.munis)
        big = {101: 420_000, 751: 200_000, 461: 110_000, 851: 115_000, 147: 65_000}
        lf = np.exp(self.rng.normal(np.log(24_000), 0.75, n))
        lf = np.array([big.get(c, v) for c, v in zip(self.munis["code"], lf, strict=True)])
        self.munis["labour_force"] = np.maximum(lf, 1_200).round()
        self.munis["level"] = np.clip(self.rng.normal(1.0, 0.25, n), 0.5, 1.7)
        self.munis["share13"] = np.clip(self.rng.normal(1.0, 0.08, n), 0.75, 1.25)
        self.lf_b, self.ins_b = ballerup_unemployment(world)
        self.ftp_b = ballerup_fuldtidspersoner(world)
        # by each age group's first age (seed age_groups, AUP02's groups)
        self.age_share = {16: 0.14, 25: 0.11, 30: 0.21, 40: 0.21, 50: 0.22, 60: 0.11}
        self.age_rate = {16: 0.85, 25: 1.35, 30: 1.1, 40: 0.9, 50: 0.95, 60: 1.15}

    # Ballerup's rows of the issue-3 tables, computed once per world.
    @cached_property
    def education_b(self) -> pd.DataFrame:
        return ballerup_education(self.world)

    def _others(self) -> pd.DataFrame:
        return self.munis[self.munis["code"] != BALLERUP]

    @staticmethod
    def _with_totals(
        df: pd.DataFrame, munis: pd.DataFrame, keys: list[str], sums: list[str]
    ) -> pd.DataFrame:
        """Add region and country rows as sums over municipalities."""
        df = df.merge(munis[["code", "region_code", "region_name"]], on="code")
        reg = df.groupby(["region_code", "region_name", *keys], as_index=False)[sums].sum()
        reg = reg.rename(columns={"region_code": "code", "region_name": "name"})
        nat = (
            df.groupby(keys, as_index=False)[sums].sum() if keys else df[sums].sum().to_frame().T
        ).assign(code=0, name="Hele landet")
        return pd.concat(
            [nat, reg, df.drop(columns=["region_code", "region_name"])], ignore_index=True
        )

    def aup02(self, month: str) -> pd.DataFrame:
        """Fuldtidsledige in pct. of the labour force by area and age (StatBank AUP02)."""
        base = 0.028 * cycle_factor(month)
        rows = []
        for r in self._others().itertuples():
            noise = self.rng.normal(1.0, 0.04)
            for first, _, label in AGE_GROUPS:
                lf = round(r.labour_force * self.age_share[first])
                rows.append(
                    (r.code, r.name, label, lf, lf * base * r.level * self.age_rate[first] * noise)
                )
        b = self.lf_b[self.lf_b["month"] == month]
        for x in b.itertuples():
            rows.append((BALLERUP, "Ballerup", x.age_group, x.persons, x.fuldtidsledige))
        df = pd.DataFrame(rows, columns=["code", "name", "age_group", "lf", "ledige"])
        df = df.merge(self.munis[["code", "name"]], on=["code", "name"])
        tot = df.groupby(["code", "name"], as_index=False)[["lf", "ledige"]].sum()
        df = pd.concat([df, tot.assign(age_group=AGE_TOTAL)], ignore_index=True)
        df = self._with_totals(
            df.drop(columns="name"), self.munis, ["age_group"], ["lf", "ledige"]
        ).drop(columns="name")
        df = df.merge(self._area_names, on="code")
        df["value"] = 100 * df["ledige"] / df["lf"]
        df.loc[df["code"].isin(SMALL_AREAS) & (df["age_group"] != AGE_TOTAL), "value"] = np.nan
        return df

    def aup03(self, month: str) -> pd.DataFrame:
        """Fuldtidsledige forsikrede in pct. of all insured by area (StatBank AUP03)."""
        base = 0.024 * cycle_factor(month)
        o = self._others()
        ins = (o["labour_force"] * 0.74).round()
        df = pd.DataFrame(
            {
                "code": o["code"],
                "insured": ins,
                "ledige": ins * base * o["level"] * self.rng.normal(1, 0.04, len(o)),
            }
        )
        b = self.ins_b.loc[month]
        df = pd.concat(
            [
                df,
                pd.DataFrame(
                    {
                        "code": [BALLERUP],
                        "insured": [b["insured"]],
                        "ledige": [b["fuldtidsledige_forsikrede"]],
                    }
                ),
            ]
        )
        df = self._with_totals(df, self.munis, [], ["insured", "ledige"]).drop(columns="name")
        df = df.merge(self._area_names, on="code")
        df["value"] = 100 * df["ledige"] / df["insured"]
        return df

    def fuldtidspersoner(self, month: str) -> pd.DataFrame:
        """Fuldtidspersoner on public support by benefit group (Jobindsats Y01A02)."""
        share = {
            "dagpenge": 0.022,
            "kontanthjaelp": 0.018,
            "uddannelseshjaelp": 0.009,
            "sygedagpenge": 0.02,
            "jobafklaring": 0.003,
            "ressourceforloeb": 0.004,
            "ledighedsydelse": 0.003,
            "fleksjob": 0.02,
            "foertidspension": 0.06,
        }
        rows = []
        for r in self._others().itertuples():
            for group, s in share.items():
                cyc = cycle_factor(month) if group in ("dagpenge", "kontanthjaelp") else 1.0
                rows.append(
                    (r.code, group, r.labour_force * s * cyc * r.level * self.rng.normal(1, 0.03))
                )
        b = self.ftp_b[self.ftp_b["month"] == month]
        rows += [(BALLERUP, x.group, x.fuldtidspersoner) for x in b.itertuples()]
        df = pd.DataFrame(rows, columns=["code", "group", "fuldtidspersoner"])
        df = self._with_totals(df, self.munis, ["group"], ["fuldtidspersoner"])
        df = df.drop(columns="name").merge(self._area_names, on="code")
        return df

    def jobindsats_rows(self, month: str) -> dict[str, list[list]]:
        """The rows of every Jobindsats v3 table published for the month (extracts.yml; which
        A02 table holds which benefit, and when: seed benefit_tables): period, area name,
        then the measures as numbers, None where STAR would suppress a count of 1-4."""
        period = month.replace("-", "M")
        day = f"{month}-15"
        ftp = self.fuldtidspersoner(month)
        ftp = ftp[ftp["code"].isin(self._jobindsats_areas())]
        lf = self._labour_forces(month)
        out: dict[str, list[list]] = {}
        tables = [t for t in read_seed("benefit_tables") if t["valid_from"] <= day <= t["valid_to"]]
        for t in tables:
            groups = t["register_groups"].split(";")  # y60a02: the former uddannelseshjælp too
            g = ftp[ftp["group"].isin(groups)].groupby("code", as_index=False)["fuldtidspersoner"]
            g = g.sum().merge(lf, on="code").merge(self._area_names, on="code")
            persons = np.round(g["fuldtidspersoner"] * 1.12 + 0.5)
            out[t["table_id"]] = [
                [
                    period,
                    r.area_name,
                    _count(p),
                    _count(round(r.fuldtidspersoner)),
                    round(100 * r.fuldtidspersoner / r.labour_force, 1),
                    round(100 * r.fuldtidspersoner / (r.labour_force * 1.3), 1),
                ]
                for r, p in zip(g.itertuples(), persons, strict=True)
            ]
        out["y25i09"] = self._long_term(month, period, lf)
        if month[5:] in ("06", "12"):  # twice a year: the 12 months ending June, December
            out["y30r21"] = self._expected_level(f"{month[:4]}QMAT{int(month[5:]) // 3:02d}", lf)
        return out

    def _expected_level(self, period: str, lf: pd.DataFrame) -> list[list]:
        """y30r21: each municipality's expected and actual share of its residents on public
        support (fuldtidspersoner) per benefit group, drawn (Ballerup's too: the sample does
        not restate STAR's model), the difference, and the rank on the difference (1: the
        actual share furthest below the expected)."""
        m = self.munis[["code", "name", "level"]].merge(lf, on="code")
        population = m["labour_force"].to_numpy() * 1.3
        rows = []
        for group, share in EXPECTED_LEVEL_GROUPS.items():
            actual = share * m["level"].to_numpy() * self.rng.normal(1, 0.04, len(m))
            expected = actual * self.rng.normal(1, 0.06, len(m))
            actual_ftp = np.round(population * actual / 100)
            expected_ftp = np.round(population * expected / 100)
            diff_pct = np.round(expected, 1) - np.round(actual, 1)
            rank = pd.Series(diff_pct).rank(ascending=False, method="min").astype(int)
            for i, name in enumerate(m["name"]):
                rows.append(
                    [
                        period,
                        name,
                        group,
                        int(expected_ftp[i]),
                        int(actual_ftp[i]),
                        int(expected_ftp[i] - actual_ftp[i]),
                        round(float(expected[i]), 1),
                        round(float(actual[i]), 1),
                        round(float(diff_pct[i]), 1),
                        int(rank[i]),
                    ]
                )
        return rows

    def _jobindsats_areas(self) -> set[int]:
        """Jobindsats' area hierarchy _nykom: Hele landet, the municipalities, Uoplyst område."""
        return {0, NOT_STATED, *self.munis["code"]}

    def _labour_forces(self, month: str) -> pd.DataFrame:
        """The labour force of every Jobindsats area: Ballerup's from its persons, the other
        municipalities' drawn, the country their sum; Uoplyst område a small invented one."""
        lf = self.munis[["code", "labour_force"]].copy()
        lf.loc[lf["code"] == BALLERUP, "labour_force"] = self.ballerup_labour_force(month)
        total = lf["labour_force"].sum()
        extra = pd.DataFrame({"code": [0, NOT_STATED], "labour_force": [total, 2_000.0]})
        return pd.concat([lf, extra], ignore_index=True)

    def _long_term(self, month: str, period: str, lf: pd.DataFrame) -> list[list]:
        """y25i09: gross unemployed persons and the long-term unemployed among them, drawn for
        every municipality (Ballerup too: the sample does not restate STAR's rule), summed for
        the country."""
        m = (
            lf[~lf["code"].isin([0])]
            .merge(self.munis[["code", "level", "share13"]], on="code", how="left")
            .fillna({"level": 0.3, "share13": 1.0})
        )
        gross = self.rng.poisson(m["labour_force"] * 0.034 * cycle_factor(month) * m["level"])
        share = np.clip(0.17 * m["share13"] * m["level"] ** 0.3, 0.02, 0.6)
        long_term = self.rng.binomial(gross, share)
        df = pd.DataFrame({"code": m["code"], "gross": gross, "long": long_term})
        total = df[["gross", "long"]].sum()
        df = pd.concat(
            [pd.DataFrame({"code": [0], "gross": [total["gross"]], "long": [total["long"]]}), df]
        ).merge(self._area_names, on="code")
        long_ftp = np.round(df["long"] * 0.91)
        return [
            [
                period,
                r.area_name,
                "Ydelsesgrupper i alt",
                "I alt",
                _count(f),
                _count(r.long),
                _count(r.gross),
                round(100 * r.long / r.gross, 1) if r.gross >= 5 and r.long >= 5 else None,
            ]
            for r, f in zip(df.itertuples(), long_ftp, strict=True)
        ]

    def ballerup_labour_force(self, month: str) -> float:
        return float(self.lf_b.loc[self.lf_b["month"] == month, "persons"].sum())

    def synth(
        self,
        month: str,
        ballerup: pd.DataFrame,
        dims: list[str],
        totals: dict[str, str],
        *,
        float_flag: bool = False,
        shared_base: bool = False,
    ) -> pd.DataFrame:
        """A count table (base, flag per cell of `dims`) for every area.

        The other municipalities get Ballerup's rates of the month per labour-force person
        and per base, varied by their own level; the totals over each dimension are sums
        (with `shared_base`, every cell of a municipality shares one base, as persons in an
        offer of each type among the same unemployed, and Ballerup's rows come complete with
        their totals, since a person may be in two types); regions and the country are sums
        over municipalities, as the publishers compute them.
        """
        lf_b = max(1.0, self.ballerup_labour_force(month))
        o = self._others()
        is_total = np.zeros(len(ballerup), dtype=bool)
        for d in dims:
            is_total |= (ballerup[d] == totals[d]).to_numpy()
        leaf = ballerup[~is_total]
        cells = list(leaf.groupby(dims)) if dims else [((), leaf)]
        shared = None
        if shared_base:
            total_base = float(ballerup.loc[is_total, "base"].max()) if is_total.any() else 0.0
            shared = self.rng.poisson(o["labour_force"] * total_base / lf_b * o["level"])
        frames = []
        for key, cell in cells:
            key = key if isinstance(key, tuple) else (key,)
            base_b, flag_b = float(cell["base"].sum()), float(cell["flag"].sum())
            if shared is None:
                base = self.rng.poisson(o["labour_force"] * base_b / lf_b * o["level"] ** 0.5)
            else:
                base = shared
            p = flag_b / base_b if base_b > 0 else 0.0
            if float_flag:
                flag = base * p * o["level"].to_numpy() * self.rng.normal(1, 0.03, len(o))
            else:
                flag = self.rng.binomial(base, np.clip(p * o["share13"].to_numpy(), 0, 1))
            frames.append(
                pd.DataFrame(
                    {
                        "code": o["code"].to_numpy(),
                        **dict(zip(dims, key, strict=True)),
                        "base": base,
                        "flag": flag,
                    }
                )
            )
        df = pd.concat(frames, ignore_index=True)
        if not shared_base:
            df = pd.concat([df, leaf.assign(code=BALLERUP)[["code", *dims, "base", "flag"]]])
        for d in dims:
            keys = ["code", *(x for x in dims if x != d)]
            agg = {"base": "max" if shared_base else "sum", "flag": "sum"}
            tot = df.groupby(keys, as_index=False).agg(agg).assign(**{d: totals[d]})
            if shared_base:
                tot["flag"] = np.minimum(tot["flag"], tot["base"])
            df = pd.concat([df, tot], ignore_index=True)
        if shared_base:
            df = pd.concat([df, ballerup.assign(code=BALLERUP)[["code", *dims, "base", "flag"]]])
        df = self._with_totals(df, self.munis, dims, ["base", "flag"]).drop(columns="name")
        return df.merge(self._area_names, on="code")

    @cached_property
    def _area_names(self) -> pd.DataFrame:
        """Every area's code and name: built once (merged into each table of each month, it
        was a fifth of the sample's generation time when rebuilt for each)."""
        regions = read_seed("regions")
        return pd.concat(
            [
                pd.DataFrame(
                    {
                        "code": [int(r["area_code"]) for r in regions],
                        "area_name": [r["area_name"] for r in regions],
                    }
                ),
                self.munis[["code", "name"]].rename(columns={"name": "area_name"}),
            ],
            ignore_index=True,
        )


# --- Ballerup's rows of the benchmark tables of issue 3, from its persons -------------------
# Each function follows the rule of the dbt model it reconciles with (named in its docstring);
# weeks belong to the month of their Thursday, ages are the calendar year minus birth year.


def _age_in(world: World, year: int) -> np.ndarray:
    return year - world.persons["birth_year"].to_numpy()


def ballerup_education(world: World) -> pd.DataFrame:
    """HFUDD11 (4.1): residents aged 25-29 on 1 October and those with a vocational or higher
    education by then, by sex and origin, for each year whose 1 October lies in the sample
    (ind_4_1)."""
    rows = []
    for year in range(int(world.start[:4]), int(world.end[:4]) + 1):
        day = date(year, MEASURED_MONTH, 1)
        if not world.start <= f"{day:%Y-%m}" <= world.end:
            continue
        a = _age_in(world, year)
        p = world.persons.assign(educated=world.educated_on(day))
        young = p[(a >= 25) & (a <= 29) & world.resident_on(day)]
        g = young.groupby(["koen", "herkomst"])["educated"].agg(["size", "sum"])
        rows += [(str(year), k, h, int(r["size"]), int(r["sum"])) for (k, h), r in g.iterrows()]
    return pd.DataFrame(rows, columns=["year", "koen", "herkomst", "base", "flag"])


def ballerup_population(world: World, ages: list[int]) -> pd.DataFrame:
    """FOLK1A (4.2's comparator): residents on the first day of each quarter whose first day
    lies in the sample, by age in whole years on that day (FOLK1A's "den 1. i kvartalet";
    the warehouse's own ages are calendar-year ages), for the ages asked."""
    birth = pd.to_datetime(world.persons["birth_date"])
    by, bm, bd = (birth.dt.year.to_numpy(), birth.dt.month.to_numpy(), birth.dt.day.to_numpy())
    rows = []
    for quarter in pd.period_range(world.start, world.end, freq="Q"):
        day = quarter.start_time.date()
        if not world.start <= f"{day:%Y-%m}" <= world.end:
            continue
        before_birthday = (bm > day.month) | ((bm == day.month) & (bd > day.day))
        age = day.year - by - before_birthday
        counts = pd.Series(age[world.resident_on(day)]).value_counts()
        rows += [(f"{day:%Y-%m}", a, int(counts.get(a, 0))) for a in ages]
    return pd.DataFrame(rows, columns=["month", "alder", "base"])


def ballerup_new_foertidspension(world: World, bands: list[str]) -> pd.DataFrame:
    """PEN113's "Nye modtagere (månedsvis)" for Ballerup (3.3's comparator table): the persons
    on førtidspension in a month who were not in the month before and lived here on its
    first day, by PEN113's age band
    (codes like "1824"; age the calendar year minus birth year), from the world's second month
    on (the first has no month before it)."""
    fp = world.pw_state == S["foertidspension"]
    months = pd.PeriodIndex(world.cal.month, freq="M")
    ordinal = months.year.to_numpy() * 12 + months.month.to_numpy()
    on = pd.DataFrame(
        {"person": world.pw_person[fp], "m": ordinal[world.pw_week[fp]]}
    ).drop_duplicates()
    key = on["person"].to_numpy().astype(np.int64) * 100_000 + on["m"].to_numpy()
    new = on[~np.isin(key - 1, key)]  # not on førtidspension in the month before
    new = new[new["m"] > ordinal.min()]
    # and living here then: one who moves in on førtidspension is no new recipient of the
    # country (and the sample scales Ballerup's rows up to the country's)
    lived_here = np.zeros(len(new), dtype=bool)
    for m in np.unique(new["m"].to_numpy()):
        rows = new["m"].to_numpy() == m
        day = date((m - 2) // 12, (m - 2) % 12 + 1, 1)
        lived_here[rows] = world.resident_on(day)[new["person"].to_numpy()[rows]]
    new = new[lived_here]
    birth = world.persons["birth_year"].to_numpy()[new["person"].to_numpy()]
    age = (new["m"].to_numpy() - 1) // 12 - birth
    band = np.full(len(new), "", dtype=object)
    for code in bands:
        band[(age >= int(code[:2])) & (age <= int(code[2:]))] = code
    counts = (
        pd.DataFrame({"m": new["m"].to_numpy(), "alder": band})
        .query("alder != ''")
        .groupby(["m", "alder"])
        .size()
    )
    rows = [
        (f"{(m - 1) // 12}-{(m - 1) % 12 + 1:02d}", b, int(counts.get((m, b), 0)))
        for m in range(ordinal.min() + 1, ordinal.max() + 1)
        for b in bands
    ]
    out = pd.DataFrame(rows, columns=["month", "alder", "base"])
    return out.assign(flag=0)
