"""Secondary suppression (pipeline/suppression.py), rule by rule on tables small enough to
check by hand, and against the attacker's audit of tests/disclosure.py."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from disclosure import OBSERVED_AT_LEAST, audit, observed_relations

from pipeline.suppression import (
    KEY,
    LINK_COLUMNS,
    dimensions,
    find_relations,
    is_small,
    suppress,
    suppress_by_year,
    with_remainders,
)

SMALL = 5


def cells(*rows, period="2026-01-01", area=151) -> pd.DataFrame:
    """(indicator, breakdown, value, numerator, denominator[, unit]) rows of one period and
    area, hidden by the primary rule (is_small, as macro is_small_cell)."""
    frame = pd.DataFrame(
        [(*r, "pct")[:6] for r in rows],
        columns=[
            "indicator_id",
            "breakdown",
            "breakdown_value",
            "numerator",
            "denominator",
            "unit",
        ],
    )
    frame.insert(1, "period", pd.Timestamp(period))
    frame.insert(2, "period_type", "month")
    frame.insert(3, "area_code", area)
    counts = frame[["numerator", "denominator"]].to_numpy(dtype="float64")
    frame["is_hidden"] = is_small(counts, SMALL).any(axis=1)
    frame["is_share"] = (frame.unit == "pct") & frame.denominator.notna()
    frame["is_comparison"] = frame.unit.isin(["pct_points", "ratio"])
    frame["is_change"] = frame.unit == "pct_change"
    return frame


def hidden_values(frame: pd.DataFrame) -> set[str]:
    return set(frame.breakdown_value[suppress(frame, SMALL)])


def published(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(is_suppressed=suppress(frame, SMALL))


def test_a_breakdown_value_is_its_dimensions():
    assert dimensions("total", "I alt") == {}
    assert dimensions("herkomst_maalgruppe", "dansk / kh_jobparat") == {
        "herkomst": "dansk",
        "maalgruppe": "kh_jobparat",
    }
    with pytest.raises(ValueError, match="2 dimensions"):
        dimensions("herkomst_koen", "dansk")


def test_a_cell_without_its_breakdown_value_is_refused_not_given_another_s():
    frame = cells(("1.5", "total", "I alt", 40, 100), ("1.5", "maalgruppe", "a", 20, 50))
    frame.loc[1, "breakdown_value"] = None
    with pytest.raises(ValueError, match=r"without breakdown_value: indicator 1\.5"):
        suppress(frame, SMALL)


def test_a_share_whose_complement_is_small_is_hidden():
    # 1.5's "28 of 30": the 2 persons with fewer meetings would be 30 - 28
    frame = cells(("1.5", "total", "I alt", 28, 30), ("1.5", "total2", "x", 20, 40))
    assert hidden_values(frame) == {"I alt"}


def test_one_hidden_cell_of_a_breakdown_takes_the_next_smallest_with_it():
    frame = cells(
        ("1.5", "total", "I alt", 40, 100),
        ("1.5", "maalgruppe", "kh_jobparat", 3, 10),  # primary
        ("1.5", "maalgruppe", "dagpenge", 12, 40),
        ("1.5", "maalgruppe", "kh_aktivitetsparat", 25, 50),
    )
    assert list(suppress(frame, SMALL)) == [False, True, True, False]
    assert audit(published(frame), SMALL)[0] == []


def test_a_fraction_of_a_fuldtidsperson_is_small_and_is_not_left_derivable():
    """Fuldtidspersoner are fractions: 0.2 is one person's one week in the month, so the band
    is above 0 and below the threshold, not the counts 1 to 4 (macro is_small_cell)."""
    values = [0, 1e-9, 0.2, 1, 4, 4.8, 5, 12.4, float("nan")]
    small = [False, False, True, True, True, True, False, False, False]
    assert list(is_small(values, SMALL)) == small
    frame = cells(
        ("5.1", "total", "I alt", 30.2, None, "count"),
        ("5.1", "herkomst", "dansk", 20.0, None, "count"),
        ("5.1", "herkomst", "vestlig", 0.2, None, "count"),  # primary: one person-week
        ("5.1", "herkomst", "ikke-vestlig", 10.0, None, "count"),
    )
    assert list(suppress(frame, SMALL)) == [False, False, True, True]  # not I alt - the rest
    assert audit(published(frame), SMALL)[0] == []


def test_two_hidden_cells_that_still_sum_to_a_small_count_take_a_third():
    frame = cells(
        ("2.2", "total", "I alt", 3 + 0 + 30 + 40, 300),
        ("2.2", "alder", "16-24", 3, 50),  # primary
        ("2.2", "alder", "25-29", 0, 60),  # smallest, adds nothing to the numerators
        ("2.2", "alder", "30-39", 30, 90),
        ("2.2", "alder", "40-49", 40, 100),
    )
    hidden = hidden_values(frame)
    assert {"16-24", "30-39"} <= hidden and "40-49" not in hidden
    assert audit(published(frame), SMALL)[0] == []


def test_a_hidden_total_is_not_left_as_the_sum_of_its_shown_cells():
    frame = cells(
        ("5.6", "total", "I alt", 3, 400, "per_100"),  # primary
        ("5.6", "herkomst", "dansk", 2, 300, "per_100"),  # primary
        ("5.6", "herkomst", "vestlig", 0, 40, "per_100"),
        ("5.6", "herkomst", "ikke-vestlig", 1, 60, "per_100"),  # primary
    )
    assert hidden_values(frame) == {"I alt", "dansk", "ikke-vestlig"}
    frame = cells(
        ("5.6", "total", "I alt", 3, 400, "per_100"),
        ("5.6", "herkomst", "dansk", 0, 300, "per_100"),
        ("5.6", "herkomst", "vestlig", 0, 40, "per_100"),
        ("5.6", "herkomst", "ikke-vestlig", 3, 60, "per_100"),
    )
    assert "ikke-vestlig" in hidden_values(frame)


def test_a_finer_breakdown_of_another_indicator_is_protected_with_it():
    # 5.2 is 5.1 by køn: 5.1's shown cell minus 5.2's shown K gives 5.2's M
    frame = cells(
        ("5.1", "herkomst", "dansk", 50, 1000),
        ("5.1", "herkomst", "vestlig", 30, 200),
        ("5.2", "herkomst_koen", "dansk / K", 47, 520),
        ("5.2", "herkomst_koen", "dansk / M", 3, 480),  # primary
        ("5.2", "herkomst_koen", "vestlig / K", 14, 100),
        ("5.2", "herkomst_koen", "vestlig / M", 16, 100),
    )
    relations = find_relations(frame)
    parents = set(
        frame.indicator_id[relations.parent] + " " + frame.breakdown_value[relations.parent]
    )
    assert "5.1 dansk" in parents
    suppressed = published(frame)
    assert suppressed.is_suppressed[
        (suppressed.indicator_id == "5.2") & (suppressed.breakdown_value == "dansk / M")
    ].all()
    assert audit(suppressed, SMALL)[0] == []


def test_hidden_cells_whose_sum_another_indicator_s_cell_leaves_small_are_protected():
    """5.2's hidden 'ikke-vestlig / K' cells of jobafklaring and ressourceforløb (2 and 2)
    take ledighedsydelse's (7) with them, so that their relation's hidden sum is 11; but 5.1's
    shown 'ikke-vestlig / ledighedsydelse' (16) minus 5.2's shown M (9) gives that 7 back, and
    the other two then sum to 4 (the committee's PDF, December 2026: 408 - 396 - 7). A cell
    another relation determines counts as shown: the rest of the hidden sum must not be small
    either."""
    frame = cells(
        ("5.1", "herkomst_maalgruppe", "ikke-vestlig / ledighedsydelse", 16, 1000),
        ("5.1", "herkomst_maalgruppe", "ikke-vestlig / dagpenge", 120, 1000),
        ("5.2", "herkomst_maalgruppe_koen", "ikke-vestlig / ledighedsydelse / K", 7, 520),
        ("5.2", "herkomst_maalgruppe_koen", "ikke-vestlig / ledighedsydelse / M", 9, 480),
        ("5.2", "herkomst_maalgruppe_koen", "ikke-vestlig / jobafklaring / K", 2, 520),
        ("5.2", "herkomst_maalgruppe_koen", "ikke-vestlig / jobafklaring / M", 7, 480),
        ("5.2", "herkomst_maalgruppe_koen", "ikke-vestlig / ressourceforloeb / K", 2, 520),
        ("5.2", "herkomst_maalgruppe_koen", "ikke-vestlig / ressourceforloeb / M", 6, 480),
        ("5.2", "herkomst_maalgruppe_koen", "ikke-vestlig / dagpenge / K", 60, 520),
        ("5.2", "herkomst_maalgruppe_koen", "ikke-vestlig / dagpenge / M", 60, 480),
        ("5.2", "herkomst_koen", "ikke-vestlig / K", 71, 520),
        ("5.2", "herkomst_koen", "ikke-vestlig / M", 82, 480),
    )
    frame["is_share"] = False  # a population denominator: the numerators are the counts
    # what the rule for each relation alone leaves: the audit finds the sum of 4
    naive = frame.assign(is_suppressed=frame.is_hidden)
    naive.loc[naive.breakdown_value == "ikke-vestlig / ledighedsydelse / K", "is_suppressed"] = True
    assert ("sum", 4.0) in {(f.what, f.value) for f in audit(naive, SMALL)[0]}
    found, solved = audit(published(frame), SMALL)
    assert found == [] and solved >= 1


def events(frame: pd.DataFrame, persons: dict[str, tuple]) -> pd.DataFrame:
    """`frame` as an events model's cells: the persons behind each named cell's numerator,
    denominator and complement (NaN: the count is of persons), its primary rule by both (macro
    is_small_cell with persons)."""
    columns = ["numerator_persons", "denominator_persons", "complement_persons"]
    behind = [persons.get(v, (np.nan,) * 3) for v in frame.breakdown_value]
    frame[columns] = np.array(behind, dtype="float64")
    frame["is_hidden"] |= is_small(frame[columns[:2]].to_numpy(dtype="float64"), SMALL).any(1)
    return frame


def test_a_count_of_events_behind_few_persons_is_protected_as_a_small_count():
    """7 sanctions of 2 persons are theirs: hidden, and not left as the total minus the shown
    origins (the audit finds the 7 determined where only that cell is hidden)."""
    rows = [
        ("5.6", "total", "I alt", 20, 400, "per_100"),
        ("5.6", "herkomst", "dansk", 7, 300, "per_100"),
        ("5.6", "herkomst", "vestlig", 5, 40, "per_100"),
        ("5.6", "herkomst", "ikke-vestlig", 8, 60, "per_100"),
    ]
    persons = {
        "I alt": (15, np.nan, np.nan),
        "dansk": (2, np.nan, np.nan),
        "vestlig": (5, np.nan, np.nan),
        "ikke-vestlig": (8, np.nan, np.nan),
    }
    frame = events(cells(*rows), persons)
    assert list(frame.is_hidden) == [False, True, False, False]  # by its persons alone
    assert hidden_values(frame) == {"dansk", "vestlig"}
    assert audit(published(frame), SMALL)[0] == []
    only_primary = frame.assign(is_suppressed=frame.is_hidden)
    found = {(f.breakdown_value, f.what, f.value) for f in audit(only_primary, SMALL)[0]}
    assert found == {("dansk", "n persons", 2.0)}  # 7 of 2 persons
    # the same counts of persons: nothing more hidden than by the counts
    assert hidden_values(cells(*rows)) == set()


def test_a_person_behind_two_hidden_cells_is_one_not_two():
    """helper-88's case: 'vestlig / A' (3 sanctions of P and Q) and 'vestlig / B' (4 of P, Q
    and R) are hidden, each behind few persons; 'vestlig' (35 sanctions of 24 persons) less
    the shown C (20 of 15) and D (8 of 6) gives the 7 sanctions of A and B: 3 persons, though
    their persons summed are 5. The fewest they can be is 24 - 15 - 6 = 3: D is hidden too,
    and the audit, which bounds the same way, finds nothing left; it finds the 3 where only
    A and B are hidden, as summing their persons left them."""
    rows = [
        ("5.6", "herkomst", "vestlig", 35, 400, "per_100"),
        ("5.6", "herkomst_maalgruppe", "vestlig / A", 3, 100, "per_100"),
        ("5.6", "herkomst_maalgruppe", "vestlig / B", 4, 100, "per_100"),
        ("5.6", "herkomst_maalgruppe", "vestlig / C", 20, 100, "per_100"),
        ("5.6", "herkomst_maalgruppe", "vestlig / D", 8, 100, "per_100"),
    ]
    persons = {
        "vestlig": (24, np.nan, np.nan),
        "vestlig / A": (2, np.nan, np.nan),
        "vestlig / B": (3, np.nan, np.nan),
        "vestlig / C": (15, np.nan, np.nan),
        "vestlig / D": (6, np.nan, np.nan),
    }
    frame = events(cells(*rows), persons)
    assert hidden_values(frame) == {"vestlig / A", "vestlig / B", "vestlig / D"}
    assert audit(published(frame), SMALL)[0] == []
    # what summing their persons hid: A and B alone
    summed = frame.assign(is_suppressed=frame.breakdown_value.isin(["vestlig / A", "vestlig / B"]))
    found = {(f.breakdown_value, f.what, f.value) for f in audit(summed, SMALL)[0]}
    assert found == {("vestlig / A", "sum n persons", 3.0)}


def test_a_share_of_events_whose_rest_is_behind_few_persons_is_hidden():
    """1.2's 6 of 12 offers on time: the 6 late ones of 1 person are his."""
    frame = events(
        cells(("1.2", "total", "I alt", 6, 12), ("1.2", "total2", "x", 20, 40)),
        {"I alt": (5, 6, 1)},
    )
    assert not frame.is_hidden.any()
    assert hidden_values(frame) == {"I alt"}
    shown = frame.assign(is_suppressed=False)
    assert [(f.what, f.value) for f in audit(shown, SMALL)[0]] == [("c persons", 1.0)]


def test_a_combined_value_is_its_parts():
    frame = cells(
        ("5.0", "herkomst", "dansk", 40, 900),
        ("5.0", "herkomst", "vestlig", 2, 60),  # primary
        ("5.0", "herkomst", "ikke-vestlig", 30, 300),
        ("5.0", "herkomst", "dansk og vestlig", 42, 960),
    )
    hidden = hidden_values(frame)
    assert "vestlig" in hidden and hidden & {"dansk", "dansk og vestlig"}
    assert audit(published(frame), SMALL)[0] == []


def test_a_comparison_is_hidden_with_any_cell_it_is_computed_from():
    frame = cells(
        ("5.4", "herkomst", "ikke-vestlig", 19, 214),
        ("5.4", "herkomst", "øvrige", 86, 675),
        ("5.4", "herkomst_maalgruppe", "ikke-vestlig / dagpenge", 9, 84),
        ("5.4", "herkomst_maalgruppe", "ikke-vestlig / kh_jobparat", 10, 130),
        ("5.4", "herkomst_maalgruppe", "øvrige / dagpenge", 61, 493),
        ("5.4", "herkomst_maalgruppe", "øvrige / kh_jobparat", 25, 182),
        ("5.4", "maalgruppe", "dagpenge", 9, None, "pct_points"),
        ("5.4", "maalgruppe", "kh_jobparat", 10, None, "pct_points"),
        ("5.4", "total", "I alt", 19, None, "pct_points"),
    )
    assert hidden_values(frame) == set()
    frame.loc[frame.breakdown_value == "øvrige / kh_jobparat", ["numerator", "is_hidden"]] = (
        4,
        True,
    )
    frame.loc[frame.breakdown_value == "øvrige", "numerator"] = 65
    hidden = hidden_values(frame)
    assert {"øvrige / kh_jobparat", "kh_jobparat"} <= hidden


# 5.6 in the sample's window to October 2026: sanctions and fuldtidspersoner by origin and
# target group
SANCTIONS = {
    "dansk": {"jobafklaring": (0, 16.5), "kh_aktivitetsparat": (28, 253.4),
              "kh_jobparat": (19, 111.0), "ressourceforloeb": (0, 23.5)},
    "vestlig": {"jobafklaring": (0, 0.7), "kh_aktivitetsparat": (4, 13.5),
                "kh_jobparat": (2, 4.9), "ressourceforloeb": (0, 1.1)},
    "ikke-vestlig": {"jobafklaring": (0, 1.4), "kh_aktivitetsparat": (28, 161.3),
                     "kh_jobparat": (13, 84.7), "ressourceforloeb": (0, 10.4)},
}  # fmt: skip


def sanctions_table(sanctions: dict) -> pd.DataFrame:
    """5.6's cells of `sanctions`: per origin within target group and per origin, each with
    Danish and Western origin together, and the ratios per target group and in all."""
    by_group = {
        origin: {
            group: tuple(
                sum(sanctions[part][group][i] for part in origin.split(" og ")) for i in (0, 1)
            )
            for group in sanctions["dansk"]
        }
        for origin in ("dansk", "vestlig", "dansk og vestlig", "ikke-vestlig")
    }
    rows = []
    for origin, groups in by_group.items():
        for group, (k, ftp) in groups.items():
            rows.append(("5.6", "herkomst_maalgruppe", f"{origin} / {group}", k, ftp, "per_100"))
        k, ftp = (sum(v[i] for v in groups.values()) for i in (0, 1))
        rows.append(("5.6", "herkomst", origin, k, ftp, "per_100"))
    for group in sanctions["dansk"]:
        counts = [*by_group["ikke-vestlig"][group], *by_group["dansk og vestlig"][group]]
        smallest = min((c for c in counts if c), default=None)
        rows.append(("5.6", "maalgruppe", group, smallest, None, "ratio"))
    # the ratio in all: non-Western against Danish and Western origin, over every group
    counts = [
        sum(v[i] for v in by_group[origin].values())
        for origin in ("ikke-vestlig", "dansk og vestlig")
        for i in (0, 1)
    ]
    rows.append(
        ("5.6", "total", "I alt", min((c for c in counts if c), default=None), None, "ratio")
    )
    frame = cells(*rows)
    # a comparison is hidden by the primary rule by its smallest count only
    frame.loc[frame.is_comparison, "is_hidden"] = is_small(
        frame.numerator[frame.is_comparison].fillna(0), SMALL
    )
    return frame


def test_a_comparison_within_strata_is_shown_beside_cells_it_is_not_computed_from():
    """5.6's ratio within target groups compares non-Western origin with Danish and Western
    origin together in the target groups where anyone was sanctioned (stats.compared_strata):
    Western origin's small cells (parts of 'dansk og vestlig'), the target group of 1.4
    non-Western fuldtidspersoner without a sanction and the one hidden to protect it (no
    sanction there either) do not hide it. A small cell in a target group it compares
    does, whatever the group's size."""
    frame = sanctions_table(SANCTIONS)
    hidden = hidden_values(frame)
    assert {"vestlig / kh_aktivitetsparat", "ikke-vestlig / jobafklaring"} <= hidden
    assert "ikke-vestlig / ressourceforloeb" in hidden  # beside ikke-vestlig's 1.4
    assert "I alt" not in hidden
    assert not hidden & {"kh_aktivitetsparat", "kh_jobparat"}
    assert not hidden & {"dansk og vestlig / kh_aktivitetsparat", "ikke-vestlig / kh_jobparat"}
    assert audit(published(frame), SMALL)[0] == []

    fewer = {origin: dict(groups) for origin, groups in SANCTIONS.items()}
    fewer["ikke-vestlig"]["kh_jobparat"] = (3, 84.7)
    hidden = hidden_values(sanctions_table(fewer))
    assert {"ikke-vestlig / kh_jobparat", "kh_jobparat", "I alt"} <= hidden
    # 3 sanctions among the 1.4 non-Western fuldtidspersoner: a target group with a
    # sanction is compared, and its hidden cell hides the total
    more = {origin: dict(groups) for origin, groups in SANCTIONS.items()}
    more["ikke-vestlig"]["jobafklaring"] = (3, 1.4)
    assert "I alt" in hidden_values(sanctions_table(more))


def test_a_comparison_within_strata_does_not_tell_which_hidden_cells_are_small():
    """Found by review (December 2026) when the comparisons left out target groups where an
    origin group was a small cell: a total shown beside two hidden non-Western cells then
    told that both were small, and with their sum from the shown 'herkomst' cell (8 persons)
    that each held 4. The groups are compared whatever their size, so their hidden cells
    hide the total. The same for 5.6, where the sum (9.7 fuldtidspersoner) put each of two
    hidden cells just under 5."""
    groups = {  # target group: (ikke-vestlig k, n), (øvrige k, n)
        "dagpenge": ((9, 84), (61, 493)),
        "kh_jobparat": ((0, 4), (20, 200)),
        "kh_aktivitetsparat": ((0, 4), (30, 150)),
    }
    rows = []
    for group, ((k1, n1), (k0, n0)) in groups.items():
        rows.append(("5.4", "herkomst_maalgruppe", f"ikke-vestlig / {group}", k1, n1))
        rows.append(("5.4", "herkomst_maalgruppe", f"øvrige / {group}", k0, n0))
        smallest = min(c for c in (k1, n1, k0, n0) if c)
        rows.append(("5.4", "maalgruppe", group, smallest, None, "pct_points"))
    k1, n1, k0, n0 = (sum(g[i][j] for g in groups.values()) for i in (0, 1) for j in (0, 1))
    rows.append(("5.4", "herkomst", "ikke-vestlig", k1, n1))
    rows.append(("5.4", "herkomst", "øvrige", k0, n0))
    rows.append(("5.4", "total", "I alt", min(k1, n1, k0, n0), None, "pct_points"))
    frame = cells(*rows)
    frame.loc[frame.is_comparison, "is_hidden"] = is_small(
        frame.numerator[frame.is_comparison].fillna(0), SMALL
    )
    hidden = hidden_values(frame)
    assert {"ikke-vestlig / kh_jobparat", "ikke-vestlig / kh_aktivitetsparat"} <= hidden
    assert "I alt" in hidden

    sanctions = {
        "dansk": {"jobafklaring": (6, 16.5), "kh_aktivitetsparat": (28, 253.4),
                  "kh_jobparat": (19, 111.0), "ressourceforloeb": (5, 23.5)},
        "vestlig": {"jobafklaring": (0, 5.7), "kh_aktivitetsparat": (6, 13.5),
                    "kh_jobparat": (5, 8.9), "ressourceforloeb": (0, 6.1)},
        "ikke-vestlig": {"jobafklaring": (0, 4.9), "kh_aktivitetsparat": (28, 161.3),
                         "kh_jobparat": (13, 84.7), "ressourceforloeb": (0, 4.8)},
    }  # fmt: skip
    hidden = hidden_values(sanctions_table(sanctions))
    assert {"ikke-vestlig / jobafklaring", "ikke-vestlig / ressourceforloeb"} <= hidden
    assert "I alt" in hidden


def test_a_combined_group_adds_up_over_a_finer_breakdown_and_chains_are_undone():
    """'dansk og vestlig / <target group>' summed over the target groups is 'dansk og
    vestlig' (a relation of its own: in the sample of December 2026 a hidden 'dansk og
    vestlig / kh_uddannelsesparat' of 2 sanctions was that total minus the shown target
    groups). And a small count determined through a chain of hidden cells whose relations
    are all hidden (here 'dansk / C', 2 fuldtidspersoner: 'dansk og vestlig / A' minus
    'vestlig / A' gives 'dansk / A', and so on, found by review) is undone by hiding a
    shown cell further along the chain."""
    chained = {
        "dansk": {"A": (12, 60.0), "B": (30, 60.0), "C": (0, 2.0), "D": (0, 0.0)},
        "vestlig": {"A": (9, 30.0), "B": (0, 30.0), "C": (0, 5.5), "D": (0, 5.5)},
        "ikke-vestlig": {"A": (5, 120.0), "B": (12, 120.0), "C": (0, 25.0), "D": (0, 0.0)},
    }
    frame = sanctions_table(chained)
    relations = find_relations(frame)
    sums = {
        (frame.breakdown_value[relations.parent[i]], len(relations.members(i)))
        for i in range(len(relations))
    }
    assert ("dansk og vestlig", 4) in sums  # over the 4 target groups
    assert audit(published(frame), SMALL)[0] == []
    assert "dansk / C" in hidden_values(frame)


def test_a_shown_zero_pins_the_hidden_cells_under_it():
    """Counts are never negative: a shown 'dansk og vestlig / D' of 0 sanctions makes its
    hidden parts 0, and 'vestlig' minus the shown and the zero cells then gives the one
    hidden cell left (4 sanctions in 'vestlig / B'), which no linear equation alone pins
    (found by review, December 2026; it leaked before this session's changes too)."""
    sanctions = {
        "dansk": {"A": (5, 120.0), "B": (8, 120.0), "C": (0, 16.0), "D": (0, 1.4)},
        "vestlig": {"A": (5, 30.0), "B": (4, 1.5), "C": (0, 25.0), "D": (0, 16.0)},
        "ikke-vestlig": {"A": (8, 60.0), "B": (8, 120.0), "C": (0, 0.7), "D": (0, 16.0)},
    }
    frame = sanctions_table(sanctions)
    assert "vestlig / B" in hidden_values(frame)
    assert audit(published(frame), SMALL)[0] == []


def test_a_count_that_non_negativity_holds_under_small_is_hidden():
    """A shown 'dansk og vestlig' equal to its shown target groups makes the hidden target
    groups C and D 0, each of their parts 0 in turn, and 'vestlig' minus its shown and zero
    cells then gives 'vestlig / B' = 1 sanction: a chain of non-negativity no equation
    alone (nor a zero sum under a shown parent) pins. The suppression bounds such counts by
    linear programming, as the audit does (found by review, December 2026: about 1 in 25 of
    random 5.6 tables with a shown total leaked so)."""
    sanctions = {
        "dansk": {"A": (12, 120.0), "B": (5, 120.0), "C": (0, 3.5), "D": (0, 1.4)},
        "vestlig": {"A": (6, 30.0), "B": (1, 6.0), "C": (0, 2.0), "D": (0, 0.7)},
        "ikke-vestlig": {"A": (30, 120.0), "B": (8, 120.0), "C": (0, 16.0), "D": (0, 25.0)},
    }
    frame = sanctions_table(sanctions)
    assert audit(published(frame), SMALL)[0] == []
    # what the rules hid before they bounded by linear programming: the audit finds it
    before = {
        "dansk / B", "dansk / C", "dansk / D", "vestlig / A", "vestlig / B", "vestlig / C",
        "vestlig / D", "dansk og vestlig / C", "dansk og vestlig / D", "C", "D",
    }  # fmt: skip
    found, _ = audit(frame.assign(is_suppressed=frame.breakdown_value.isin(before)), SMALL)
    assert {(f.breakdown_value, f.what, f.value) for f in found} == {
        ("vestlig / B", "n", 1.0),
        ("vestlig / B", "sum", 1.0),  # B, C and D of 'vestlig' together
    }
    # one more cell protects it: 'dansk / A', beside the hidden 'vestlig / A' that 'dansk og
    # vestlig / A' less 'dansk / A' gave, so that 'vestlig' less its shown cells is no longer
    # B, C and D's sum of 1 (the neighbours looked at reach one hidden cell further since
    # December 2026: before, 'dansk og vestlig / B' was hidden too, for the same protection)
    assert hidden_values(frame) == before | {"dansk / A"}


def test_a_share_above_its_denominator_elsewhere_does_not_switch_the_bounds_off():
    """A share whose numerator is above its denominator (which the dbt test numerator_le_
    denominator refuses) in the same period and area made every bounding programme of that
    period infeasible, and the suppression and the audit took that as 'free' (review,
    December 2026): the bound 'numerator at most denominator' is used only where the true
    values hold it, and the audit fails on a programme that does not solve."""
    sanctions = {
        "dansk": {"A": (12, 120.0), "B": (5, 120.0), "C": (0, 3.5), "D": (0, 1.4)},
        "vestlig": {"A": (6, 30.0), "B": (1, 6.0), "C": (0, 2.0), "D": (0, 0.7)},
        "ikke-vestlig": {"A": (30, 120.0), "B": (8, 120.0), "C": (0, 16.0), "D": (0, 25.0)},
    }
    fine = {("x", "K"): (3, 4), ("x", "M"): (57, 46), ("y", "K"): (30, 60), ("y", "M"): (30, 60)}
    rows = [("9.9", "alder_koen", f"{a} / {k}", n, d) for (a, k), (n, d) in fine.items()]
    for position, breakdown in ((0, "alder"), (1, "koen")):
        for value in sorted({key[position] for key in fine}):
            parts = [v for key, v in fine.items() if key[position] == value]
            rows.append(("9.9", breakdown, value, *(sum(p[i] for p in parts) for i in (0, 1))))
    rows.append(("9.9", "total", "I alt", *(sum(v[i] for v in fine.values()) for i in (0, 1))))
    frame = pd.concat([sanctions_table(sanctions), cells(*rows)], ignore_index=True)
    assert (frame.numerator > frame.denominator)[frame.is_share].any()
    assert {"vestlig / B", "dansk / A"} <= hidden_values(frame)  # as without the 9.9 table
    assert audit(published(frame), SMALL)[0] == []


def test_the_cell_hidden_beside_a_small_one_is_not_one_a_subtraction_gives_back():
    """Beside 3 persons in x, the smallest cell that makes the hidden sum safe is y; but y
    is also 'y / mand' plus 'y / kvinde', both shown: hidden, it would be given back by
    that sum, x with it, and a third cell would have to go. z protects x alone."""
    frame = cells(
        ("1.5", "total", "I alt", 33, 100),
        ("1.5", "maalgruppe", "x", 3, 10),  # primary
        ("1.5", "maalgruppe", "y", 10, 30),
        ("1.5", "maalgruppe", "z", 20, 60),
        ("1.5", "maalgruppe_koen", "y / mand", 5, 15),
        ("1.5", "maalgruppe_koen", "y / kvinde", 5, 15),
    )
    assert hidden_values(frame) == {"x", "z"}
    assert audit(published(frame), SMALL)[0] == []


def test_a_change_since_a_year_before_is_hidden_with_the_year_before():
    """0.2's denominator is the count of a year earlier: where that cell is hidden (here
    beside a small one), the change would show it."""
    rows = [
        ("0.2", "total", "I alt", 60, 50, "pct_change"),
        ("0.2", "ydelsesgruppe", "dagpenge", 2, 30, "pct_change"),  # primary
        ("0.2", "ydelsesgruppe", "fleksjob", 18, 10, "pct_change"),
        ("0.2", "ydelsesgruppe", "sygedagpenge", 40, 10, "pct_change"),
    ]
    a_year_before = cells(*rows, period="2025-01-01")
    now = cells(
        ("0.2", "total", "I alt", 70, 60, "pct_change"),
        ("0.2", "ydelsesgruppe", "dagpenge", 6, 2, "pct_change"),  # primary: 2 a year before
        ("0.2", "ydelsesgruppe", "fleksjob", 24, 18, "pct_change"),
        ("0.2", "ydelsesgruppe", "sygedagpenge", 40, 40, "pct_change"),
        period="2026-01-01",
    )
    frame = pd.concat([a_year_before, now], ignore_index=True)
    suppressed = published(frame)
    shown_hidden = suppressed[suppressed.is_suppressed]
    hidden = set(zip(shown_hidden.period.dt.year, shown_hidden.breakdown_value, strict=True))
    # a year before: dagpenge (2) and the next smallest, fleksjob; now: both again
    assert {
        (2025, "dagpenge"),
        (2025, "fleksjob"),
        (2026, "dagpenge"),
        (2026, "fleksjob"),
    } <= hidden
    assert audit(suppressed, SMALL)[0] == []
    naive = frame.assign(is_suppressed=frame.is_hidden)
    naive.loc[naive.breakdown_value == "fleksjob", "is_suppressed"] = [True, False]
    assert any(f.what == "year before" for f in audit(naive, SMALL)[0])


@pytest.mark.parametrize("seed", range(6))
def test_a_table_of_three_dimensions_with_all_its_margins_discloses_nothing(seed):
    """herkomst x målgruppe x køn with every margin (as 5.1 and 5.2 publish): where the
    relations are each safe but together determine a cell, it is found and protected."""
    rng = np.random.default_rng(seed)
    levels = {"herkomst": ["a", "b", "c"], "maalgruppe": ["p", "q", "r", "s"], "koen": ["K", "M"]}
    fine = {
        combo: int(rng.choice([0, 1, 2, 3, 4, 6, 9, 15, 30]))
        for combo in itertools.product(*levels.values())
    }
    rows = []
    names = list(levels)
    for size in range(0, 4):
        for subset in itertools.combinations(names, size):
            breakdown = "_".join(subset) if subset else "total"
            for values in itertools.product(*(levels[n] for n in subset)):
                numerator = sum(
                    v
                    for combo, v in fine.items()
                    if all(combo[names.index(n)] == x for n, x in zip(subset, values, strict=True))
                )
                label = " / ".join(values) if subset else "I alt"
                rows.append(("5.2", breakdown, label, numerator, 10_000))
    frame = cells(*rows)
    frame["is_share"] = False  # a population denominator: the numerators are the counts
    naive = audit(frame.assign(is_suppressed=frame.is_hidden), SMALL)[0]
    found, solved = audit(published(frame), SMALL)
    assert found == [] and solved >= 1
    assert naive, "the audit finds what the primary rule alone leaves derivable"


def link(parent: tuple[str, str, str], child: tuple[str, str], values, *, d=False):
    """Declared links (as model int_disclosure_links): the parent cell (indicator,
    breakdown, value) is at least the sum of the child table's (indicator, breakdown) cells
    whose maalgruppe is one of `values`, in numerators (and denominators with `d`)."""
    rows = [("at_most", *parent, *child, "maalgruppe", v, True, d) for v in values]
    return pd.DataFrame(rows, columns=LINK_COLUMNS)


def dagpenge_link() -> pd.DataFrame:
    """int_disclosure_links' first link: 2.4's insured unemployed hold 5.4's dagpenge
    target group of every origin, in numerators and denominators."""
    return link(("2.4", "total", "I alt"), ("5.4", "herkomst_maalgruppe"), ["dagpenge"], d=True)


def dagpenge_month(total, ovrige, dagpenge, jobparat, third: tuple, ikke_vestlig) -> pd.DataFrame:
    """A month of 2.4's total and 5.4's cells under dagpenge_link, each (numerator,
    denominator): 'øvrige / dagpenge', 'ikke-vestlig / dagpenge', 'ikke-vestlig /
    kh_jobparat', a third non-Western target group (its name, numerator, denominator) and
    'ikke-vestlig'."""
    group, *counts = third
    return cells(
        ("2.4", "total", "I alt", *total),
        ("5.4", "herkomst_maalgruppe", "øvrige / dagpenge", *ovrige),
        ("5.4", "herkomst_maalgruppe", "ikke-vestlig / dagpenge", *dagpenge),
        ("5.4", "herkomst_maalgruppe", "ikke-vestlig / kh_jobparat", *jobparat),
        ("5.4", "herkomst_maalgruppe", f"ikke-vestlig / {group}", *counts),
        ("5.4", "herkomst", "ikke-vestlig", *ikke_vestlig),
    )


def test_a_benefit_group_that_bounds_its_target_groups_protects_them():
    """0.2's fuldtidspersoner on jobafklaring (all ages) are at least 5.1's of every origin
    in that target group (aged 16-64). 5.1's hidden 'vestlig / jobafklaring' (3) and
    'vestlig / ressourceforloeb' (2) add up to 5 within 5.1, safe there; but 0.2 less the
    shown origins leaves each at most 4, and their sum of 5 then holds each between 1 and 4
    (the disclosure probe of December 2026, its third finding: 70 such cells)."""
    frame = cells(
        ("0.2", "ydelsesgruppe", "jobafklaring", 20, 19, "pct_change"),
        ("0.2", "ydelsesgruppe", "ressourceforloeb", 44, 40, "pct_change"),
        ("5.1", "herkomst_maalgruppe", "dansk / jobafklaring", 16, 1000),
        ("5.1", "herkomst_maalgruppe", "vestlig / jobafklaring", 3, 300),
        ("5.1", "herkomst_maalgruppe", "ikke-vestlig / jobafklaring", 0, 400),
        ("5.1", "herkomst_maalgruppe", "dansk / ressourceforloeb", 30, 1000),
        ("5.1", "herkomst_maalgruppe", "vestlig / ressourceforloeb", 2, 300),
        ("5.1", "herkomst_maalgruppe", "ikke-vestlig / ressourceforloeb", 10, 400),
        ("5.1", "herkomst_maalgruppe", "vestlig / dagpenge", 50, 300),
        ("5.1", "herkomst", "vestlig", 55, 300),
    )
    frame["is_share"] = False  # a population denominator: the numerators are the counts
    groups = ("jobafklaring", "ressourceforloeb")
    links = pd.concat(
        [link(("0.2", "ydelsesgruppe", g), ("5.1", "herkomst_maalgruppe"), [g]) for g in groups]
    )
    relations = find_relations(frame, links=links)
    assert len(relations.bounds) == 2  # less than the parent: bounds, not sums
    without = frame.assign(is_suppressed=suppress(frame, SMALL))
    found = {(f.breakdown_value, f.what) for f in audit(without, SMALL, links)[0]}
    assert ("vestlig / jobafklaring", "n") in found
    assert audit(without, SMALL)[0] == []  # the cells' own relations alone see nothing
    protected = frame.assign(is_suppressed=suppress(frame, SMALL, links))
    assert audit(protected, SMALL, links)[0] == []
    # a finer cell is hidden, not the benefit group, whose change a year later would follow
    assert not protected.is_suppressed[protected.indicator_id == "0.2"].any()


def test_a_hidden_row_of_a_table_that_makes_no_row_of_0_is_above_0_to_a_reader():
    """5.1 makes a row only for a target group and origin that has fuldtidspersoner (the
    sample's 3,034 cells hold no 0; 386 combinations have no row), so a hidden row tells a
    reader its count is above 0. 0.2's jobafklaring (21) less 5.1's shown 'dansk' (16) leaves
    'vestlig' and 'ikke-vestlig' 5 together: with counts that may be 0, each may be 5, and
    nothing is given away; with both above 0, each is below 5, a small count (helper-120,
    December 2026: 0.2, 2.5 and 5.1's January cells, each sum exactly 5.00 or under). The
    same table with a row of 0 tells nothing of the kind."""
    rows = [
        ("0.2", "ydelsesgruppe", "jobafklaring", 21, 19, "pct_change"),
        ("5.1", "herkomst_maalgruppe", "dansk / jobafklaring", 16, 1000),
        ("5.1", "herkomst_maalgruppe", "vestlig / jobafklaring", 2, 300),  # primary
        ("5.1", "herkomst_maalgruppe", "ikke-vestlig / jobafklaring", 3, 400),  # primary
        ("5.1", "herkomst_maalgruppe", "dansk / ressourceforloeb", 30, 1000),
    ]
    links = link(
        ("0.2", "ydelsesgruppe", "jobafklaring"), ("5.1", "herkomst_maalgruppe"), ["jobafklaring"]
    )
    frame = cells(*rows)
    frame["is_share"] = False  # a population denominator: the numerators are the counts
    primary_only = frame.assign(is_suppressed=frame.is_hidden)
    found = {(f.breakdown_value, f.what) for f in audit(primary_only, SMALL, links)[0]}
    assert found == {("vestlig / jobafklaring", "n"), ("ikke-vestlig / jobafklaring", "n")}
    protected = frame.assign(is_suppressed=suppress(frame, SMALL, links))
    assert audit(protected, SMALL, links)[0] == []
    assert protected.is_suppressed.sum() > primary_only.is_suppressed.sum()
    # a row of 0 in the table: a hidden row may be 0 too, and the sum of 5 is safe
    with_zero = cells(*rows, ("5.1", "herkomst_maalgruppe", "vestlig / ressourceforloeb", 0, 300))
    with_zero["is_share"] = False
    assert audit(with_zero.assign(is_suppressed=with_zero.is_hidden), SMALL, links)[0] == []
    assert list(suppress(with_zero, SMALL, links)) == list(with_zero.is_hidden)


def test_a_total_that_its_target_group_sums_to_is_a_relation_like_any_other():
    """2.4's insured unemployed (56 of 513 in an offer) are 5.4's dagpenge target group of
    both origins in a month where nobody else is on dagpenge: 2.4 less 'øvrige / dagpenge'
    gives 'ikke-vestlig / dagpenge', which 5.4 hid with the 1 of 6 åbenlyst
    uddannelsesparate, and so that 1 of 6 (the probe's second finding, from the report's
    text alone: 16 - 7 - (56 - 48) = 1 of 185 - 99 - (513 - 433) = 6)."""
    frame = dagpenge_month(
        (56, 513), (48, 433), (8, 80), (7, 99), ("kh_aabenlyst_uddannelsesparat", 1, 6), (16, 185)
    )
    links = dagpenge_link()
    relations = find_relations(frame, links=links)
    assert len(relations.bounds) == 0 and len(relations) == 2  # 5.4's own, and 2.4's
    without = frame.assign(is_suppressed=suppress(frame, SMALL))
    assert without.is_suppressed[frame.breakdown_value == "ikke-vestlig / dagpenge"].all()
    found = {(f.breakdown_value, f.what) for f in audit(without, SMALL, links)[0]}
    assert ("ikke-vestlig / kh_aabenlyst_uddannelsesparat", "n") in found
    protected = frame.assign(is_suppressed=suppress(frame, SMALL, links))
    assert audit(protected, SMALL, links)[0] == []
    # hidden with it: not 'ikke-vestlig / dagpenge', which 2.4 would give back
    assert set(protected.breakdown_value[protected.is_suppressed]) == {
        "ikke-vestlig / kh_aabenlyst_uddannelsesparat",
        "ikke-vestlig / kh_jobparat",
    }
    # a month where the children add up to more than the declared parent: no relation there
    frame.loc[frame.indicator_id == "2.4", ["numerator", "denominator"]] = (50, 500)
    relations = find_relations(frame, links=links)
    assert len(relations.bounds) == 0 and len(relations) == 1


def test_a_link_s_remainder_of_a_few_persons_is_a_small_count_and_protected():
    """2.4's dagpenge recipients less 5.4's dagpenge target group of both origins left 4
    persons in October 2026, and in November 1, who was in an offer (helper-78's review of
    the report: 2.4's 1369 of 9547 less 5.4's 173 of 1493 and 1195 of 8053). The remainder
    of a declared link is a count the published cells give: here 60 of 513 less 48 of 433
    and 11 of 77 leaves 1 of 3. Nothing is small in the cells themselves; the audit finds
    the remainder (pipeline.suppression.with_remainders) and the suppression hides a cell
    so that it cannot be had."""
    frame = cells(
        ("2.4", "total", "I alt", 60, 513),
        ("5.4", "herkomst_maalgruppe", "øvrige / dagpenge", 48, 433),
        ("5.4", "herkomst_maalgruppe", "ikke-vestlig / dagpenge", 11, 77),
        ("5.4", "herkomst_maalgruppe", "ikke-vestlig / kh_jobparat", 7, 99),
        ("5.4", "herkomst", "ikke-vestlig", 18, 176),
    )
    links = dagpenge_link()
    assert not frame.is_hidden.any()
    naive = audit(frame.assign(is_suppressed=False), SMALL, links)[0]
    rest = "rest af 2.4 I alt uden 5.4"
    assert {(f.indicator_id, f.breakdown_value, f.what, f.value) for f in naive} >= {
        ("5.4", f"{rest} / {rest}", "n", 1.0),
        ("5.4", f"{rest} / {rest}", "d", 3.0),
    }
    # without the link, the cells' own relations see nothing to protect
    assert not suppress(frame, SMALL).any()
    protected = frame.assign(is_suppressed=suppress(frame, SMALL, links))
    assert protected.is_suppressed.any()
    assert audit(protected, SMALL, links)[0] == []
    # a month where the children add up to the parent: no remainder, nothing hidden
    equal = frame.copy()
    equal.loc[equal.indicator_id == "2.4", ["numerator", "denominator"]] = (59, 510)
    assert not suppress(equal, SMALL, links).any()


def test_a_link_that_adds_up_on_numerators_only_is_an_exact_sum_of_them():
    """2.4's dagpenge recipients in an offer were 5.4's of its dagpenge target groups in every
    month both were shown (the numerators add up), while their recipients were 1 more (the
    denominators do not: the link's remainder). The remainder's 0 in an offer was taken as
    an unknown, so 2.4 less 'øvrige / dagpenge' gave no one's count, yet an attacker who saw
    the sum hold every month had 43 - 38 = 5 of 'ikke-vestlig / dagpenge' and then 12 - 6 -
    5 = 1 of the åbenlyst uddannelsesparate (helper-113: 5.4 in March 2022 and 2023). The
    numerators are an exact sum of the plain children; the denominators keep the remainder."""
    frame = dagpenge_month(
        (43, 514), (38, 433), (5, 80), (6, 99), ("uh_aabenlyst_uddannelsesparat", 1, 6), (12, 185)
    )
    links = dagpenge_link()
    with_rest = with_remainders(frame, links)
    relations = find_relations(with_rest, links=links)
    parent, dagpenge, rest = 0, [1, 2], len(frame)
    linked = {
        (tuple(relations.members(i)), tuple(relations.holds[i]))
        for i in range(len(relations))
        if relations.parent[i] == parent
    }
    assert ((*dagpenge,), (True, False, False)) in linked  # numerators: no remainder
    # denominators and complements (d - n, the remainder's its d) with it
    assert ((*dagpenge, rest), (False, True, True)) in linked
    protected = frame.assign(is_suppressed=suppress(frame, SMALL, links))
    assert audit(protected, SMALL, links)[0] == []
    hidden = set(protected.breakdown_value[protected.is_suppressed])
    assert "ikke-vestlig / uh_aabenlyst_uddannelsesparat" in hidden
    # the path of March 2022 is closed: 2.4, 'øvrige / dagpenge', 'ikke-vestlig' and its
    # jobparate are not all shown beside the hidden åbenlyst uddannelsesparate
    assert hidden & {"I alt", "øvrige / dagpenge", "ikke-vestlig / kh_jobparat", "ikke-vestlig"}


def test_a_hidden_share_s_denominator_that_a_shown_finer_share_has_is_not_unknown():
    """2.4's offer types are each a share of all dagpenge recipients, 2.4's total's
    denominator. With the total hidden (3 in an offer) a shown offer type still shows its
    513, and 513 less 5.4's dagpenge target groups (432 and 80) leaves 1 person outside
    them: the link's remainder. The suppression took the hidden total's denominator for
    unknown and left it so (the sample's 2.4 in January 2026, found by the audit's
    relations observed in the numbers, tests/disclosure.py, which see the offer types'
    denominators equal the total's in the five months here whatever the suppression
    knows)."""

    def month(m: int) -> pd.DataFrame:
        recipients = 513 + 7 * m  # each month's own: a relation the numbers show moves
        return cells(
            ("2.4", "total", "I alt", 3, recipients),
            ("2.4", "tilbudstype", "loentilskud_privat", 0, recipients),
            ("2.4", "tilbudstype", "virksomhedspraktik", 3, recipients),
            ("5.4", "herkomst_maalgruppe", "øvrige / dagpenge", 0, recipients - 80),
            ("5.4", "herkomst_maalgruppe", "ikke-vestlig / dagpenge", 0, 79),
            ("5.4", "herkomst", "ikke-vestlig", 9, 176),
            period=f"2026-{m:02d}-01",
        )

    months = range(1, 6)
    frame = pd.concat([month(m) for m in months], ignore_index=True)
    links = dagpenge_link()
    relations = find_relations(frame, links=links)
    total, privat, praktik = 0, 1, 2  # of the first month
    shared = {
        (int(relations.parent[i]), tuple(relations.members(i)), tuple(relations.holds[i]))
        for i in range(len(relations))
        if len(relations.members(i)) == 1
    }
    assert {
        (total, (privat,), (False, True, False)),
        (total, (praktik,), (False, True, False)),
    } <= shared
    primary = frame.assign(is_suppressed=frame.is_hidden)
    assert set(primary.breakdown_value[primary.is_suppressed]) == {"I alt", "virksomhedspraktik"}
    rest = "rest af 2.4 I alt uden 5.4"
    found = [(f.breakdown_value, f.what, f.value) for f in audit(primary, SMALL, links)[0]]
    assert found.count((f"{rest} / {rest}", "d", 1.0)) == len(months)
    protected = frame.assign(is_suppressed=suppress(frame, SMALL, links))
    assert audit(protected, SMALL, links)[0] == []
    assert protected.is_suppressed.sum() > primary.is_suppressed.sum()


def test_the_audit_takes_a_relation_from_the_numbers_only_where_it_holds_everywhere():
    """Two cells of different indicators, called nothing alike, with equal numerators in
    every month are an equation to the audit (an attacker who knows no catalogue sees them
    move together); equal in all but one month, in fewer than OBSERVED_AT_LEAST months, or
    at one count that does not move, they are a coincidence, which no reader could know to
    hold."""

    def months(n: int, *, differ_in: int | None = None, step: int = 1) -> pd.DataFrame:
        frames = []
        for m in range(n):
            other = 21 + step * m + (1 if m == differ_in else 0)
            frames.append(
                cells(
                    ("1.2", "tilbudstype", "virksomhedspraktik", 20 + step * m, 100),
                    ("3.1", "total", "I alt", other - 1, 200),
                    period=f"2025-{m + 1:02d}-01",
                )
            )
        return pd.concat(frames, ignore_index=True)

    def equal_pairs(frame: pd.DataFrame) -> set[tuple[str, str, str]]:
        relations = observed_relations(frame)
        return {
            (
                frame.indicator_id[relations.parent[i]],
                frame.indicator_id[relations.members(i)[0]],
                "ndc"[int(np.flatnonzero(relations.holds[i])[0])],
            )
            for i in range(len(relations))
        }

    # each way round (both are cells), in every month
    assert equal_pairs(months(OBSERVED_AT_LEAST + 1)) == {("3.1", "1.2", "n"), ("1.2", "3.1", "n")}
    assert len(observed_relations(months(OBSERVED_AT_LEAST + 1))) == 2 * (OBSERVED_AT_LEAST + 1)
    assert equal_pairs(months(OBSERVED_AT_LEAST + 1, differ_in=2)) == set()
    assert equal_pairs(months(OBSERVED_AT_LEAST - 1)) == set()
    # the same count every month: two series that stay put match by chance
    assert equal_pairs(months(OBSERVED_AT_LEAST + 1, step=0)) == set()


def test_the_audit_keeps_each_pair_of_equal_cells_not_one_per_cell():
    """A cell equal to one cell in the first half of a year and to another in the second
    (each published only then) is an equation with both: relating each cell to the first of
    its equals only lost the second (helper-81)."""
    frames = []
    for m in range(12):
        count = 20 + 3 * m
        whole_year = ("1.2", "tilbudstype", "virksomhedspraktik", count, 1000)
        # the first half's cell comes first, as a series met first is related first
        rows = (
            [("3.1", "total", "I alt", count, 2000), whole_year]
            if m < 6
            else [whole_year, ("4.4", "total", "I alt", count, 3000)]
        )
        frames.append(cells(*rows, period=f"2025-{m + 1:02d}-01"))
    frame = pd.concat(frames, ignore_index=True)
    relations = observed_relations(frame)
    pairs = {
        frozenset(
            (frame.indicator_id[relations.parent[i]], frame.indicator_id[relations.members(i)[0]])
        )
        for i in range(len(relations))
    }
    assert pairs == {frozenset(("1.2", "3.1")), frozenset(("1.2", "4.4"))}


def test_the_audit_finds_a_subtraction_left_open():
    frame = cells(
        ("1.5", "total", "I alt", 40, 100),
        ("1.5", "maalgruppe", "kh_jobparat", 3, 4),
        ("1.5", "maalgruppe", "dagpenge", 37, 96),
    )
    found, _ = audit(frame.assign(is_suppressed=frame.is_hidden), SMALL)
    assert {(f.what, f.value) for f in found} >= {("n", 3.0), ("d", 4.0), ("c", 1.0)}


def test_the_same_cells_in_any_row_order_hide_the_same_cells():
    """Ties (equally small candidates) are broken by the cells' key, not by the order DuckDB
    happens to hand the rows over: the published file does not change between builds."""
    frame = cells(
        ("1.5", "total", "I alt", 40, 100),
        ("1.5", "maalgruppe", "kh_jobparat", 3, 10),  # primary
        ("1.5", "maalgruppe", "dagpenge", 12, 30),  # two equally small candidates
        ("1.5", "maalgruppe", "kh_uddannelsesparat", 12, 30),
        ("1.5", "maalgruppe", "kh_aktivitetsparat", 13, 30),
    )
    expected = hidden_values(frame)
    assert len(expected) == 2 and "kh_jobparat" in expected
    rng = np.random.default_rng(3)
    for _ in range(5):
        shuffled = frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)
        assert hidden_values(shuffled) == expected
        assert audit(published(shuffled), SMALL)[0] == []


def test_counts_equal_but_for_their_last_bits_hide_the_same_cells():
    """A sum of fuldtidspersoner differs in its last bits from build to build (DuckDB adds in
    no fixed order): two candidates equal but for that are ordered by their key, as equal
    ones are, not by the noise."""
    frame = cells(
        ("5.1", "total", "I alt", 40.0, None, "count"),
        ("5.1", "maalgruppe", "a", 3.0, None, "count"),  # primary
        ("5.1", "maalgruppe", "b", 12.2, None, "count"),  # two equally small candidates
        ("5.1", "maalgruppe", "c", 12.2, None, "count"),
        ("5.1", "maalgruppe", "d", 12.6, None, "count"),
    )
    expected = hidden_values(frame)
    assert expected == {"a", "b"}
    for noise in (1e-12, -1e-12):
        noisy = frame.copy()
        noisy.loc[noisy.breakdown_value == "c", "numerator"] += noise
        noisy.loc[noisy.breakdown_value == "b", "numerator"] -= noise
        assert hidden_values(noisy) == expected


def test_the_suppression_and_the_forecast_do_their_small_linear_algebra_on_one_blas_thread():
    """OpenBLAS runs every call on a thread per core, however small the matrix: the
    suppression's null spaces and the forecast's fits were several times slower so on two
    busy cores (pipeline/blas.py). Both run under `one_blas_thread`, which caps BLAS at one
    thread for the call and puts the limit back after."""
    import numpy as np
    from threadpoolctl import threadpool_info

    from pipeline.blas import one_blas_thread
    from pipeline.forecast import forecast_indicators
    from pipeline.suppression import suppress_by_year

    def blas_threads() -> set[int]:
        np.linalg.svd(np.eye(3))  # BLAS is loaded and used
        return {p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"}

    before = blas_threads()
    assert before, "numpy's BLAS is not seen by threadpoolctl"
    assert one_blas_thread(blas_threads)() == {1}
    assert blas_threads() == before
    # each is one_blas_thread's wrapper (suppress is suppress_by_year's result alone)
    for computed in (suppress_by_year, forecast_indicators):
        held = [cell.cell_contents for cell in computed.__closure__ or ()]
        assert any(h is one_blas_thread for h in held), computed.__name__
    # In a process's first call too, where the function itself first imports scipy, whose
    # own OpenBLAS ran on a thread per core (threadpoolctl limits only the libraries loaded
    # when the limit is set): dbt calls each once per process. With one core busy, the
    # suppression of the scale-1 bench world took 9.2-10.8 s so, 4.4-5.4 s on one thread.
    first_call = """
import json
from pipeline.blas import one_blas_thread

@one_blas_thread
def threads():
    from scipy.linalg import null_space
    from threadpoolctl import threadpool_info
    null_space(np.eye(3))
    return {p["filepath"]: p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"}

import numpy as np
print(json.dumps(threads()))
"""
    proc = subprocess.run(
        [sys.executable, "-c", first_call],
        env={k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    threads = json.loads(proc.stdout)
    assert any(Path(lib).parent.name.startswith("scipy") for lib in threads), threads
    assert set(threads.values()) == {1}, threads


def test_a_year_is_solved_after_the_one_before_and_kept_where_nothing_it_is_solved_from_changed():
    """Each calendar year is solved after the one before it: a change since a year before
    starts hidden where that cell is (suppress_by_year). Given an earlier solution (its rows
    and each row's year's fingerprint), a year whose fingerprint it finds is taken from it,
    whatever order the rows come in; a year whose cells changed is solved again, and so is
    the year after it where the changes it hides a year before are no longer the same. Each
    time the result is what solving every year again gives."""

    def year(y: int, dagpenge: int, sygedagpenge: int = 40) -> pd.DataFrame:
        return cells(
            ("0.2", "total", "I alt", 20 + dagpenge + sygedagpenge, 60, "pct_change"),
            ("0.2", "ydelsesgruppe", "dagpenge", dagpenge, 30, "pct_change"),
            ("0.2", "ydelsesgruppe", "fleksjob", 20, 18, "pct_change"),
            ("0.2", "ydelsesgruppe", "sygedagpenge", sygedagpenge, 12, "pct_change"),
            period=f"{y}-01-01",
        )

    def solved(frame, previous=None) -> tuple[pd.DataFrame, pd.DataFrame]:
        hidden, prints = suppress_by_year(frame, SMALL, previous=previous)
        out = frame[KEY].assign(is_suppressed=hidden, suppression_fingerprint=prints)
        return out.sort_values(KEY).reset_index(drop=True), frame.assign(is_suppressed=hidden)

    frame = pd.concat([year(2024, 2), year(2025, 6), year(2026, 7)], ignore_index=True)
    first, published_first = solved(frame)
    assert audit(published_first, SMALL)[0] == []
    hidden = first[first.is_suppressed]
    # 2024's dagpenge (2) and a group beside it; 2025's changes over them start hidden
    by_year = hidden.groupby(hidden.period.dt.year).breakdown_value.agg(set)
    assert "dagpenge" in by_year[2024] and len(by_year[2024]) == 2
    assert by_year[2024] <= by_year[2025]
    assert first.groupby(first.period.dt.year).suppression_fingerprint.nunique().eq(1).all()

    # an earlier solution whose last year's total was hidden: where that year is taken
    # from it, so is the total (solving the year again shows it)
    total_2026 = (first.period.dt.year == 2026) & (first.breakdown == "total")
    assert not first.is_suppressed[total_2026].any()
    marked = first.assign(is_suppressed=first.is_suppressed | total_2026)
    again, _ = solved(frame.sample(frac=1, random_state=3), marked)
    pd.testing.assert_frame_equal(again, marked)
    # one that lacks a cell of the year, or holds one twice, is not taken: the year is solved
    for broken in (marked[~total_2026], pd.concat([marked, marked[total_2026]])):
        pd.testing.assert_frame_equal(solved(frame, broken)[0], first)

    def print_of(result: pd.DataFrame) -> pd.Series:
        return result.groupby(result.period.dt.year).suppression_fingerprint.first()

    # 2026 changed (a small sygedagpenge): 2026 solved again, 2024 and 2025 taken; as
    # solving all again gives
    later = pd.concat([year(2024, 2), year(2025, 6), year(2026, 7, 3)], ignore_index=True)
    changed, _ = solved(later, first)
    pd.testing.assert_frame_equal(changed, solved(later)[0])
    assert (print_of(changed) == print_of(first)).tolist() == [True, True, False]

    # 2024 without its small dagpenge: 2024 is solved again, and 2025 too (its changes over
    # 2024's hidden groups no longer start hidden); nothing is hidden in any year now
    bigger = pd.concat([year(2024, 12), year(2025, 6), year(2026, 7)], ignore_index=True)
    moved, _ = solved(bigger, marked)
    pd.testing.assert_frame_equal(moved, solved(bigger)[0])
    assert (print_of(moved) == print_of(first)).tolist()[:2] == [False, False]
    assert not moved.is_suppressed.any()


def test_the_model_s_frames_through_arrow_are_those_duckdb_s_df_gives():
    """pipeline/frames.py, which int_indicator_suppression reads its cells and its last
    result with: the same frame as DuckDB's `.df()`, dtype for dtype and value for value,
    for the column types those tables have (a date, integers with and without NULLs, text
    with NULLs, booleans, doubles with NULLs and NaN), and for a relation of no rows."""
    import duckdb

    from pipeline.frames import frame

    query = """
        select * from (values
            (date '2025-12-01', 151::integer, 3::integer, 'ind_1', 'køn', 'kvinde',
             true, 12.5::double, 'wilson'),
            (date '2024-02-01', 0::integer, null::integer, 'ind_2', 'total', 'total',
             false, null::double, null),
            (date '2019-01-01', 165::integer, 7::integer, null, 'alder', '16-29 år',
             null, 'nan'::double, 'exact')
        ) t(period, area_code, revision_months, indicator_id, breakdown, breakdown_value,
            is_hidden, numerator, interval_method)
    """
    with duckdb.connect() as con:
        for sql in (query, f"select * from ({query}) where false"):
            expected, got = con.sql(sql).df(), frame(con.sql(sql))
            pd.testing.assert_frame_equal(got, expected, check_dtype=True, check_exact=True)
    assert str(got.revision_months.dtype) == "int32"  # no rows, so no NULL: as .df() has it
