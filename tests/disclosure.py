"""An attacker's audit of a published file: every count the published cells let one derive
by subtraction, found by linear algebra rather than by the rules that did the hiding.

Per period and area, the hidden cells' numerators and denominators are unknowns; every
additive relation among the cells (pipeline.suppression.find_relations, found in the true
numbers) is an equation, with the shown cells' values as constants. A combination of
unknowns is determined by the published file exactly when it is orthogonal to the null
space of the equations (it is then a linear combination of them). The audit asks that of
each hidden cell's numerator, denominator and complement (denominator - numerator, for
shares of persons), and of the hidden members of each relation together (and of those of
them no other relation determines); a determined
value of 1 to small - 1 is a disclosure, and so is one the equations leave free but hold
between 1 and small - 1 once counts are known never to be negative (linear programming,
_Bounds). Comparison rows (a gap or ratio computed from finer cells) count as disclosing
when shown beside a hidden cell they are computed from, and a change since a year before
(its denominator is the count of a year earlier) when shown while that earlier cell is
hidden.
Declared links (model int_disclosure_links: a sum of one indicator's cells at most another's
cell) are equations where they hold with equality in a period and area; where the sum is
less, the difference (the parent's persons outside the children: 2.4's dagpenge recipients
outside 5.4's dagpenge target group) is a hidden cell of its own, the link's remainder
(pipeline.suppression.with_remainders), which makes the link an equation too: a remainder
the published cells determine at 1 to small - 1 is a disclosure like a hidden cell's.
Counts of events carry the persons behind them (int_indicator_cells' PERSONS columns; a
count of persons is its own): a shown count behind 1 to small - 1 persons discloses them, and
so does a hidden one the equations determine (a count of events held within bounds only says
nothing of its persons that its bounds do not).

The relations come from two places that share no code: those the suppression itself finds
by the cells' names (find_relations) and those observed in the true numbers
(observed_relations: a breakdown's groups, or one cell, that add up to another cell of any
indicator in every period and area where both have a number). The second is an attacker who
knows no catalogue: a relation of those two kinds that the suppression's name rules miss is
still an equation here. Relations of other shapes (a part of a breakdown adding up to a
cell, as 5.1's 'dansk / *' to 'dansk'; a link of some groups to another indicator's cell)
it does not observe: for those the audit relies on the names and the declared links, as the
suppression does.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.linalg import null_space

from pipeline.programme import LP_UNBOUNDED, Programme
from pipeline.suppression import (
    PERSONS,
    QUANTITIES,
    Relations,
    comparison_components,
    fewest_from,
    find_relations,
    is_small,
    persons_behind,
    with_remainders,
    year_before_pairs,
)

TOLERANCE = 1e-7
ABOVE_ZERO = 10 * TOLERANCE  # the least a count known to be above 0 is taken to be


@dataclass(frozen=True)
class Disclosure:
    cell: int  # its position in the cells audited, with the links' remainders after them
    what: str  # 'n', 'd', 'c' of a hidden cell; 'sum' of a relation; 'compared', 'year before'
    value: float
    indicator_id: str = ""
    breakdown_value: str = ""  # a remainder's: 'rest af 2.4 I alt uden 5.4 / …'


def audit(
    cells: pd.DataFrame, small: int, links: pd.DataFrame | None = None
) -> tuple[list[Disclosure], int]:
    """The disclosures in `cells` (the contract key, true numerator and denominator,
    is_share, is_comparison, is_change and the published is_suppressed), with the declared
    `links` (int_disclosure_links' columns), and how many periods and areas with hidden cells
    in a relation or a bound were solved. The declared links' remainders (with_remainders)
    are hidden cells of the audit too."""
    cells = with_remainders(cells, links)
    n = np.nan_to_num(cells.numerator.to_numpy(dtype="float64"), nan=0.0)
    d = np.nan_to_num(cells.denominator.to_numpy(dtype="float64"), nan=0.0)
    values = {"n": n, "d": d}
    share = cells.is_share.to_numpy(dtype=bool)
    hidden = cells.is_suppressed.to_numpy(dtype=bool)
    found: list[Disclosure] = []
    # the persons behind each quantity: an events model's, else the count's own
    behind = persons_behind(cells, np.stack([n, d, d - n], axis=1))
    persons = dict(zip(QUANTITIES, behind.T, strict=True))
    for q, column in zip(QUANTITIES, PERSONS, strict=True):
        if column not in cells:
            continue
        given = cells[column].to_numpy(dtype="float64")  # a shown count of events
        for cell in np.flatnonzero(~hidden & is_small(given, small)):
            found.append(Disclosure(int(cell), f"{q} persons", float(given[cell])))

    shown_shares = ~hidden & share & ~cells.is_comparison.to_numpy(dtype=bool)
    for cell in np.flatnonzero(shown_shares & is_small(d - n, small)):
        found.append(Disclosure(int(cell), "c", float(d[cell] - n[cell])))
    for row, members in comparison_components(cells).items():
        if not hidden[row] and hidden[members].any():
            found.append(Disclosure(row, "compared", float("nan")))
    earlier, later = year_before_pairs(cells)
    for cell in later[hidden[earlier] & ~hidden[later]]:
        found.append(Disclosure(int(cell), "year before", float(d[cell])))

    positive = _present_means_positive(cells, values)
    relations = _joined(find_relations(cells, links=links), observed_relations(cells))
    system = cells.groupby(["period", "period_type", "area_code"], sort=False).ngroup()
    system = system.to_numpy()
    by_system: dict[int, list[int]] = defaultdict(list)
    for i in range(len(relations)):
        members = np.concatenate([[relations.parent[i]], relations.members(i)])
        if hidden[members].any():
            by_system[int(system[relations.parent[i]])].append(i)
    bounds = relations.bounds
    bounds_of: dict[int, list[int]] = defaultdict(list)
    for j in range(len(bounds)):
        members = np.concatenate([[bounds.parent[j]], bounds.members(j)])
        if hidden[members].any():
            bounds_of[int(system[bounds.parent[j]])].append(j)
            by_system.setdefault(int(system[bounds.parent[j]]), [])

    for at, ids in by_system.items():
        found.extend(
            _solve(ids, relations, hidden, share, values, small, bounds_of[at], persons, positive)
        )
    named = [
        Disclosure(
            f.cell,
            f.what,
            f.value,
            str(cells.indicator_id.iloc[f.cell]),
            str(cells.breakdown_value.iloc[f.cell]),
        )
        for f in found
    ]
    return named, len(by_system)


def _present_means_positive(cells: pd.DataFrame, values: dict) -> set[tuple[int, str]]:
    """The (cell, quantity) that a reader knows to be above 0 because the cell is there at
    all: a table (an indicator's breakdown) none of whose published rows holds 0 of that
    quantity makes its rows from what it counts, so a row, hidden or not, counts something
    (5.1's 3,034 target-group cells of the sample hold none, and 386 of the combinations
    have no row: helper-120 bounded a hidden one between 0 and 2 from 0.2, 2.5 and 5.1,
    which counts never below 0 alone leave free). Not a link's remainder, which no table
    publishes."""
    real = ~cells.is_virtual.to_numpy(dtype=bool)
    tables = cells.groupby(["indicator_id", "breakdown"], sort=False).ngroup().to_numpy()
    positive: set[tuple[int, str]] = set()
    for q in ("n", "d"):
        column = cells["numerator" if q == "n" else "denominator"].to_numpy(dtype="float64")
        counted = real & ~np.isnan(column)
        with_zero = np.unique(tables[counted & (np.abs(values[q]) <= TOLERANCE)])
        known = counted & ~np.isin(tables, with_zero)
        positive.update((int(cell), q) for cell in np.flatnonzero(known))
    return positive


def _solve(
    ids, relations, hidden, share, values, small, bound_ids, persons, positive
) -> list[Disclosure]:
    unknowns: dict[tuple[int, str], int] = {}
    rows: list[dict[int, float]] = []
    for i in ids:
        for q, holds in zip(QUANTITIES, relations.holds[i], strict=True):
            if q == "c" or not holds:
                continue  # the complement's equation is d's minus n's
            row: dict[int, float] = defaultdict(float)
            for cell, sign in [(relations.parent[i], 1.0)] + [
                (c, -1.0) for c in relations.members(i)
            ]:
                if hidden[cell]:
                    row[unknowns.setdefault((int(cell), q), len(unknowns))] += sign
            if row:
                rows.append(row)
            # counts are never negative: hidden children of a shown parent that sum to 0
            # are each 0
            unseen = relations.members(i)[hidden[relations.members(i)]]
            shown_parent = not hidden[relations.parent[i]]
            if shown_parent and len(unseen) and abs(values[q][unseen].sum()) < TOLERANCE:
                for cell in unseen:
                    zero: dict[int, float] = defaultdict(float)
                    zero[unknowns.setdefault((int(cell), q), len(unknowns))] = 1.0
                    rows.append(zero)
    # a declared bound: the hidden children less a hidden parent are at most what the shown
    # members leave
    limits: list[tuple[dict[int, float], float]] = []
    for j in bound_ids:
        q = QUANTITIES[int(relations.bounds.quantity[j])]
        parent, members = int(relations.bounds.parent[j]), relations.bounds.members(j)
        row = defaultdict(float)
        for cell in members[hidden[members]]:
            row[unknowns.setdefault((int(cell), q), len(unknowns))] += 1.0
        room = -values[q][members[~hidden[members]]].sum()
        if hidden[parent]:
            row[unknowns.setdefault((parent, q), len(unknowns))] -= 1.0
        else:
            room += values[q][parent]
        limits.append((row, float(room)))
    if not rows and not limits:
        return []
    matrix = np.zeros((len(rows), len(unknowns)))
    for r, row in enumerate(rows):
        for column, coefficient in row.items():
            matrix[r, column] = coefficient
    bound_matrix = np.zeros((len(limits), len(unknowns)))
    for r, (row, _) in enumerate(limits):
        for column, coefficient in row.items():
            bound_matrix[r, column] = coefficient
    # columns span what the equations leave free
    basis = null_space(matrix) if len(rows) else np.eye(len(unknowns))

    def determined(vector: np.ndarray) -> bool:
        return bool(np.all(np.abs(vector @ basis) < TOLERANCE)) if basis.size else True

    # each unknown alone: determined where the null space has nothing in its row
    fixed = (
        np.all(np.abs(basis) < TOLERANCE, axis=1) if basis.size else np.ones(len(unknowns), bool)
    )
    truth = np.array([values[q][cell] for (cell, q) in unknowns])
    above_zero = [column for key, column in unknowns.items() if key in positive]
    bounds = _Bounds(
        matrix, truth, unknowns, share, bound_matrix, [b for _, b in limits], above_zero
    )
    found = []
    for (cell, q), column in unknowns.items():
        vector = np.zeros(len(unknowns))
        vector[column] = 1
        quantities = [(q, vector.copy())]
        if q == "d" and share[cell] and (cell, "n") in unknowns:
            vector[unknowns[(cell, "n")]] = -1
            quantities.append(("c", vector))
        for what, vector in quantities:
            value = float(vector @ truth)
            if is_small(value, small) and (determined(vector) or bounds.held(vector, small)):
                found.append(Disclosure(cell, what, value))
            elif is_small(persons[what][cell], small) and determined(vector):
                found.append(Disclosure(cell, f"{what} persons", float(persons[what][cell])))
    for row in rows:
        vector = np.zeros(len(unknowns))
        for column, coefficient in row.items():
            vector[column] = coefficient
        total = float(vector @ truth)
        # a hidden parent's row is (parent - hidden children) = the shown children: public
        if np.all(vector <= 0) and is_small(-total, small):
            cell = next(cell for (cell, _), column in unknowns.items() if column in row)
            found.append(Disclosure(cell, "sum", -total))
        else:
            # the hidden members that the relations do not determine: where they are
            # children only (a hidden parent determined counts as shown), their sum is the
            # row's minus the determined ones' (5.1's shown cell minus 5.2's shown M gives
            # 5.2's hidden K, and the rest of K's hidden target groups is then known)
            rest = [c for c in row if not fixed[c]]
            if 0 < len(rest) < len(row) and all(row[c] < 0 for c in rest):
                value = float(truth[rest].sum())
                if is_small(value, small):
                    cell = next(cell for (cell, _), col in unknowns.items() if col == rest[0])
                    found.append(Disclosure(cell, "sum", value))
    # the persons behind the hidden members of a relation whose sum the published cells give
    # (its parent shown, or determined; those of them not determined): a person in two of
    # them is one, so not their sum but the fewest they can be, at least the most behind any
    # one and at least the parent's less the other members' (every person behind the
    # parent's events is behind a member's)
    for i in ids:
        parent, members = int(relations.parent[i]), relations.members(i)
        for q, holds in zip(QUANTITIES, relations.holds[i], strict=True):
            if q == "c" or not holds or (hidden[parent] and not fixed[unknowns[(parent, q)]]):
                continue
            rest = [int(c) for c in members if hidden[c] and not fixed[unknowns[(int(c), q)]]]
            if not rest:
                continue
            known = [int(c) for c in members if int(c) not in rest]
            behind = persons[q]
            fewest = fewest_from(behind[rest].max(), behind[parent], behind[known].sum())
            # (a small count of persons is the sum's own disclosure, above)
            if is_small(fewest, small) and not is_small(values[q][rest].sum(), small):
                found.append(Disclosure(rest[0], f"sum {q} persons", float(fewest)))
    return found


# an observed relation holds in at least this many periods and areas where its value is not
# 0: fewer could be a coincidence of small counts, which no reader could know to hold
OBSERVED_AT_LEAST = 5
# and takes at least this many values there: series that stay at the same one or two small
# counts (1, 1, 2, 1, ...) match each other by chance in a small world
OBSERVED_DISTINCT = 3


def observed_relations(cells: pd.DataFrame) -> Relations:
    """The additive relations the true numbers show, whatever the cells are called: a
    breakdown's groups (their sum) or one cell equal to another cell of any indicator, in
    numerators or denominators, in every period and area
    where both are published, in at least OBSERVED_AT_LEAST of them not 0, and taking at
    least OBSERVED_DISTINCT values (a coincidence no reader could know to hold otherwise).
    Comparison
    and change rows and the links' remainders are left out (their numbers are no counts of
    the cell's own persons). Each holding pair gives a relation per period and area: the
    other cell = the groups (or the cell) there."""
    frame = cells.reset_index(drop=True)
    plain = ~frame.is_comparison.to_numpy(dtype=bool) & ~frame.is_change.to_numpy(dtype=bool)
    if "is_virtual" in frame:
        plain &= ~frame.is_virtual.to_numpy(dtype=bool)
    text = {c: frame[c].astype(str) for c in ("indicator_id", "breakdown", "breakdown_value")}
    series, series_names = pd.factorize(
        text["indicator_id"] + "\x1f" + text["breakdown"] + "\x1f" + text["breakdown_value"]
    )
    group, group_names = pd.factorize(text["indicator_id"] + "\x1f" + text["breakdown"])
    at, places = pd.factorize(
        frame.period.astype(str)
        + "\x1f"
        + frame.period_type.astype(str)
        + "\x1f"
        + frame.area_code.astype(str)
    )
    n_series, n_places, n_groups = len(series_names), len(places), len(group_names)
    group_of = np.zeros(n_series, dtype=np.int64)
    group_of[series] = group
    sizes = np.bincount(group_of, minlength=n_groups)
    is_total = np.array([name.split("\x1f")[1] == "total" for name in group_names])
    # the plain cells by series and place, and by group and place
    cell_at = np.full((n_series, n_places), -1, dtype=np.int64)
    cell_at[series[plain], at[plain]] = np.flatnonzero(plain)
    members = (
        pd.Series(np.flatnonzero(plain))
        .groupby(group[plain] * n_places + at[plain])
        .apply(np.asarray)
        .to_dict()
    )
    numerator = frame.numerator.to_numpy(dtype="float64")
    denominator = frame.denominator.to_numpy(dtype="float64")
    # not complements: two shares of one population whose numerators happen to match have
    # equal complements, a coincidence; a complement's sum follows from the numerators' and
    # the denominators'
    quantities = {"n": numerator, "d": denominator}
    parents, children, holds = [], [], []
    for q, values in quantities.items():
        known = plain & ~np.isnan(values)
        by_cell = np.full((n_series, n_places), np.nan)
        by_cell[series[known], at[known]] = values[known]
        by_group = np.zeros((n_groups, n_places))
        np.add.at(by_group, (group[known], at[known]), values[known])
        seen = np.zeros((n_groups, n_places), dtype=bool)
        seen[group[known], at[known]] = True
        by_group[~seen] = np.nan
        published = ~np.isnan(by_cell)
        # a breakdown of one group is that cell: a candidate as the cell only
        candidates = [
            ("group", g, by_group[g]) for g in range(n_groups) if not is_total[g] and sizes[g] > 1
        ]
        candidates += [("cell", c, by_cell[c]) for c in range(n_series)]
        # every pair, not each cell to the first of its equals: cells published in different
        # periods are equal to a third in each, not to each other (helper-81)
        for kind, source, vector in candidates:
            where = np.flatnonzero(~np.isnan(vector))
            if len(where) < OBSERVED_AT_LEAST:
                continue
            sums, both = vector[where], published[:, where]
            differ = np.abs(np.where(both, by_cell[:, where] - sums, 0.0)) > TOLERANCE * (
                np.maximum(1.0, np.abs(sums))
            )
            counted = (both & (sums != 0)).sum(axis=1)
            for target in np.flatnonzero(~differ.any(axis=1) & (counted >= OBSERVED_AT_LEAST)):
                own = group_of[target] == source if kind == "group" else target == source
                if own:
                    continue  # a group's sum is no relation to one of its own groups
                if len(np.unique(sums[both[target]])) < OBSERVED_DISTINCT:
                    continue  # two series of the same few small counts: a coincidence
                for place in where[both[target]]:
                    parent = cell_at[target, place]
                    if kind == "group":
                        sum_of = members[source * n_places + place]
                    else:
                        sum_of = np.array([cell_at[source, place]])
                    parents.append(parent)
                    children.append(sum_of[sum_of != parent])
                    holds.append([q == "n", q == "d", q == "c"])
    empty = np.zeros(0, dtype=np.int64)
    lengths = np.array([len(c) for c in children], dtype=np.int64)
    return Relations(
        parent=np.asarray(parents, dtype=np.int64),
        offsets=np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64),
        children=np.concatenate(children) if children else empty,
        holds=np.asarray(holds, dtype=bool).reshape(-1, len(QUANTITIES)),
        bounds=None,
    )


def _joined(named: Relations, observed: Relations) -> Relations:
    """Both sets of relations as one (the named ones' bounds kept), without the observed
    ones that are an equation already there: the same parent and children in the same
    quantity, or, for a single child, the same two cells either way round. Each equation
    once keeps the programmes per period small."""
    seen: set[tuple] = set()

    def keys(relations: Relations, i: int) -> list[tuple]:
        members = tuple(sorted(int(c) for c in relations.members(i)))
        parent = int(relations.parent[i])
        if len(members) == 1:  # a = b is b = a
            cells = (min(parent, members[0]), max(parent, members[0]))
        else:
            cells = (parent, members)
        return [(cells, q) for q in range(len(QUANTITIES)) if relations.holds[i, q]]

    for i in range(len(named)):
        seen.update(keys(named, i))
    kept = []
    for i in range(len(observed)):
        new = [k for k in keys(observed, i) if k not in seen]
        if new:
            seen.update(new)
            kept.append(i)
    lengths = np.diff(observed.offsets)[kept] if kept else np.zeros(0, dtype=np.int64)
    children = (
        np.concatenate([observed.members(i) for i in kept]) if kept else np.zeros(0, np.int64)
    )
    return Relations(
        parent=np.concatenate([named.parent, observed.parent[kept]]),
        offsets=np.concatenate([named.offsets, named.offsets[-1] + np.cumsum(lengths)]),
        children=np.concatenate([named.children, children]),
        holds=np.vstack([named.holds, observed.holds[kept].reshape(-1, len(QUANTITIES))]),
        bounds=named.bounds,
    )


class _Bounds:
    """The least and the most a combination of the unknowns can be, given the equations and
    what every reader knows besides: no count is negative, and a share's numerator is not
    above its denominator. Two linear programmes per quantity (Hundepool et al., ch. 4.3):
    a small count held between 1 and small - 1 is disclosed even where no equation fixes
    it (a shown total equal to its shown cells makes every hidden one 0, and what they are
    parts of follows)."""

    def __init__(self, matrix, truth, unknowns, share, bound_matrix, limits, above_zero=()):
        # where the true values hold it: one cell that breaks it would make every programme
        # of its period infeasible
        below = [
            (unknowns[(cell, "n")], column)
            for (cell, q), column in unknowns.items()
            if q == "d"
            and share[cell]
            and (cell, "n") in unknowns
            and truth[unknowns[(cell, "n")]] <= truth[column] + TOLERANCE
        ]
        upper = np.zeros((len(below), len(truth)))
        for row, (numerator, denominator) in enumerate(below):
            upper[row, numerator], upper[row, denominator] = 1, -1
        upper = np.vstack([upper, bound_matrix])
        b_ub = np.concatenate([np.zeros(len(below)), np.asarray(limits, dtype="float64")])
        # a count a present row shows to be above 0 (_present_means_positive): at least a
        # little more than 0, which is all a reader knows of it
        self.lower = np.zeros(len(truth))
        self.lower[list(above_zero)] = ABOVE_ZERO
        self.options = {
            "A_eq": matrix if len(matrix) else None,
            "b_eq": matrix @ truth if len(matrix) else None,
            "A_ub": upper if len(b_ub) else None,
            "b_ub": b_ub if len(b_ub) else None,
        }

    def _optimum(self, cost: np.ndarray) -> float | None:
        """The least of cost @ x over the constraints; None where it is unbounded below. A
        programme that neither solves nor is unbounded is an error of the audit. One model
        of the period, solved again for each objective (pipeline.programme)."""
        if getattr(self, "_programme", None) is None:
            self._programme = Programme(
                self.options["A_eq"],
                self.options["b_eq"],
                self.options["A_ub"],
                self.options["b_ub"],
                self.lower,
            )
        status, point = self._programme.minimum(cost)
        if status == LP_UNBOUNDED:
            return None
        if status != 0:
            raise RuntimeError(f"the audit's programme did not solve: {self._programme.said}")
        return float(cost @ point)

    def held(self, vector: np.ndarray, small: int) -> bool:
        """Whether the combination is at least above 0 and at most below small. A programme
        that neither solves nor is unbounded is an error of the audit, never a pass."""
        if self.options["A_eq"] is None and self.options["A_ub"] is None:
            return False  # nothing holds any unknown from above
        most = self._optimum(-vector)
        if most is None or -most >= small - TOLERANCE:
            return False
        least = self._optimum(vector)
        if least is None:
            raise RuntimeError("the audit's programme is unbounded below, under counts >= 0")
        return bool(least > TOLERANCE)
