"""Secondary suppression: no count of 1 to small - 1 persons can be derived from what is
published, by any subtraction the published cells allow.

The primary rule (macro `is_small_cell`, in every indicator model) hides a cell whose
numerator or denominator is small. That is not enough once cells add up to each other: a
total minus the shown cells of its breakdown gives the hidden ones' sum, a share's
denominator minus its numerator gives the persons not counted, and a finer breakdown of one
indicator (5.2 by herkomst, målgruppe and køn) adds up to the cells of a coarser one
(5.1 by herkomst and målgruppe). This module finds those additive relations in the cells
themselves and hides further cells until none of them gives away a small count.

The method is the classic one for linked tables (Cox, "Suppression methodology and
statistical disclosure control", JASA 75(370), 1980; Hundepool et al., "Statistical
Disclosure Control", Wiley 2012, ch. 4.3): each relation `parent = sum of children`
must have either no hidden member, or hidden members that together hold no small count;
where it does not, the next-smallest shown member is hidden too, and the relations that
member belongs to are looked at again, until nothing changes. Relations that are each safe
can still together determine a small count, or hold it between 1 and small - 1 once counts
are known never to be negative: each period and area's relations are solved (null space)
and bounded (linear programming) as an attacker would, and a neighbour of every such count
is hidden, until nothing changes. A hidden cell the relations determine counts as shown
there: the other hidden members of its relations must not hold a small count together.

Relations (found in the cells' names: a relation is kept only where the published numbers
satisfy it in a whole table of a period and area; and declared, where the names do not show
them, in model int_disclosure_links: see the last item):
- a breakdown adds up to a coarser one of the same or of another indicator: the cells of
  'herkomst_maalgruppe_koen' summed over køn give the cells of 'herkomst_maalgruppe'; summed
  over everything they give the 'total'. The numerators may add up where the denominators
  do not (5.1's denominator is the population of the origin group, shared by its
  målgrupper): each is a relation of its own; the complement (persons not counted) adds up
  where both do.
- a combined value adds up its parts: 'dansk og vestlig' is 'dansk' plus 'vestlig'.
- a share's denominator is a finer share's too where they count parts of one population
  (2.4's offer types each of all dagpenge recipients, the total's denominator): coarser =
  finer, on denominators only (_shared_denominators).
- a comparison row (unit pct_points or ratio: seed units, `compares_cells`) is computed
  from finer cells of its indicator (5.0's gap from its herkomst cells; 5.4's gap for a
  målgruppe from its herkomst_maalgruppe cells; 5.6's ratio within target groups from its
  herkomst_maalgruppe cells): it is shown only when every finer cell that agrees with it
  on its own dimensions and that it is computed from is (comparison_components: not the
  parts of a combined origin group, nor the strata a comparison within strata leaves out).
  A ratio or a gap is not additive, so which cells could be solved from it is not
  tracked: every cell it is computed from must be shown.
- a change since a year before (unit pct_change: seed units, `compares_year_before`)
  carries the count of a year earlier as its denominator: it is shown only when the same
  cell a year earlier is.
- a declared link (kind at_most): cells of one indicator, summed, are part of another's
  population (5.4's dagpenge target group of every origin of 2.4's insured unemployed; 5.1's
  target groups of a benefit of 0.2's benefit group). In a period and area where they add up
  to it, a relation like the others; where to less, the difference is the link's
  remainder (with_remainders: the population's persons outside its part), a hidden cell of
  its own that makes the link a relation too, so that a remainder of 1 to small - 1 is
  protected as any small count (helper-78, December 2026: 2.4 less 5.4's dagpenge groups
  left 1 person, in an offer). A quantity on which the children add up though the other
  leaves a remainder is an exact sum of the children on it, without the remainder, whose
  share of it is 0 (2.4's numerators are 5.4's dagpenge numerators' sum in every month
  where its denominators are not: an attacker who sees the sum hold takes it, and a hidden
  count of 1 followed where the remainder's 0 was taken for an unknown; helper-113); where
  to more, nothing (the probe of December 2026,
  docs/reviews/disclosure-probe-2026-12/, derived small counts through both). Without the
  remainders (find_relations on the cells alone) the shortfall is a bound, a sum at most a
  cell, which the linear programmes hold as an inequality.

A hidden row is there: where its table makes no row of 0 (5.1 and 5.2 make a row only for
a target group and origin with fuldtidspersoner), a reader knows its count is above 0, and
the programmes take it so (present_means_positive): hidden cells whose sum is known to be
exactly 5 are then each under 5 (helper-120, December 2026).

Counts of events (1.2's offers, 5.3's spells, 5.6's sanctions) carry the persons behind them
(int_indicator_cells: numerator_persons, denominator_persons, complement_persons; macro
events_columns): a cell is small where its count is or where the persons behind it are
(macro is_small_cell, persons), and a sum of hidden cells gives something away where its
count or the fewest persons it can hold are small (fewest_persons: a person in two of the
cells is one, so their persons are not summed: helper-88's 3 + 4 sanctions of 2 and 3
persons, 7 sanctions of 3 persons together, showed as 5). What
holds for the count holds for its persons: 6 sanctions of 2 persons, determined by
subtraction, are theirs. A count the relations only hold within bounds tells nothing of the
persons behind it beyond what the count's bounds tell, so only a determined one is looked
at for its persons.

A breakdown's dimensions are its name split on '_' ('herkomst_maalgruppe' is herkomst and
maalgruppe), its value's parts split on ' / ', in the same order; 'total' has none.
"""

from __future__ import annotations

import hashlib
import inspect
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.blas import one_blas_thread
from pipeline.config import dbt_var
from pipeline.programme import LP_UNBOUNDED, Programme

KEY = ["indicator_id", "period", "period_type", "area_code", "breakdown", "breakdown_value"]
SYSTEM = ["period", "period_type", "area_code"]
COMBINED = " og "
COMPARED = "herkomst"  # the dimension every comparison row compares (5.0-5.6: origin)
TOLERANCE = float(dbt_var("small_cell_tolerance"))  # as macro is_small_cell's band
# the least a count a reader knows to be above 0 is taken to be (present_means_positive):
# above the tolerance within which a count is 0, and nothing a count could not be
ABOVE_ZERO = 10 * TOLERANCE
# the decimals a count is taken to (suppress): well below the small-cell tolerance (a
# fuldtidsperson's week is 0.2 or 0.25), well above the noise of a sum of doubles
DECIMALS = 9


def dimensions(breakdown: str, breakdown_value: str) -> dict[str, str]:
    """The dimensions of a breakdown and this cell's value on each."""
    if breakdown == "total":
        return {}
    names = breakdown.split("_")
    values = breakdown_value.split(" / ")
    if len(names) != len(values):
        raise ValueError(
            f"breakdown {breakdown!r} has {len(names)} dimensions, its value "
            f"{breakdown_value!r} has {len(values)} parts"
        )
    return dict(zip(names, values, strict=True))


def is_small(values: np.ndarray | float, small: int) -> np.ndarray:
    """Above 0 and below `small` (the primary rule's band, macro is_small_cell): a count of 1
    to small - 1, and any fraction of fuldtidspersoner under `small` (0.2 is one person's
    week); a missing count is none, and a difference that is 0 but for rounding is 0."""
    v = np.asarray(values, dtype="float64")
    return (v > TOLERANCE) & (v < small - TOLERANCE)  # NaN compares False


def is_small_sql(expression: str, small: int) -> str:
    """is_small's band as a DuckDB condition on `expression` (false where it is NULL), for
    SQL outside dbt (publish: a revision's change of a count)."""
    return f"coalesce({expression} > {TOLERANCE} and {expression} < {small - TOLERANCE}, false)"


def present_means_positive(cells: pd.DataFrame, values: np.ndarray) -> np.ndarray:
    """Per cell and quantity (numerator, denominator: columns 0 and 1 of `values`), whether
    a reader knows it to be above 0 because the cell is there at all: its table (an
    indicator's breakdown) has no row holding 0 of it, so the
    table makes its rows from what it counts, and a row, hidden or not, counts something.
    5.1 makes its target-group cells from the fuldtidspersoner it finds (the sample's 3,034
    hold no 0, and 386 of the combinations have no row): helper-120 held a hidden one
    between 0 and 2 through 0.2, 2.5 and 5.1, which counts never below 0 alone leave free.
    A link's remainder (is_virtual) is no table's row. Taken from the true counts of the
    cells given (one calendar year's, in suppress_by_year): where a table's shown rows hold
    no 0 and a hidden one does, a reader's inference is wrong there, and nothing follows."""
    table = pd.factorize(cells.indicator_id.astype(str) + "\x1f" + cells.breakdown.astype(str))[0]
    real = (
        ~cells.is_virtual.to_numpy(dtype=bool)
        if "is_virtual" in cells
        else np.ones(len(cells), dtype=bool)
    )
    positive = np.zeros((len(cells), 2), dtype=bool)
    for q in (0, 1):
        column = cells[("numerator", "denominator")[q]].to_numpy(dtype="float64")
        counted = real & ~np.isnan(column)
        with_zero = np.unique(table[counted & (np.abs(values[:, q]) <= TOLERANCE)])
        positive[:, q] = counted & ~np.isin(table, with_zero)
    return positive


def persons_behind(cells: pd.DataFrame, values: np.ndarray) -> np.ndarray:
    """The persons behind each cell's quantities `values` (columns QUANTITIES): those an
    events model gives (columns PERSONS), else the count itself, which counts persons."""
    persons = values.copy()
    for q, column in enumerate(PERSONS):
        if column in cells:
            given = cells[column].to_numpy(dtype="float64")
            persons[:, q] = np.where(np.isnan(given), persons[:, q], given)
    return persons


def is_sensitive(values: np.ndarray, persons: np.ndarray, small: int) -> np.ndarray:
    """A count, or the persons behind it, of 1 to small - 1 (is_small of either)."""
    return is_small(values, small) | is_small(persons, small)


def fewest_persons(persons: np.ndarray, unknown, parent: int, known) -> np.ndarray:
    """The fewest distinct persons the members `unknown` of a relation can hold together,
    per quantity (columns QUANTITIES), from the persons behind each cell: a person in two
    of them (a sanctioned person who changed target group in the year, an offer of each of
    two types) is one, so their sum would overstate it. At least the most behind any one of
    them, and at least the parent's less those of the members `known` (every person behind
    the parent's events is behind a member's). For counts of persons, where the members add
    up, it is their sum."""
    most = persons[unknown].max(axis=0) if len(unknown) else np.zeros(persons.shape[1])
    return fewest_from(most, persons[parent], persons[known].sum(axis=0))


def fewest_from(most, behind_parent, behind_known):
    """fewest_persons from its parts, for one relation or many at once (arrays that
    broadcast): the most behind one unknown member, the parent's persons, and the sum of
    the known members'."""
    return np.maximum(most, behind_parent - behind_known)


@dataclass
class Bounds:
    """Bound i: the cells children[offsets[i]:offsets[i + 1]] add up to at most the cell
    parent[i], in quantity column quantity[i] (0 numerators, 1 denominators): a declared
    link (kind at_most) of a period and area where the children add up to less than the
    parent. Cells are positions."""

    parent: np.ndarray
    offsets: np.ndarray
    children: np.ndarray
    quantity: np.ndarray

    def __len__(self) -> int:
        return len(self.parent)

    def members(self, i: int) -> np.ndarray:
        return self.children[self.offsets[i] : self.offsets[i + 1]]


@dataclass
class Relations:
    """Relation i: cell parent[i] = the sum of cells children[offsets[i]:offsets[i + 1]],
    for the quantities marked in holds[i] (columns QUANTITIES: numerators, denominators,
    complements = denominator - numerator of shares of persons); cells are positions."""

    parent: np.ndarray
    offsets: np.ndarray
    children: np.ndarray
    holds: np.ndarray
    bounds: Bounds  # the declared links that hold as bounds only

    def __len__(self) -> int:
        return len(self.parent)

    def members(self, i: int) -> np.ndarray:
        return self.children[self.offsets[i] : self.offsets[i + 1]]


QUANTITIES = ("n", "d", "c")
# the persons behind an events model's quantities, in the order of QUANTITIES (NULL where the
# count is of persons itself)
PERSONS = ("numerator_persons", "denominator_persons", "complement_persons")
CROSS_INDICATOR_SHARE = 0.5


def _require_breakdowns(cells: pd.DataFrame) -> None:
    """Every cell has its breakdown and value: a NULL is no cell of a breakdown (in pandas 3
    it would take another pair's dimensions here, helper-92, and fail the ordering in
    `suppress` as a TypeError that names nothing)."""
    if missing := [c for c in ("breakdown", "breakdown_value") if cells[c].isna().any()]:
        first = cells[cells[missing].isna().any(axis=1)].iloc[0]
        raise ValueError(
            f"a cell without {' or '.join(missing)}: indicator {first.indicator_id}, "
            f"period {first.period}, area {first.area_code} (int_indicator_cells)"
        )


def _prepare(cells: pd.DataFrame) -> pd.DataFrame:
    """The cells with their system (period and area) and dimensions. `pair` numbers the
    distinct (breakdown, breakdown_value); PAIRS of the frame's attrs holds their dims."""
    _require_breakdowns(cells)
    frame = cells.reset_index(drop=True).copy()
    frame["cell"] = np.arange(len(frame))
    codes, uniques = pd.factorize(
        frame.breakdown.astype(str) + "\x1f" + frame.breakdown_value.astype(str)
    )
    pairs = pd.DataFrame([u.split("\x1f") for u in uniques], columns=["breakdown", "value"])
    pairs["dims"] = [dimensions(b, v) for b, v in zip(pairs.breakdown, pairs.value, strict=True)]
    pairs["dimset"] = [",".join(sorted(d)) for d in pairs.dims]
    pairs["is_combined"] = [any(COMBINED in x for x in d.values()) for d in pairs.dims]
    frame["pair"] = codes
    for column in ("dimset", "is_combined"):
        frame[column] = pairs[column].to_numpy()[codes]
    # a declared link's remainder (with_remainders): a child of its link only
    frame["is_virtual"] = (
        cells["is_virtual"].to_numpy(dtype=bool) if "is_virtual" in cells else False
    )
    frame["system"] = frame.groupby(SYSTEM, dropna=False, sort=False).ngroup().to_numpy()
    # integer codes for the grouping below: pandas groups numbers far faster than text
    frame["indicator"] = pd.factorize(frame.indicator_id)[0]
    frame["table"] = pd.factorize(
        frame.indicator_id.astype(str) + "\x1f" + frame.breakdown.astype(str)
    )[0]
    frame.attrs["pairs"] = pairs
    return frame


def _group(frame: pd.DataFrame, names: list[str]) -> np.ndarray:
    """Each cell's system and values on the dimensions `names`, as one integer: the same
    for two cells (of any table) that agree on both."""
    pairs = frame.attrs["pairs"]
    labels = [" / ".join(d[n] for n in names) if set(names) <= set(d) else None for d in pairs.dims]
    codes, uniques = pd.factorize(pd.Series(labels, dtype=object), use_na_sentinel=True)
    per_cell = codes[frame.pair.to_numpy()].astype(np.int64)
    return frame.system.to_numpy(dtype=np.int64) * (len(uniques) + 1) + per_cell


def find_relations(
    cells: pd.DataFrame, frame: pd.DataFrame | None = None, links: pd.DataFrame | None = None
) -> Relations:
    """Every additive relation among the cells (see the module's docstring), and those the
    declared `links` (model int_disclosure_links) give. `cells` has the contract key,
    numerator, denominator, `is_share` and `is_comparison` (bools); `frame` is it prepared
    (_prepare) where the caller has it. The links that hold as bounds only are the
    result's `bounds`."""
    frame = _prepare(cells) if frame is None else frame
    named = (~frame.is_comparison & ~frame.is_virtual).to_numpy()
    plain = named & ~frame.is_combined.to_numpy()
    columns = {
        "system": frame.system.to_numpy(dtype=np.int64),
        "indicator": frame.indicator.to_numpy(dtype=np.int64),
        "table": frame.table.to_numpy(dtype=np.int64),
        "numerator": frame.numerator.to_numpy(dtype="float64"),
        "denominator": frame.denominator.to_numpy(dtype="float64"),
        "is_share": frame.is_share.to_numpy(dtype=bool),
    }
    dimset = frame.dimset.to_numpy()
    # Plain cells add up to plain ones; and a combined group over a finer breakdown adds up
    # to the combined group ('dansk og vestlig / <target group>' summed over the target
    # groups gives 'dansk og vestlig'). Each kind apart, so that no sum counts a part and
    # its whole twice. The combined relation follows from the parts' relations, but the
    # rule looks at each relation alone and would not see it (5.6, December 2026: a hidden
    # 'dansk og vestlig / kh_uddannelsesparat' of 2 sanctions was the combined total minus
    # the shown target groups)
    combined = named & frame.is_combined.to_numpy()
    found: list[tuple[pd.DataFrame, np.ndarray]] = []
    for kind in (plain, combined):
        tables = {
            int(t): np.flatnonzero(kind & (columns["table"] == t))
            for t in np.unique(columns["table"][kind])
        }
        for coarse in sorted(set(dimset[kind])):
            names = sorted(n for n in coarse.split(",") if n)
            group = _group(frame, names)
            parents = np.flatnonzero(kind & (dimset == coarse))
            for table_id, fine in tables.items():
                if not set(names) <= set(dimset[fine[0]].split(",")) - {""}:
                    continue
                others = parents[columns["table"][parents] != table_id]
                if len(others):
                    found.append(_sum_relations(fine, others, group, columns))
    found.append(_combined_relations(frame))
    found.append(_shared_denominators(frame))
    equal, bounds = _declared(frame, no_links() if links is None else links)
    found.append(equal)
    found = [(rows, children) for rows, children in found if len(rows)]
    if not found:
        empty = np.zeros(0, dtype=np.int64)
        return Relations(empty, np.zeros(1, dtype=np.int64), empty, np.zeros((0, 3), bool), bounds)
    rows = pd.concat([r for r, _ in found], ignore_index=True)
    lengths = rows.length.to_numpy(dtype=np.int64)
    return Relations(
        parent=rows.parent.to_numpy(dtype=np.int64),
        offsets=np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64),
        children=np.concatenate([c for _, c in found]),
        holds=rows[list(QUANTITIES)].to_numpy(dtype=bool),
        bounds=bounds,
    )


def _ranges(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The positions start..end - 1 of every (start, end), concatenated in their order."""
    sizes = (ends - starts).astype(np.int64)
    return np.arange(sizes.sum(), dtype=np.int64) + np.repeat(
        starts - np.cumsum(sizes) + sizes, sizes
    )


def _group_sums(values: np.ndarray, starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Sums of consecutive runs; NaN where a member is missing (no relation then)."""
    missing = np.isnan(values)
    sums = np.add.reduceat(np.where(missing, 0.0, values), starts)
    sums[np.add.reduceat(missing.astype(np.int64), starts) > 0] = np.nan
    return sums


def _sum_relations(fine, parents, group, columns) -> tuple[pd.DataFrame, np.ndarray]:
    """Relations where the cells `fine` (one indicator's breakdown), summed by their
    `group`, give the cells `parents` of the same group; with their children, in order.

    A relation holds for a whole table of a period and area (each group of fine cells
    adds up to its parent), or is not kept. Between two indicators it must moreover hold in
    at least half the periods and areas where both are published: a structural relation
    (5.2's cells summed over køn are 5.1's), not two numbers that happen to be equal."""
    nothing = (pd.DataFrame(), np.zeros(0, dtype=np.int64))
    fine = fine[np.argsort(group[fine], kind="stable")]
    groups, starts, sizes = np.unique(group[fine], return_index=True, return_counts=True)
    n_sum = _group_sums(columns["numerator"][fine], starts, sizes)
    d_sum = _group_sums(columns["denominator"][fine], starts, sizes)
    all_shares = np.logical_and.reduceat(columns["is_share"][fine], starts)
    position = np.searchsorted(groups, group[parents])
    found = position < len(groups)
    found[found] = groups[position[found]] == group[parents][found]
    parents, position = parents[found], position[found]
    if not len(parents):
        return nothing
    with np.errstate(invalid="ignore"):
        n_ok = np.abs(columns["numerator"][parents] - n_sum[position]) < TOLERANCE
        d_ok = np.abs(columns["denominator"][parents] - d_sum[position]) < TOLERANCE
    # one block per period and area and parent table: the relation holds for all of it
    table = columns["table"][parents]
    blocks, block = np.unique(
        columns["system"][parents] * (table.max() + 1) + table, return_inverse=True
    )
    n_block = np.bincount(block, weights=~n_ok, minlength=len(blocks)) == 0
    d_block = np.bincount(block, weights=~d_ok, minlength=len(blocks)) == 0
    other_block = np.zeros(len(blocks), dtype=bool)
    other_block[block] = columns["indicator"][parents] != columns["indicator"][fine[0]]
    if other_block.any():
        block_table = np.zeros(len(blocks), dtype=np.int64)
        block_table[block] = table
        _, per_table = np.unique(block_table[other_block], return_inverse=True)
        for holds in (n_block, d_block):
            share = np.bincount(per_table, weights=holds[other_block]) / np.bincount(per_table)
            holds[other_block] &= (share >= CROSS_INDICATOR_SHARE)[per_table]
    n, d = n_block[block], d_block[block]
    keep = n | d
    if not keep.any():
        return nothing
    parents, position, n, d = parents[keep], position[keep], n[keep], d[keep]
    lengths = sizes[position]
    first = starts[position]
    offsets = np.repeat(first - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
    children = fine[offsets + np.arange(lengths.sum())]
    rows = pd.DataFrame(
        {
            "parent": parents,
            "length": lengths,
            "n": n,
            "d": d,
            "c": n & d & columns["is_share"][parents] & all_shares[position],
        }
    )
    return rows, children


def _combined_relations(frame: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """'dansk og vestlig' = 'dansk' + 'vestlig', in the same table, period and area."""
    tables = set(frame.table[frame.is_combined & ~frame.is_comparison])
    cells = frame[~frame.is_comparison & frame.table.isin(tables)]
    lookup = dict(
        zip(
            zip(
                cells.system,
                cells.indicator_id,
                cells.breakdown,
                cells.breakdown_value,
                strict=True,
            ),
            cells.cell,
            strict=True,
        )
    )
    n = frame.numerator.to_numpy(dtype="float64")
    d = frame.denominator.to_numpy(dtype="float64")
    share = frame.is_share.to_numpy(dtype=bool)
    dims = frame.attrs["pairs"].dims
    rows, children = [], []
    for row in cells[cells.is_combined].itertuples(index=False):
        members = [
            lookup.get((row.system, row.indicator_id, row.breakdown, " / ".join(values)))
            for values in _product([v.split(COMBINED) for v in dims[row.pair].values()])
        ]
        if len(members) < 2 or None in members:
            continue
        n_ok = bool(abs(row.numerator - n[members].sum()) < TOLERANCE)
        d_ok = bool(abs(row.denominator - d[members].sum()) < TOLERANCE)
        if n_ok or d_ok:
            c_ok = n_ok and d_ok and bool(share[[row.cell, *members]].all())
            rows.append((row.cell, len(members), n_ok, d_ok, c_ok))
            children.extend(members)
    return (
        pd.DataFrame(rows, columns=["parent", "length", *QUANTITIES]),
        np.asarray(children, dtype=np.int64),
    )


def _shared_denominators(frame: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """A cell's denominator that a finer cell of the same indicator, period and area has
    too (agreeing with it on its own dimensions): the same population, of which each finer
    cell counts a part in its numerator. 2.4's offer types are each a share of all dagpenge
    recipients, 2.4's total; 5.1's 'dansk / dagpenge' is of the population of origin
    'dansk'. The finer cell then shows the coarser one's denominator: a relation coarser =
    finer on denominators only, where the numbers have it. Without it a hidden 2.4 total's
    denominator counted as unknown, while every shown offer type gave it, and with it 2.4
    less 5.4's dagpenge groups (a link's remainder) gave 1 person (the audit's relations
    observed in the numbers, tests/disclosure.py, found it in December 2026). Shares of
    persons only (is_share): taken for every cell with a denominator, the sample hid 6,153
    cells instead of 5,703 (5.1's and 5.2's fuldtidspersoner over their origin group's
    population, and 0.2 with them), while the audit, which observes those equal denominators
    too, finds nothing at 5,703 (helper-81's review asked for every cell; left, with the
    numbers, for a closer look at why the extra relations hide so much)."""
    keep = frame.is_share & ~frame.is_comparison & ~frame.is_virtual & frame.denominator.notna()
    if "is_change" in frame:
        keep &= ~frame.is_change
    cells = frame.loc[keep, ["cell", "system", "indicator", "pair", "denominator"]]
    dims = list(frame.attrs["pairs"].dims)
    # per indicator, its (coarser, finer) pairs of breakdown values
    finer = pd.DataFrame(
        [
            (indicator, coarse, fine)
            for indicator, pairs in cells.groupby("indicator").pair.unique().items()
            for coarse in pairs
            for fine in pairs
            if len(dims[coarse]) < len(dims[fine])
            and all(dims[fine].get(k) == v for k, v in dims[coarse].items())
        ],
        columns=["indicator", "pair", "finer_pair"],
    ).astype(np.int64)
    both = cells.merge(finer, on=["indicator", "pair"]).merge(
        cells.rename(columns={"pair": "finer_pair"}),
        on=["system", "indicator", "finer_pair"],
        suffixes=("", "_finer"),
    )
    both = both[(both.denominator - both.denominator_finer).abs() < TOLERANCE]
    rows = pd.DataFrame(
        {
            "parent": both.cell.to_numpy(dtype=np.int64),
            "length": np.ones(len(both), dtype=np.int64),
            "n": False,
            "d": True,
            "c": False,
        }
    )
    return rows, both.cell_finer.to_numpy(dtype=np.int64)


def _product(parts: list[list[str]]) -> list[list[str]]:
    result: list[list[str]] = [[]]
    for options in parts:
        result = [[*r, o] for r in result for o in options]
    return result


LINK_COLUMNS = [
    "kind",
    "parent_indicator",
    "parent_breakdown",
    "parent_value",
    "child_indicator",
    "child_breakdown",
    "child_dimension",
    "child_value",
    "on_numerator",
    "on_denominator",
]


def no_links() -> pd.DataFrame:
    """No declared links: the cells' own relations only."""
    return pd.DataFrame(columns=LINK_COLUMNS)


def remainder_label(key: tuple) -> str:
    """The value a declared link's remainder row has on each dimension of the child table
    (with_remainders): unique per link, and no value of a published cell."""
    parent_indicator, _, parent_value, child_indicator, *_ = key
    return f"rest af {parent_indicator} {parent_value} uden {child_indicator}"


def _link_instances(frame: pd.DataFrame, links: pd.DataFrame) -> Iterator[tuple]:
    """Each declared link of kind at_most (model int_disclosure_links) in each period and
    area: (the link's key, its parent cell, its child cells: the plain cells of the child
    table whose value on child_dimension is one of the link's child values, and its
    remainder where `frame` has one)."""
    at_most = links[links.kind == "at_most"]
    if not len(at_most):
        return
    plain = frame[~frame.is_comparison & ~frame.is_combined]
    dims = frame.attrs["pairs"].dims.to_numpy()
    # the plain cells' positions by (indicator, breakdown), looked up per link instead of
    # four comparisons of text over every cell per link (1.3 s of suppression's 3.4 s at 30 M
    # person-weeks: 915 instances, by period and area, of int_disclosure_links' 24 rows)
    tables = (
        pd.Series(np.arange(len(plain)))
        .groupby(
            [plain.indicator_id.to_numpy(object), plain.breakdown.to_numpy(object)], sort=False
        )
        .indices
    )
    none = np.array([], dtype=np.int64)
    values = plain.breakdown_value.to_numpy(object)
    virtual = plain.is_virtual.to_numpy(bool)
    cell, system, pair = (plain[c].to_numpy(np.int64) for c in ("cell", "system", "pair"))
    on_dimension: dict[tuple, np.ndarray] = {}  # (indicator, breakdown, dimension) -> values
    keys = [c for c in LINK_COLUMNS if c not in ("kind", "child_value")]
    for key, link in at_most.groupby(keys, sort=True, dropna=False):
        pi, pb, pv, ci, cb, dimension, _, _ = key
        wanted = {*link.child_value, remainder_label(key)}
        parents = tables.get((pi, pb), none)
        parents = parents[(values[parents] == pv) & ~virtual[parents]]
        table = tables.get((ci, cb), none)
        if (ci, cb, dimension) not in on_dimension:
            on_dimension[ci, cb, dimension] = np.array(
                [dims[p].get(dimension) for p in pair[table]], dtype=object
            )
        chosen = table[[v in wanted for v in on_dimension[ci, cb, dimension]]]
        # the chosen cells by system, each system's in the order of the frame
        order = chosen[np.argsort(system[chosen], kind="stable")]
        systems, starts = np.unique(system[order], return_index=True)
        groups = np.split(cell[order], starts[1:]) if len(order) else []
        by_system = dict(zip(systems.tolist(), groups, strict=True))
        for parent, parent_system in zip(cell[parents], system[parents], strict=True):
            members = by_system.get(int(parent_system))
            if members is not None:
                yield key, int(parent), members


def _link_gaps(counts: tuple, key: tuple, parent: int, members: np.ndarray) -> list[float]:
    """For numerators and denominators (`counts`), a link instance's parent less its
    children's sum: 0 within TOLERANCE, NaN where the link is not on that quantity (key's
    on_numerator, on_denominator) or a count is missing."""
    gaps = []
    for column, on in zip(counts, key[6:8], strict=True):
        if not on or np.isnan(column[[parent, *members]]).any():
            gaps.append(np.nan)
            continue
        gap = float(column[parent] - column[members].sum())
        gaps.append(0.0 if abs(gap) < TOLERANCE else gap)
    return gaps


def with_remainders(cells: pd.DataFrame, links: pd.DataFrame | None) -> pd.DataFrame:
    """`cells` (is_virtual false) and after them a row for each declared link of kind at_most
    in each period and area where its children add up to less than its parent: the
    remainder, the parent's persons outside its children (2.4's dagpenge recipients outside
    5.4's dagpenge target group; 0.2's fuldtidspersoner of a benefit outside 5.1's ages
    16-64, on numerators as the link). It is published nowhere, but follows from what is by
    subtraction: a remainder of 1 to small - 1 persons is a small count as a hidden cell's
    is (review of December 2026: 2.4 less 5.4's dagpenge groups left 1 person, who was in
    an offer). As a child of its link it makes the link a sum like any other, parent =
    children + remainder, in which the remainder is a hidden cell (is_hidden, and
    is_suppressed where `cells` has the column; is_virtual). A quantity the children exceed
    in (the declaration does not hold there) has none (NULL)."""
    cells = cells.assign(is_virtual=False)
    if links is None or not (links.kind == "at_most").any():
        return cells
    frame = _prepare(cells)
    counts = (
        frame.numerator.to_numpy(dtype="float64"),
        frame.denominator.to_numpy(dtype="float64"),
    )
    parents, labels, remainders = [], [], []
    for key, parent, members in _link_instances(frame, links):
        # a quantity the children exceed (the link does not hold there) has no remainder
        gaps = [g if g >= 0 else np.nan for g in _link_gaps(counts, key, parent, members)]
        if not any(g > 0 for g in gaps):  # equal (a sum as it is), or not holding
            continue
        parents.append(parent)
        labels.append((key[3], key[4], remainder_label(key)))
        remainders.append(gaps)
    if not parents:
        return cells
    rows = cells.iloc[parents].copy()
    rows["indicator_id"] = [ci for ci, _, _ in labels]
    rows["breakdown"] = [cb for _, cb, _ in labels]
    rows["breakdown_value"] = [" / ".join([label] * len(cb.split("_"))) for _, cb, label in labels]
    rows[["numerator", "denominator"]] = np.array(remainders, dtype="float64")
    for column in PERSONS:  # the parent's persons are not the remainder's
        if column in rows:
            rows[column] = np.nan
    rows["is_hidden"] = True
    if "is_suppressed" in rows:
        rows["is_suppressed"] = True
    rows[["is_comparison", "is_change"]] = False
    rows["is_virtual"] = True
    return pd.concat([cells, rows], ignore_index=True)


def _declared(frame: pd.DataFrame, links: pd.DataFrame) -> tuple[tuple, Bounds]:
    """The declared links of kind at_most (model int_disclosure_links) in each period and
    area (_link_instances). Where the children add up to the parent, a relation like those
    found (for the quantities that add up); where to less, a bound; where to more, nothing:
    the declaration does not hold there, and an attacker who trusted it would be wrong. With
    its remainder (with_remainders, as suppress and the audit have it) the children add up
    to the parent."""
    empty = np.zeros(0, dtype=np.int64)
    rows, children = [], []
    bounds, bound_children = [], []
    counts = (
        frame.numerator.to_numpy(dtype="float64"),
        frame.denominator.to_numpy(dtype="float64"),
    )
    share = frame.is_share.to_numpy(dtype=bool)
    virtual = frame.is_virtual.to_numpy(dtype=bool)
    for key, parent, members in _link_instances(frame, links):
        # the plain children alone where they add up on a quantity though a remainder exists
        # (for the other): the remainder holds none of it, which an attacker sees in every
        # period where all is shown, so it is no unknown of that quantity's relation
        # (helper-113: 2.4's numerators were 5.4's dagpenge numerators' sum in every month,
        # the remainder's 0 taken for free, and 5.4's hidden 1 followed)
        plain = members[~virtual[members]]
        exact = _link_gaps(counts, key, parent, plain) if len(plain) < len(members) else None
        equal = [[False, False], [False, False]]  # [with members, with the plain ones]
        for q, gap in enumerate(_link_gaps(counts, key, parent, members)):
            if exact is not None and exact[q] == 0:
                equal[1][q] = True
            elif gap == 0:
                equal[0][q] = True
            elif gap > 0:
                bounds.append((int(parent), len(members), q))
                bound_children.append(members)
        # the complement (d - n) adds up where both quantities do, with the remainder where
        # either's relation has it (its complement is its d - n, whatever n is)
        both = all(a or b for a, b in zip(*equal, strict=True))
        for these, holds in ((members, equal[0]), (plain, equal[1])):
            if any(holds):
                complement = both and (these is members or all(holds))
                c = complement and bool(share[[parent, *these]].all())
                rows.append((int(parent), len(these), *holds, c))
                children.append(these)
    lengths = np.array([b[1] for b in bounds], dtype=np.int64)
    return (
        (
            pd.DataFrame(rows, columns=["parent", "length", *QUANTITIES]),
            np.concatenate(children) if children else empty,
        ),
        Bounds(
            parent=np.array([b[0] for b in bounds], dtype=np.int64),
            offsets=np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64),
            children=np.concatenate(bound_children) if bound_children else empty,
            quantity=np.array([b[2] for b in bounds], dtype=np.int64),
        ),
    )


def comparison_components(
    cells: pd.DataFrame, frame: pd.DataFrame | None = None
) -> dict[int, list[int]]:
    """For each comparison row (is_comparison), the cells it is computed from: the plain
    cells of the same indicator, period and area with more dimensions, agreeing on its own
    (5.4's gap for a målgruppe: its herkomst_maalgruppe cells; 5.6's total: its cells of
    every target group), but for two kinds it is not computed from:
    - the parts of a combined origin group: every comparison is between the goal's groups,
      non-Western origin and the others ('dansk og vestlig', 'øvrige'), so where a stratum
      has 'dansk og vestlig' its parts 'dansk' and 'vestlig' are not compared (they are
      protected with it by the relation 'dansk og vestlig' = 'dansk' + 'vestlig');
    - in a comparison within strata (cells of more than one stratum: the target groups of
      5.4's and 5.6's total), the strata it leaves out (stats.compared_strata: a group not
      there, or for a ratio no event in either group). A stratum is never left out for
      being small: see compared_strata for why.
    `frame` is `cells` prepared (_prepare) where the caller has it."""
    from pipeline.stats import compared_strata

    frame = _prepare(cells) if frame is None else frame
    rows = frame[frame.is_comparison]
    plain = frame[
        ~frame.is_comparison
        & ~frame.is_virtual
        & frame.indicator_id.isin(set(rows.indicator_id))
        & frame.system.isin(set(rows.system))
    ]
    dims = frame.attrs["pairs"].dims.to_numpy()  # by position: a Series looks each up slowly
    breakdowns = frame.attrs["pairs"].breakdown.to_numpy()
    numerator = frame.numerator.to_numpy(dtype="float64")
    denominator = frame.denominator.to_numpy(dtype="float64")
    # each table's cells and their pairs as arrays (a frame's column, taken per row, copies
    # the frame's attrs each time); whether a cell is a component depends on its pair only
    slim = pd.DataFrame(
        {c: plain[c].to_numpy() for c in ("system", "indicator_id", "cell", "pair")}
    )
    by_table = {
        key: (table.cell.to_numpy(), table.pair.to_numpy(), np.unique(table.pair.to_numpy()))
        for key, table in slim.groupby(["system", "indicator_id"], sort=False)
    }
    components: dict[int, list[int]] = {}
    for row in rows.itertuples(index=False):
        found = by_table.get((row.system, row.indicator_id))
        if found is None:
            components[int(row.cell)] = []
            continue
        table_cells, table_pairs, distinct = found
        own = dims[row.pair]
        finer = [
            pair
            for pair in distinct
            if len(dims[pair]) > len(own) and all(dims[pair].get(k) == v for k, v in own.items())
        ]
        strata = _compared_by_stratum(finer, dims, breakdowns)
        if len(strata) > 1:
            events = row.unit == "ratio"
            for stratum, compared in list(strata.items()):
                if len(compared) != 2:
                    continue  # not a comparison of two groups: every cell stays a component
                members = [table_cells[table_pairs == pair] for pair in compared]
                if any(len(m) != 1 for m in members):
                    continue
                (first,), (second,) = members
                used = compared_strata(
                    numerator[[first]],
                    denominator[[first]],
                    numerator[[second]],
                    denominator[[second]],
                    events=events,
                )
                if not used[0]:
                    del strata[stratum]
        chosen = [pair for compared in strata.values() for pair in compared]
        components[int(row.cell)] = [int(c) for c in table_cells[np.isin(table_pairs, chosen)]]
    return components


def _compared_by_stratum(pairs, dims, breakdowns) -> dict[tuple, list[int]]:
    """The pairs a comparison compares, by stratum (their breakdown and their values on
    every dimension but herkomst): each stratum's origin groups but the parts of a combined
    one ('dansk' and 'vestlig' where 'dansk og vestlig' is there)."""
    strata: dict[tuple, list[int]] = {}
    for pair in pairs:
        rest = tuple(sorted((k, v) for k, v in dims[pair].items() if k != COMPARED))
        strata.setdefault((breakdowns[pair], rest), []).append(pair)
    for stratum, members in strata.items():
        parts = {
            part
            for pair in members
            if COMBINED in dims[pair].get(COMPARED, "")
            for part in dims[pair][COMPARED].split(COMBINED)
        }
        strata[stratum] = [p for p in members if dims[p].get(COMPARED) not in parts]
    return strata


def year_before_pairs(cells: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """For each change since a year before (is_change: its denominator is the count of the
    same cell a year earlier, 0.2's), that earlier cell's position and its own."""
    key = ["indicator_id", "period_type", "area_code", "breakdown", "breakdown_value"]
    frame = cells[[*key, "period"]].reset_index(drop=True)
    frame["position"] = np.arange(len(frame))
    changes = frame[cells.is_change.to_numpy(dtype=bool)]
    shifted = changes.assign(period=changes.period - pd.DateOffset(years=1))
    pairs = shifted.merge(frame, on=[*key, "period"], suffixes=("_later", ""))
    return (
        pairs.position.to_numpy(dtype=np.int64),
        pairs.position_later.to_numpy(dtype=np.int64),
    )


# Columns of the cells that suppression never reads: left out of a year's fingerprint
# (suppress_by_year), so that a value or an interval that differs in its last bits from build
# to build (DuckDB adds in no fixed order) does not make a year be solved again. A column
# suppression comes to read must leave this list.
NOT_READ = (
    "value",
    "ci_lower",
    "ci_upper",
    "interval_method",
    "design_effect",
    "revision_months",
    "model_name",
)


def suppress(cells: pd.DataFrame, small: int, links: pd.DataFrame | None = None) -> np.ndarray:
    """Which cells to publish without value and counts. `cells` has the contract key,
    numerator, denominator, `is_hidden` (the primary rule), `is_share`, `is_comparison`
    and `is_change`; `links` the declared relations (model int_disclosure_links, columns
    LINK_COLUMNS; none where not given); the result is one bool per row, in the same order.
    Each calendar year is solved after the one before it (suppress_by_year)."""
    return suppress_by_year(cells, small, links)[0]


@one_blas_thread
def suppress_by_year(
    cells: pd.DataFrame,
    small: int,
    links: pd.DataFrame | None = None,
    previous: pd.DataFrame | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """`suppress`, and each row's year's fingerprint; a year whose fingerprint `previous`
    (KEY, is_suppressed and fingerprint of an earlier result) holds is taken from it.

    The periods of a calendar year are solved together, the years in order. Nothing ties two
    periods but a change since a year before (is_change), which is hidden where the same cell
    a year earlier is: that cell lies in the year before, already solved, so the change starts
    hidden. What a year is solved from is then its own cells alone: a year's fingerprint is
    a hash of them (every column but NOT_READ, the forced changes' is_hidden included), of
    `small`, the tolerance, the declared links, the code of this module and of
    pipeline/programme.py, and the versions of the libraries that solve. A year with the
    fingerprint of an earlier result has that result: solved again, it gives the same (a
    refresh with one new month solves one year, not every year: 5.7 s of the sample's
    incremental dbt build, on one of its two threads, while the other waited for it).

    The cells are put in the order of their key first: where two candidates are equally
    small, the first is hidden, and DuckDB hands rows over in no fixed order, so without
    it the same data could publish different cells from one build to the next. For the
    same reason the counts are taken to DECIMALS decimals: a sum of fuldtidspersoner
    differs in its last bits from build to build (DuckDB adds in no fixed order; 982 of the
    sample's cells by up to 1e-11 between two clean builds of December 2026), and two
    counts equal but for that must not swap places in the order (two builds of the same
    data hid 6,169 and 6,167 cells; the cause there was is_share, macro is_share_of_persons,
    now whole within a tolerance)."""
    _require_breakdowns(cells)
    links = no_links() if links is None else links
    counts = [c for c in ("numerator", "denominator", *PERSONS) if c in cells]
    cells = cells.assign(**{c: cells[c].astype("float64").round(DECIMALS) for c in counts})
    full = with_remainders(cells, links)  # the links' remainders after the cells
    # a remainder (a difference of sums) to the same decimals: its last bits follow the
    # order the cells came in
    full = full.assign(**{c: full[c].round(DECIMALS) for c in ("numerator", "denominator")})
    by_key = np.lexsort([_text_rank(full[k]) for k in reversed(KEY)])
    ordered = full.iloc[by_key].reset_index(drop=True)
    year = pd.to_datetime(ordered.period).dt.year.to_numpy()
    earlier, later = year_before_pairs(ordered)
    reused = _reusable(previous)
    base = _fingerprint_base(small, links)
    hidden = np.zeros(len(ordered), dtype=bool)
    prints = np.empty(len(ordered), dtype=object)
    for y in np.unique(year):
        rows = np.flatnonzero(year == y)
        part = ordered.iloc[rows].reset_index(drop=True)
        # a change whose cell a year earlier is hidden starts hidden
        forced = later[(year[later] == y) & hidden[earlier]]
        part["is_hidden"] = part.is_hidden.to_numpy(dtype=bool) | np.isin(rows, forced)
        fingerprint = _fingerprint(base, part)
        kept = _kept_result(part, reused.get(fingerprint))
        hidden[rows] = _suppress(part, small, links) if kept is None else kept
        prints[rows] = fingerprint
    result, result_prints = np.empty(len(full), dtype=bool), np.empty(len(full), dtype=object)
    result[by_key], result_prints[by_key] = hidden, prints
    return result[: len(cells)], result_prints[: len(cells)]


def _fingerprint_base(small: int, links: pd.DataFrame) -> hashlib._Hash:
    """What every year's solution depends on besides its cells."""
    import scipy

    h = hashlib.sha256(Path(__file__).read_bytes())
    h.update(Path(inspect.getfile(Programme)).read_bytes())  # the programmes it solves
    h.update(f"{small}|{TOLERANCE}|{np.__version__}|{scipy.__version__}|{pd.__version__}".encode())
    ordered = links.sort_values(list(links.columns)).reset_index(drop=True)
    h.update(pd.util.hash_pandas_object(ordered, index=False).to_numpy().tobytes())
    return h


def _fingerprint(base: hashlib._Hash, part: pd.DataFrame) -> str:
    h = base.copy()
    read = part[[c for c in part.columns if c not in NOT_READ]]
    h.update(",".join(read.columns).encode())
    h.update(pd.util.hash_pandas_object(read, index=False).to_numpy().tobytes())
    return h.hexdigest()


def _reusable(previous: pd.DataFrame | None) -> dict[str, pd.DataFrame]:
    """An earlier result's rows (KEY, is_suppressed), by their year's fingerprint."""
    if previous is None or previous.empty:
        return {}
    return {
        fingerprint: rows[[*KEY, "is_suppressed"]]
        for fingerprint, rows in previous.groupby("suppression_fingerprint", sort=False)
    }


def _kept_result(part: pd.DataFrame, kept: pd.DataFrame | None) -> np.ndarray | None:
    """A year's cells hidden as the earlier result with its fingerprint hid them (a link's
    remainder, which no result holds, is hidden, as it is in every solution); None where
    there is none, or it lacks a cell or holds one twice (then the year is solved)."""
    if kept is None:
        return None
    real = ~part.is_virtual.to_numpy(dtype=bool)
    if kept.duplicated(KEY).any():
        return None
    found = part.loc[real, KEY].merge(kept, on=KEY, how="left")
    if found.is_suppressed.isna().any():
        return None
    out = np.ones(len(part), dtype=bool)
    out[real] = found.is_suppressed.to_numpy(dtype=bool)
    return out


def _text_rank(column: pd.Series) -> np.ndarray:
    """A rank per row that sorts as the column's values do as text (`astype(str)`), computed
    on its distinct values: the order `suppress` has always used (a year, an area code as
    text), in 0.04 s instead of 1 s for the sample's 220,000 cells."""
    codes, uniques = pd.factorize(column, use_na_sentinel=False)
    texts = pd.Series(uniques, dtype=column.dtype).astype(str).to_numpy()
    return np.unique(texts, return_inverse=True)[1][codes]


def _suppress(cells: pd.DataFrame, small: int, links: pd.DataFrame) -> np.ndarray:
    counts = cells[["numerator", "denominator"]].to_numpy(dtype="float64")
    n, d = np.nan_to_num(counts, nan=0.0).T
    share = cells.is_share.to_numpy(dtype=bool)
    hidden = cells.is_hidden.to_numpy(dtype=bool).copy()
    values = np.stack([n, d, d - n], axis=1)  # columns QUANTITIES
    persons = persons_behind(cells, values)
    # a share whose complement (persons not counted, or behind the events not counted) is
    # small is hidden itself
    hidden |= share & is_sensitive(values[:, 2], persons[:, 2], small)
    positive = present_means_positive(cells, values)  # of every table's rows, as published

    # Only the periods and areas with a hidden cell or a comparison (hidden where it is
    # computed from nothing) are solved: every relation, link and comparison lies within
    # one, so another has nothing to protect (the country's and the other municipalities'
    # Jobindsats figures, most of the cells: finding their relations was a third of the
    # sample's suppression once 2.5 was linked to 0.2)
    system = cells.groupby(SYSTEM, dropna=False, sort=False).ngroup().to_numpy()
    hold = hidden | cells.is_comparison.to_numpy(dtype=bool)
    solved = np.isin(system, np.unique(system[hold]))
    if solved.any():
        hidden[solved] = _solve(
            cells[solved].reset_index(drop=True),
            small,
            links,
            (hidden[solved], share[solved], values[solved], persons[solved], positive[solved]),
        )
    return hidden


def _solve(cells: pd.DataFrame, small: int, links: pd.DataFrame, given: tuple) -> np.ndarray:
    """_suppress on the periods and areas `cells` holds: `given` is each cell's hidden by the
    primary rules, whether it is a share, its QUANTITIES, the persons behind them and what a
    reader knows to be above 0."""
    hidden, share, values, persons, positive = given
    hidden = hidden.copy()
    frame = _prepare(cells)
    relations = find_relations(cells, frame, links)
    # the relations each cell belongs to, as parent or child
    owner = np.concatenate(
        [
            np.arange(len(relations)),
            np.repeat(np.arange(len(relations)), np.diff(relations.offsets)),
        ]
    )
    member = np.concatenate([relations.parent, relations.children])
    order = np.argsort(member, kind="stable")
    member_starts = np.searchsorted(member[order], np.arange(len(cells) + 1))

    def relations_of(cell: int) -> np.ndarray:
        return owner[order[member_starts[cell] : member_starts[cell + 1]]]

    def members_of(relation: int) -> np.ndarray:
        return np.concatenate([[relations.parent[relation]], relations.members(relation)])

    def alone(candidates: np.ndarray) -> np.ndarray:
        """Which of the shown `candidates`, hidden, would be the only hidden member of one
        of their relations: their value follows from the others by subtraction. Counted
        for all of them at once (a loop over candidates and relations: 1.1 s of suppression's
        6.8 s under cProfile, at scale 1)."""
        candidates = np.asarray(candidates, dtype=np.int64)
        if hidden[candidates].any():  # callers pass shown cells: a hidden one would count itself
            raise ValueError("alone() is asked of shown cells only")
        # each candidate's relations, flattened, and whose they are
        starts, ends = member_starts[candidates], member_starts[candidates + 1]
        rels = owner[order[_ranges(starts, ends)]]
        whose = np.repeat(np.arange(len(candidates)), ends - starts)
        # the hidden members of each of those relations (the candidate, shown, is not one)
        ids, at = np.unique(rels, return_inverse=True)
        starts, ends = relations.offsets[ids], relations.offsets[ids + 1]
        spans = _ranges(starts, ends)
        of = np.repeat(np.arange(len(ids)), ends - starts)
        n_hidden = hidden[relations.parent[ids]] + np.bincount(
            of, weights=hidden[relations.children[spans]], minlength=len(ids)
        )
        none_other = (n_hidden[at] == 0).astype(np.int64)
        return np.bincount(whose, weights=none_other, minlength=len(candidates)) > 0

    def hidden_sums_unsafe(members, shown_members, parent, holds) -> bool:
        sums = values[members].sum(axis=0), fewest_persons(persons, members, parent, shown_members)
        return bool((is_sensitive(*sums, small) & holds).any())

    def propagate(queue: deque) -> None:
        """Look at each queued relation; hide what it gives away; queue the relations of
        every cell hidden, until none gives anything away."""
        queued = np.zeros(len(relations), dtype=bool)
        queued[list(queue)] = True
        while queue:
            i = queue.popleft()
            queued[i] = False
            children = relations.members(i)
            holds = relations.holds[i]
            hidden_children = children[hidden[children]]
            shown_children = children[~hidden[children]]
            if hidden[relations.parent[i]]:
                # a hidden parent with every child shown is their sum
                if len(hidden_children) or not len(shown_children):
                    continue
                to_hide = _smallest(shown_children, values, holds)
            else:
                parent = int(relations.parent[i])
                if not len(hidden_children) or not hidden_sums_unsafe(
                    hidden_children, shown_children, parent, holds
                ):
                    continue
                useful = shown_children[~alone(shown_children)]
                members = (hidden_children, shown_children, parent)
                quantities = (values, persons)
                to_hide = _next_to_hide(useful, members, quantities, holds, small, True)
                if to_hide is None:
                    to_hide = _next_to_hide(shown_children, members, quantities, holds, small)
                if to_hide is None:
                    to_hide = int(relations.parent[i])
            hidden[to_hide] = True
            for j in relations_of(to_hide):
                if not queued[j]:
                    queued[j] = True
                    queue.append(int(j))

    def nearest_shown(cell: int) -> np.ndarray:
        """The shown cells nearest to `cell` through the relations: those of its own
        relations and of the relations of their hidden members, or, where every member of
        them is hidden too, of theirs, and so on (a small count determined through a chain
        of hidden cells, each of whose relations is all hidden, is undone by showing less at
        the chain's end)."""
        seen = {cell}
        frontier = [cell]
        while frontier:
            ids = np.unique(np.concatenate([relations_of(c) for c in frontier]))
            if not len(ids):
                break
            members = np.unique(np.concatenate([members_of(j) for j in ids]))
            members = members[~np.isin(members, list(seen))]
            shown = members[~hidden[members]]
            if len(shown):
                # and those one hidden cell further: a count is known through its hidden
                # neighbours too (2.5's jobafklaring is 2.5's total less its sygedagpenge,
                # which 0.2's sygedagpenge gives), and hiding one of theirs may protect it as
                # well as its own total
                beside = members[hidden[members]]
                around = (
                    np.unique(np.concatenate([relations_of(c) for c in beside]))
                    if len(beside)
                    else np.zeros(0, dtype=np.int64)
                )
                if len(around):
                    further = np.unique(np.concatenate([members_of(j) for j in around]))
                    further = further[~hidden[further] & ~np.isin(further, list(seen))]
                    shown = np.union1d(shown, further)
                return shown
            seen.update(members.tolist())
            frontier = members.tolist()
        return np.zeros(0, dtype=np.int64)

    n_dims = np.array([len(d) for d in frame.attrs["pairs"].dims])[frame.pair.to_numpy()]
    is_change = cells.is_change.to_numpy(dtype=bool)
    components = comparison_components(cells, frame)
    compared = np.zeros(len(cells), dtype=bool)
    for computed_from in components.values():
        compared[computed_from] = True

    def most_useful(neighbours: np.ndarray) -> int:
        """The neighbour to hide where a small count is determined or held under small: one
        that is not a total (the figure a reader looks at first: hidden only where nothing
        finer protects; 2.5's total was hidden in 19 of the sample's 95 months for a 0.2
        benefit group that protects as well), then one that, hidden, is not the only
        hidden member of a relation (it would follow from the
        others by subtraction, and nothing is gained: 'vestlig' is 'dansk og vestlig' minus
        'dansk'), then one no comparison is computed from (hiding it hides the comparison
        too), then one no later change since a year before follows (is_change: hiding it
        hides the change a year later too), then one that holds something, then the finest
        (of the breakdown with the most dimensions: a coarse cell, such as 0.2's benefit
        group beside 5.1's origins within it, says more), then the smallest."""
        empty = (values[neighbours] == 0).all(axis=1)  # a 0-of-0 cell protects nothing
        ordered = np.lexsort(
            (
                values[neighbours, 0],
                values[neighbours, 1],
                -n_dims[neighbours],
                empty,
                is_change[neighbours],
                compared[neighbours],
                alone(neighbours),
                n_dims[neighbours] == 0,
            )
        )
        return int(neighbours[ordered[0]])

    violated = _violated(relations, hidden, values, persons, small)
    propagate(deque(np.flatnonzero(violated).tolist()))
    # Where a hidden cell belongs to two relations or more (a table of two dimensions or
    # more, or linked tables), relations that are each safe can together still determine
    # it, or, with counts never negative, hold it between 1 and small - 1: solve them and
    # bound them (the audit of Hundepool et al., ch. 4.3) and hide a neighbour of every
    # small count they determine or hold. Until nothing changes; each round solves only the
    # periods and areas the last one touched. (A change since a year before, is_change, which
    # shows the count of the year before as its denominator, is hidden where that cell is:
    # `cells` are one calendar year's, the year before solved already: suppress_by_year.)
    # A declared bound (a sum at most a cell: int_disclosure_links) is solved with its
    # period and area's relations.
    system = frame.system.to_numpy()
    bounds = relations.bounds
    bounds_of: dict[int, list[int]] = {}
    for j, at in enumerate(system[bounds.parent].tolist()):
        bounds_of.setdefault(at, []).append(j)
    in_bound = np.zeros(len(cells), dtype=bool)
    in_bound[np.concatenate([bounds.parent, bounds.children])] = True
    # a cell a reader knows to be above 0 (present_means_positive): in one relation alone,
    # hidden with others whose sum is small exactly, each is held below small (5 = 2 + 3,
    # neither 0: each under 5), which only the programmes see
    known = positive.any(axis=1) & (np.bincount(member, minlength=len(cells)) >= 1)
    free_before: set[tuple[int, int]] = set()
    touched = np.ones(len(cells), dtype=bool)

    while True:
        before = hidden.copy()
        linked = hidden & ((np.bincount(member, minlength=len(cells)) >= 2) | in_bound | known)
        linked &= np.isin(system, np.unique(system[touched]))
        for at, found in _systems_of(relations, system, linked):
            for cell in _determined_small(
                found,
                relations,
                hidden,
                (values, persons),
                share,
                small,
                bounds_of.get(at, []),
                free_before,
                positive,
            ):
                neighbours = nearest_shown(cell)
                if len(neighbours):
                    hidden[most_useful(neighbours)] = True
        newly = np.flatnonzero(hidden & ~before)
        if not newly.size:
            break
        propagate(deque(np.unique(np.concatenate([relations_of(c) for c in newly])).tolist()))
        touched = hidden & ~before

    for row, computed_from in components.items():
        if not computed_from or hidden[computed_from].any():
            hidden[row] = True
    return hidden


def _violated(relations: Relations, hidden, values, persons, small) -> np.ndarray:
    """The relations that give something away as things stand: a shown parent whose
    hidden children hold a small count (or few persons) together, or a hidden parent all of
    whose children are shown."""
    if not len(relations):
        return np.zeros(0, dtype=bool)
    starts = relations.offsets[:-1]
    child_hidden = hidden[relations.children]
    n_hidden = np.add.reduceat(child_hidden.astype(np.int64), starts)
    n_children = np.diff(relations.offsets)
    hidden_sums = np.add.reduceat(values[relations.children] * child_hidden[:, None], starts)
    # the fewest persons the hidden children hold together (fewest_persons, per relation)
    behind = persons[relations.children]
    most = np.maximum.reduceat(behind * child_hidden[:, None], starts)
    shown = np.add.reduceat(behind * ~child_hidden[:, None], starts)
    fewest = fewest_from(most, persons[relations.parent], shown)
    unsafe = (is_sensitive(hidden_sums, fewest, small) & relations.holds).any(axis=1)
    parent_hidden = hidden[relations.parent]
    return np.where(parent_hidden, n_hidden == 0, (n_hidden > 0) & unsafe) & (n_children > 0)


def _systems_of(relations: Relations, system: np.ndarray, cells: np.ndarray):
    """The relations of each period and area in which any of `cells` is a member."""
    counts = np.diff(relations.offsets)
    has = cells[relations.parent] | (
        np.add.reduceat(cells[relations.children].astype(np.int64), relations.offsets[:-1]) > 0
    )
    chosen = np.flatnonzero(has & (counts > 0))
    groups: dict[int, list[int]] = {}
    for i in chosen:
        groups.setdefault(int(system[relations.parent[i]]), []).append(int(i))
    return list(groups.items())


def _determined_small(
    ids, relations, hidden, quantities, share, small, bound_ids, free_before, positive=None
) -> list[int]:
    """The hidden cells whose numerator, denominator or complement the relations `ids`
    (of one period and area) determine from the shown cells, or together with the bounds
    `bound_ids` (of relations.bounds) hold between 0 and small, where it is small: where
    the relations determine it, where it or the persons behind it are small (`quantities`:
    the values and the persons behind them, columns QUANTITIES each).

    `free_before` holds the (cell, quantity) an earlier call found free (not held between 0
    and small; quantity 2 is the complement), and gains those this one finds: hiding more
    cells only turns shown values into unknowns, so every point the published cells allowed
    before they still allow, and what was free stays free without its programmes again (a
    newly included relation holds only newly hidden cells: a hidden cell in two relations
    or more brings all of them in at once). `positive` (present_means_positive; none: every
    count may be 0) says which cells' quantities a reader knows to be above 0."""
    from scipy.linalg import null_space

    values, persons = quantities
    # counts are never negative: hidden children of a shown parent that sum to 0 are each 0
    # (a shown 'dansk og vestlig / D' of 0 sanctions makes its hidden parts 0, and the rest
    # of a relation they are in then determined): _equations states those too
    found_cells, found_quantities, entries, n_equations = _equations(ids, relations, hidden, values)
    unknowns: dict[tuple[int, int], int] = {
        key: column
        for column, key in enumerate(
            zip(found_cells.tolist(), found_quantities.tolist(), strict=True)
        )
    }
    limits = []
    for j in bound_ids:
        parent, q = int(relations.bounds.parent[j]), int(relations.bounds.quantity[j])
        members = relations.bounds.members(j)
        if not hidden[members].any() and not hidden[parent]:
            continue
        row = {}
        for cell in members[hidden[members]]:
            row[unknowns.setdefault((int(cell), q), len(unknowns))] = 1.0
        if hidden[parent]:
            row[unknowns.setdefault((parent, q), len(unknowns))] = -1.0
        shown = members[~hidden[members]]
        room = (0.0 if hidden[parent] else values[parent, q]) - values[shown, q].sum()
        limits.append((row, room))
    if not n_equations and not limits:
        return []
    matrix = np.zeros((n_equations, len(unknowns)))
    rows, columns, coefficients = entries
    np.add.at(matrix, (rows, columns), coefficients)
    bound_rows = np.zeros((len(limits), len(unknowns)))
    for r, (row, _) in enumerate(limits):
        bound_rows[r, list(row)] = list(row.values())
    bounds = (bound_rows, np.array([limit for _, limit in limits]))
    free = null_space(matrix) if n_equations else np.eye(len(unknowns))
    # the unknowns' cells and quantities, by column (as _equations, then the bounds, numbered them)
    unknown_cells = np.array([cell for cell, _ in unknowns], dtype=np.int64)
    unknown_quantities = np.array([q for _, q in unknowns], dtype=np.int64)
    keys = unknown_cells * 2 + unknown_quantities
    by_key = np.argsort(keys)

    def column_for(of: np.ndarray, q: int) -> np.ndarray:
        """The column of each of the cells `of`'s quantity q; -1 where it is no unknown."""
        wanted = of * 2 + q
        column = by_key[np.minimum(np.searchsorted(keys[by_key], wanted), len(keys) - 1)]
        return np.where(keys[column] == wanted, column, -1)

    truth = values[unknown_cells, unknown_quantities]
    # what is asked of each unknown: its own value, and after a share's denominator its
    # complement (denominator less numerator) where the numerator is an unknown too
    partner = np.full(len(unknowns), -1)
    denominators = (unknown_quantities == 1) & share[unknown_cells]
    partner[denominators] = column_for(unknown_cells[denominators], 0)
    complement = partner >= 0
    at = np.arange(len(unknowns)) + np.cumsum(complement) - complement
    after = at[complement] + 1
    vectors = np.zeros((len(unknowns) + int(complement.sum()), len(unknowns)))
    vectors[at, np.arange(len(unknowns))] = 1.0
    vectors[after, np.flatnonzero(complement)] = 1.0
    vectors[after, partner[complement]] = -1.0
    cells = np.empty(len(vectors), dtype=np.int64)
    cells[at], cells[after] = unknown_cells, unknown_cells[complement]
    asked = np.empty(len(vectors), dtype=np.int64)  # columns QUANTITIES: 2 the complement
    asked[at], asked[after] = unknown_quantities, 2
    kinds = list(zip(cells.tolist(), asked.tolist(), strict=True))
    fixed = (
        np.all(np.abs(vectors @ free) < 1e-7, axis=1) if free.size else np.ones(len(cells), bool)
    )
    small_values = is_small(vectors @ truth, small)
    few_persons = is_small(persons[cells, asked], small)
    found = fixed & (small_values | few_persons)
    # A relation's hidden children hold no small count together (propagate), but one of
    # them, or its hidden parent, may be determined through another relation: then the rest
    # hold a known sum, which must not be small either (5.2's hidden 'ikke-vestlig /
    # jobafklaring / K' and '/ ressourceforloeb / K' summed to 4.6 once 5.1's shown
    # 'ikke-vestlig / ledighedsydelse' minus 5.2's shown M gave their hidden neighbour K).
    # One of the rest is returned: a neighbour of it is hidden, and the next round looks again.
    # an unknown is determined where the null space has nothing in its row
    determined = np.all(np.abs(free) < 1e-7, axis=1) if free.size else np.ones(len(unknowns), bool)

    def is_determined(of: np.ndarray, q: int) -> np.ndarray:
        """Whether the relations determine each of the cells `of`'s quantity q (False where
        it is no unknown: a shown cell)."""
        column = column_for(of, q)
        return (column >= 0) & determined[column]

    rest_small = _known_sums_small(ids, relations, hidden, quantities, small, is_determined)
    if (small_values & ~fixed).any():
        # a share's numerator is not above its denominator: known to every reader where the
        # true values hold it (a cell that breaks it, which the dbt test numerator_le_
        # denominator refuses, would make every programme of its period infeasible)
        holds_below = complement & (
            values[unknown_cells, 0] <= values[unknown_cells, 1] + TOLERANCE
        )
        below = list(
            zip(partner[holds_below].tolist(), np.flatnonzero(holds_below).tolist(), strict=True)
        )
        candidates = np.flatnonzero(small_values & ~fixed)
        candidates = np.array([k for k in candidates if kinds[k] not in free_before], dtype=int)
        if len(candidates):
            above_zero = (
                positive[unknown_cells, unknown_quantities]
                if positive is not None
                else np.zeros(len(unknowns), dtype=bool)
            )
            held = _bounded_small(
                matrix, truth, below, vectors[candidates], small, bounds, above_zero
            )
            found[candidates] = held
            free_before.update(kinds[k] for k in candidates[~held])
    return sorted(set(cells[found].tolist()) | rest_small)


def _equations(ids, relations: Relations, hidden: np.ndarray, values: np.ndarray):
    """The equations the relations `ids` give among their hidden cells, in order: for each
    relation, for numerators then denominators where it holds for them, `parent - sum of
    children = 0` over its hidden members (the shown ones are constants), if it has any;
    then, where its parent is shown and its hidden children sum to 0, `child = 0` for each
    of them. Returns the unknowns (their cells and quantities, in the order they first
    appear: their columns), the equations' nonzero entries (rows, columns, coefficients; a
    cell twice in a relation sums) and the number of equations. The hidden children's sum is
    taken left to right, as in _known_sums_small. In arrays: a loop over
    relations and members was about a quarter of _determined_small's time under a line
    profiler, at scale 1."""
    ids = np.asarray(ids, dtype=np.int64)
    lo, hi = relations.offsets[ids], relations.offsets[ids + 1]
    sizes = hi - lo + 1  # the parent, then the children
    relation = np.repeat(np.arange(len(ids)), sizes)
    place = np.arange(sizes.sum()) - np.repeat(np.cumsum(sizes) - sizes, sizes)  # 0: parent
    cell = relations.parent[ids][relation]
    is_child = place > 0
    cell[is_child] = relations.children[(np.repeat(lo, sizes) + place - 1)[is_child]]
    # each hidden member once for each quantity its relation holds: (relation, quantity)
    # slots in order, the members in theirs within a slot
    slot, cells, quantities, signs, child = [], [], [], [], []
    for q in (0, 1):
        keep = hidden[cell] & relations.holds[ids, q][relation]
        slot.append(relation[keep] * 2 + q)
        cells.append(cell[keep])
        quantities.append(np.full(int(keep.sum()), q, dtype=np.int64))
        signs.append(np.where(is_child[keep], -1.0, 1.0))
        child.append(is_child[keep])
    slot, cells, quantities, signs, child = (
        np.concatenate(a) for a in (slot, cells, quantities, signs, child)
    )
    order = np.argsort(slot, kind="stable")
    slot, cells, quantities, signs, child = (
        a[order] for a in (slot, cells, quantities, signs, child)
    )
    # the unknowns, numbered in the order they first appear
    keys = cells * 2 + quantities
    distinct, first = np.unique(keys, return_index=True)
    by_appearance = np.argsort(first, kind="stable")
    column_of = np.empty(len(distinct), dtype=np.int64)
    column_of[by_appearance] = np.arange(len(distinct))
    columns = column_of[np.searchsorted(distinct, keys)]
    # each slot's equations: one if it has a hidden member, and one per hidden child where
    # the parent is shown and the hidden children sum to 0
    n_slots = 2 * len(ids)
    n_members = np.bincount(slot, minlength=n_slots)
    n_unseen = np.bincount(slot, weights=child, minlength=n_slots).astype(np.int64)
    unseen_sum = np.bincount(
        slot, weights=np.where(child, values[cells, quantities], 0.0), minlength=n_slots
    )
    parent_shown = np.repeat(~hidden[relations.parent[ids]], 2)
    zeros = parent_shown & (n_unseen > 0) & (np.abs(unseen_sum) < TOLERANCE)
    n_rows = (n_members > 0) + np.where(zeros, n_unseen, 0)
    first_row = np.cumsum(n_rows) - n_rows
    rows = [first_row[slot]]
    coefficients = [signs]
    all_columns = [columns]
    if zeros.any():
        chosen = child & zeros[slot]
        # the hidden children's rank within their slot, in the members' order
        rank = np.cumsum(chosen) - 1
        start = np.cumsum(np.bincount(slot[chosen], minlength=n_slots))
        start = start - np.bincount(slot[chosen], minlength=n_slots)
        rows.append(first_row[slot[chosen]] + 1 + rank[chosen] - start[slot[chosen]])
        coefficients.append(np.ones(int(chosen.sum())))
        all_columns.append(columns[chosen])
    found = np.empty(len(distinct), dtype=np.int64)
    found[column_of] = distinct
    entries = (np.concatenate(rows), np.concatenate(all_columns), np.concatenate(coefficients))
    return found // 2, found % 2, entries, int(n_rows.sum())


def _known_sums_small(ids, relations: Relations, hidden, quantities, small, is_determined):
    """For each relation of `ids` and each quantity q (0, 1) it holds for: its hidden
    children that the relations do not determine ("the rest"), where the rest hold a small
    count, or few persons, together and the rest's sum is known: the parent is shown or
    determined, and the parent is hidden or one of the hidden children is determined. Of
    each such relation, the first of the rest in the relation's order of children.
    `is_determined(cells, q)` says which cells' quantity q the relations determine. Sums
    are taken left to right (np.bincount): they can differ from np.sum's in the last bit,
    which would matter only for a sum within that of the tolerance or of small - tolerance,
    where no count of persons or weeks comes. In arrays, per relation and
    quantity (a loop was about a tenth of _determined_small's time under a line profiler, at
    scale 1)."""
    values, persons = quantities
    ids = np.asarray(ids, dtype=np.int64)
    lo, hi = relations.offsets[ids], relations.offsets[ids + 1]
    relation = np.repeat(np.arange(len(ids)), hi - lo)
    child = relations.children[_ranges(lo, hi)]
    parent = relations.parent[ids]
    unseen = hidden[child]
    n_unseen = np.bincount(relation, weights=unseen, minlength=len(ids))
    found: set[int] = set()
    for q in (0, 1):
        holds = relations.holds[ids, q]
        # a hidden parent counts as shown where the relations determine it
        parent_known = ~hidden[parent] | is_determined(parent, q)
        rest = unseen & holds[relation] & ~is_determined(child, q)
        n_rest = np.bincount(relation, weights=rest, minlength=len(ids))
        anything_known = hidden[parent] | (n_rest < n_unseen)
        chosen = holds & (n_unseen > 0) & parent_known & (n_rest > 0) & anything_known
        rest_sum = np.bincount(
            relation, weights=np.where(rest, values[child, q], 0.0), minlength=len(ids)
        )
        # fewest_persons: the most behind one of the rest, and the parent's less the
        # persons behind the other children
        rest_most = np.full(len(ids), -np.inf)
        np.maximum.at(rest_most, relation[rest], persons[child[rest], q])
        known = np.bincount(
            relation, weights=np.where(rest, 0.0, persons[child, q]), minlength=len(ids)
        )
        fewest = fewest_from(rest_most, persons[parent, q], known)
        small_sum = chosen & is_sensitive(rest_sum, fewest, small)
        if small_sum.any():
            at = np.flatnonzero(rest)
            first = at[np.unique(relation[at], return_index=True)[1]]  # by relation
            found.update(
                child[first[np.searchsorted(relation[first], np.flatnonzero(small_sum))]].tolist()
            )
    return found


def _bounded_small(matrix, truth, below, vectors, small, bounds, above_zero=None) -> np.ndarray:
    """Which of `vectors` (each a hidden quantity, as a combination of the unknowns) the
    equations `matrix` (true solution `truth`) hold between 0 and small without fixing them:
    with the unknowns never negative, a share's numerator never above its denominator
    (`below`: pairs of columns), and the declared bounds (`bounds`: rows `a` and limits `b`,
    a @ x <= b), and the unknowns a present row shows to be above 0 (`above_zero`: at least
    ABOVE_ZERO), the least a quantity can be is above 0 and the most below small. An
    attacker solves two linear programmes per cell for that (Hundepool et al., "Statistical
    Disclosure Control", Wiley 2012, ch. 4.3: the audit by linear programming); equations
    alone miss it (5.6 in a review: a shown 'dansk og vestlig' equal to its shown target
    groups makes the hidden ones 0, their parts 0 in turn, and leaves 'vestlig / B' = 1
    sanction)."""
    rhs = matrix @ truth
    above = np.zeros(len(truth), dtype=bool) if above_zero is None else np.asarray(above_zero)
    upper = np.zeros((len(below), len(truth)))
    for row, (numerator, denominator) in enumerate(below):
        upper[row, numerator], upper[row, denominator] = 1.0, -1.0
    limits = np.zeros(len(below))
    if len(bounds[0]):
        upper = np.vstack([upper, bounds[0]])
        limits = np.concatenate([limits, bounds[1]])
    programme = Programme(
        matrix if len(matrix) else None,
        rhs if len(matrix) else None,
        upper if len(limits) else None,
        limits if len(limits) else None,
        np.where(above, ABOVE_ZERO, 0.0),
    )
    # Each programme's optimum is a point the published cells allow: every quantity it puts
    # at 0 or at small or more is not held in between, and needs no programme of its own.
    undecided = np.ones(len(vectors), dtype=bool)
    held = np.zeros(len(vectors), dtype=bool)

    def witness(point: np.ndarray) -> None:
        at = vectors @ point
        undecided[(at <= TOLERANCE) | (at >= small - TOLERANCE)] = False

    # one programme puts most of them at 0 together, and one most of them high
    status, point = programme.minimum(vectors.sum(axis=0))
    if status == 0:
        witness(point)
    if undecided.any():
        status, point = programme.minimum(-vectors[undecided].sum(axis=0))
        if status == 0:
            witness(point)
    # a quantity that is one unknown a present row shows above 0 is never at 0: only its
    # most can free it (a programme for its least would be one per cell for nothing)
    single = (vectors != 0).sum(axis=1) == 1
    never_zero = single & ((vectors > 0) & above).any(axis=1)
    for k in range(len(vectors)):
        if not undecided[k]:
            continue
        status, point = programme.minimum(-vectors[k])
        if status == LP_UNBOUNDED:  # it can be as large as one likes
            undecided[k] = False
            continue
        if status == 0:
            witness(point)
        if undecided[k] and status == 0 and not never_zero[k]:
            least, point = programme.minimum(vectors[k])
            if least == 0:
                witness(point)
        # held between 0 and small, or not known to be free (a programme that did not
        # solve, which the true values make impossible but for rounding): hidden
        held[k] = undecided[k]
        undecided[k] = False
    return held


def _order(candidates: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Smallest first, by denominator, then numerator: the least information lost."""
    return candidates[np.lexsort((values[candidates, 0], values[candidates, 1]))]


def _smallest(candidates: np.ndarray, values: np.ndarray, holds: np.ndarray) -> int:
    """The smallest member that holds something of the quantities the relation is for."""
    ordered = _order(candidates, values)
    contributing = ordered[(values[ordered][:, holds] != 0).any(axis=1)]
    return int(contributing[0] if len(contributing) else ordered[0])


def _next_to_hide(candidates, members, quantities, holds, small, safe_only=False):
    """The smallest shown member whose hiding makes the hidden members' sums safe (their
    counts and the fewest persons behind them: `quantities`, the values and the persons;
    `members`, the relation's hidden and shown children and its parent), else (unless
    `safe_only`) the smallest that adds to an unsafe sum (and the relation is looked at
    again)."""
    if not len(candidates):
        return None
    hidden_children, shown_children, parent = members
    values, persons = quantities
    ordered = _order(candidates, values)
    base = values[hidden_children].sum(axis=0)
    with_each = base[None, :] + values[ordered]
    # the fewest persons with each candidate hidden too (fewest_persons, for every one)
    most = persons[hidden_children].max(axis=0) if len(hidden_children) else 0.0
    shown = persons[shown_children].sum(axis=0)
    fewest_each = fewest_from(
        np.maximum(most, persons[ordered]), persons[parent], shown - persons[ordered]
    )
    safe = ~(is_sensitive(with_each, fewest_each, small) & holds).any(axis=1)
    if safe.any():
        return int(ordered[np.argmax(safe)])
    if safe_only:
        return None
    fewest = fewest_persons(persons, hidden_children, parent, shown_children)
    unsafe_now = is_sensitive(base, fewest, small) & holds
    adds = (values[ordered][:, unsafe_now] != 0).any(axis=1)
    return int(ordered[np.argmax(adds)] if adds.any() else ordered[0])
