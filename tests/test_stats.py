"""The intervals of pipeline/stats.py against values computed by hand or published, and as
the DuckDB functions the dbt models call (pipeline/dbt_plugin.py)."""

from __future__ import annotations

import math

import duckdb
import numpy as np
import pytest

from pipeline import stats
from pipeline.dbt_plugin import register

Z = 1.959963984540054  # the 97.5 % quantile of the standard normal


def wilson_by_hand(k: float, n: float) -> tuple[float, float]:
    """Wilson (1927): (p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)."""
    p = k / n
    centre = p + Z**2 / (2 * n)
    half = Z * math.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2))
    return (centre - half) / (1 + Z**2 / n), (centre + half) / (1 + Z**2 / n)


@pytest.mark.parametrize(("k", "n"), [(28, 30), (263, 2481), (0, 10), (10, 10), (212.5, 7203)])
def test_the_share_interval_is_wilsons(k, n):
    low, high = stats.share_interval([k], [n])
    assert (low[0], high[0]) == pytest.approx(wilson_by_hand(k, n), abs=1e-9)
    assert low[0] <= k / n <= high[0]


def test_the_count_interval_is_the_exact_poisson_one():
    # Garwood's limits for 0, 5 and 10 events, as tabulated (e.g. Ulm 1990, Am J Epidemiol)
    low, high = stats.count_interval([0, 5, 10])
    assert low == pytest.approx([0.0, 1.6235, 4.7954], abs=1e-4)
    assert high == pytest.approx([3.6889, 11.6683, 18.3904], abs=1e-4)


def test_the_difference_of_two_shares_is_newcombes():
    # Newcombe (1998), Statistics in Medicine 17, Table II: 56/70 - 48/80, method 10
    low, high = stats.share_difference_interval([56], [70], [48], [80])
    assert (low[0], high[0]) == pytest.approx((0.0524, 0.3339), abs=1e-4)


def test_the_difference_of_two_rates_holds_zero_when_the_rates_are_equal():
    low, high = stats.count_difference_interval([50, 500], [1000, 10000], [50, 400], [1000, 10000])
    assert low[0] < 0 < high[0]  # 5 % against 5 %
    assert 0 < low[1] < 0.01 < high[1]  # 5 % against 4 % of 10,000: a real rise of 1 point


def test_meaningless_inputs_give_no_interval():
    low, high = stats.share_interval([None, 5, 6, -1], [10, 0, 5, 10])
    assert all(math.isnan(x) for x in (*low, *high))
    low, high = stats.count_difference_interval([0], [100], [0], [100])
    assert math.isnan(low[0]) and math.isnan(high[0])


def test_the_duckdb_functions_give_the_same_bounds_and_null_for_null():
    con = duckdb.connect()
    register(con)
    rows = con.execute(
        "select ci_share_low(k, n, 0.05), ci_share_high(k, n, 0.05), ci_count_high(k, 0.05) "
        "from (values (28.0, 30.0), (null, 30.0), (5.0, 0.0)) t(k, n)"
    ).fetchall()
    assert rows[0][:2] == pytest.approx(wilson_by_hand(28, 30), abs=1e-9)
    assert rows[1] == (None, None, None)
    assert rows[2][:2] == (None, None) and rows[2][2] == pytest.approx(11.6683, abs=1e-4)
    [(low, high)] = con.execute(
        "select ci_share_diff_low(56, 70, 48, 80, 0.05), ci_share_diff_high(56, 70, 48, 80, 0.05)"
    ).fetchall()
    assert (low, high) == pytest.approx((0.0524, 0.3339), abs=1e-4)
    # a combination of intervals already computed takes no alpha (theirs is given)
    [(low, high, none)] = con.execute(
        "select ci_diff_of_low(3, 2, 4, 6, 5, 7), ci_diff_of_high(3, 2, 4, 6, 5, 7), "
        "ci_diff_of_low(3, null, 4, 6, 5, 7)"
    ).fetchall()
    assert (low, high, none) == (
        pytest.approx(-3 - math.sqrt(2)),
        pytest.approx(-3 + math.sqrt(2)),
        None,
    )


def test_a_null_alpha_is_an_error_not_a_guessed_level():
    """An interval's level is var interval_alpha, passed by every caller; a NULL one (an unset
    or misspelt var) stops the query rather than giving a 95 % interval the var did not say."""
    con = duckdb.connect()
    register(con)
    with pytest.raises(duckdb.Error, match="alpha is NULL"):
        con.execute("select ci_share_low(28.0, 30.0, null::double)").fetchall()
    with pytest.raises(duckdb.Error, match="alpha is NULL"):
        con.execute(
            "select rate_ratio_within_strata([1.0], [10.0], [1.0], [50.0], null::double)"
        ).fetchall()
    # no rows: nothing to compute, and no error
    assert (
        con.execute(
            "select ci_share_low(k, n, a) from (select 1.0 k, 2.0 n, 0.05 a) where false"
        ).fetchall()
        == []
    )


def exact_conditional_ratio(k1: int, e1: float, k2: int, e2: float) -> tuple[float, float]:
    """The exact conditional interval of a rate ratio (Clopper-Pearson on k1 of k1 + k2,
    turned into a ratio): conservative, so a good interval lies within it."""
    from scipy.stats import beta

    n = k1 + k2
    low = beta.ppf(0.025, k1, n - k1 + 1) if k1 > 0 else 0.0
    high = beta.ppf(0.975, k1 + 1, n - k1)
    return low / (1 - low) * e2 / e1, high / (1 - high) * e2 / e1


@pytest.mark.parametrize(
    ("k1", "e1", "k2", "e2"), [(10, 100, 20, 400), (5, 1237.5, 12, 1200), (40, 900, 35, 1100)]
)
def test_the_rate_ratio_interval_holds_the_ratio_within_the_exact_one(k1, e1, k2, e2):
    low, high = stats.rate_ratio_interval([k1], [e1], [k2], [e2])
    exact_low, exact_high = exact_conditional_ratio(k1, e1, k2, e2)
    ratio = (k1 / e1) / (k2 / e2)
    assert exact_low <= low[0] < ratio < high[0] <= exact_high


def test_the_rate_ratio_interval_is_valid_with_no_events_in_the_first_group():
    # 5.6 in a month without a sanction of non-Western origin: 0, with room above
    low, high = stats.rate_ratio_interval([0, 3], [100, 100], [20, 0], [400, 400])
    assert low[0] == 0 and high[0] > 0.5
    assert np.isnan(low[1]) and np.isnan(high[1])  # no events in the reference group


def test_the_rate_ratio_within_strata_compares_like_with_like():
    """Two target groups where both origins have the same rate (10 % and 1 %), but the
    non-Western persons are mostly in the first: pooled, their rate looks five times the
    others'; within the target groups the ratio is 1 (5.6's reason to compare within)."""
    k1, e1, k0, e0 = [10, 1], [100, 100], [1, 10], [10, 1000]
    # the same counts as one stratum: (11 / 200) / (11 / 1010)
    pooled, *_ = stats.rate_ratio_within_strata([sum(k1)], [sum(e1)], [sum(k0)], [sum(e0)])
    estimate, low, high = stats.rate_ratio_within_strata(k1, e1, k0, e0)
    assert pooled == pytest.approx(5.05, abs=0.01)
    assert estimate == pytest.approx(1.0, abs=1e-9) and low < 1 < high


def test_the_rate_ratio_within_one_stratum_is_the_crude_one_with_its_log_wald_interval():
    # 1 of 10 against 1 of 50: ratio 5, exp(ln 5 +- z sqrt(1/1 + 1/1))
    estimate, low, high = stats.rate_ratio_within_strata([1], [10], [1], [50])
    half = Z * math.sqrt(1 / 1 + 1 / 1)
    assert (estimate, low, high) == pytest.approx(
        (5.0, 5 * math.exp(-half), 5 * math.exp(half)), rel=1e-6
    )
    assert all(np.isnan(stats.rate_ratio_within_strata([0], [10], [0], [50])))


def test_the_rate_ratio_within_strata_without_events_in_group_1_is_0_with_an_exact_bound():
    """No non-Western sanction in any target group: the ratio is 0, not undefined, and its
    upper bound is exact. One stratum, 0 of 10 against 8 of 40: given the 8 events, group 1's
    share is binomial; Clopper and Pearson's upper bound with none is 1 - (alpha/2)^(1/8),
    as a ratio p / (1 - p) x 40 / 10. Two strata: the bound R makes no event in group 1
    exactly as likely as alpha / 2."""
    estimate, low, high = stats.rate_ratio_within_strata([0], [10], [8], [40])
    p = 1 - 0.025 ** (1 / 8)
    assert (estimate, low) == (0.0, 0.0)
    assert high == pytest.approx(p / (1 - p) * 40 / 10, rel=1e-9)
    k0, e1, e0 = np.array([8.0, 3.0]), np.array([10.0, 5.0]), np.array([40.0, 100.0])
    estimate, low, high = stats.rate_ratio_within_strata([0, 0], e1, k0, e0)
    assert (estimate, low) == (0.0, 0.0)
    assert np.prod((e0 / (e1 * high + e0)) ** k0) == pytest.approx(0.025, rel=1e-9)
    # the reference group without events: no ratio at all
    assert all(np.isnan(stats.rate_ratio_within_strata([2], [10], [0], [40])))
    # group 1's exposure a tiny fraction of the other's: the bound, beyond e^50, is found
    # (the search widens until it holds the root)
    estimate, low, high = stats.rate_ratio_within_strata([0], [1e-30], [8], [40])
    assert high == pytest.approx(p / (1 - p) * 40 / 1e-30, rel=1e-9)


def test_a_comparison_within_strata_leaves_out_strata_without_events_never_small_ones():
    """5.6 over target groups: one with 1.4 non-Western fuldtidspersoner and a sanction is
    compared, whatever its size (a total shown beside a group left out for its size would
    tell that the group's hidden cells are small); one without any sanction adds nothing to
    a ratio and is left out; for a share difference every group with both origins counts."""
    k1, e1, k0, e0 = [28, 2, 0], [161.3, 1.4, 10.4], [32, 1, 0], [266.9, 17.2, 24.6]
    assert list(stats.compared_strata(k1, e1, k0, e0, events=True)) == [True, True, False]
    assert list(stats.compared_strata(k1, e1, k0, e0, events=False)) == [True, True, True]
    assert list(stats.compared_strata([1], [3], [0], [0], events=False)) == [False]
    both = stats.rate_ratio_within_strata(k1[:2], e1[:2], k0[:2], e0[:2])
    assert stats.rate_ratio_within_strata(k1, e1, k0, e0) == pytest.approx(both)
    alone = stats.rate_ratio_within_strata(k1[:1], e1[:1], k0[:1], e0[:1])
    assert both[0] != pytest.approx(alone[0])


def test_the_share_difference_within_strata_is_the_mantel_haenszel_one():
    """5.4's total: two target groups, non-Western 1 of 2 and 0 of 2 in offers against 1 of 2
    and 2 of 4. Within the groups the gaps are 0 and -50 points, weighted n1 n0 / (n1 + n0):
    1 and 4/3, so (1 x 0 + 4/3 x -0.5) / (7/3) = -2/7; pooled it would be 1/4 - 3/6 = -1/4.
    One stratum is the crude difference with its Wald interval (statsmodels' own)."""
    from statsmodels.stats.proportion import confint_proportions_2indep

    estimate, low, high = stats.share_difference_within_strata([1, 0], [2, 2], [1, 2], [2, 4])
    assert estimate == pytest.approx(-2 / 7, rel=1e-12) and low < estimate < high
    estimate, low, high = stats.share_difference_within_strata([8], [80], [48], [433])
    wald = confint_proportions_2indep(8, 80, 48, 433, method="wald", compare="diff")
    assert estimate == pytest.approx(8 / 80 - 48 / 433, rel=1e-12)
    assert (low, high) == pytest.approx(wald, rel=1e-9)
    # a target group without non-Western persons compares nothing: the same as without it
    assert stats.share_difference_within_strata([8, 0], [80, 0], [48, 5], [433, 20]) == (
        pytest.approx((estimate, low, high), rel=1e-12)
    )
    # nobody in an offer anywhere: no variance, no interval, no estimate
    assert all(np.isnan(stats.share_difference_within_strata([0, 0], [80, 9], [0, 0], [433, 7])))


def test_the_share_difference_within_strata_stays_a_difference_of_shares():
    """Few persons and shares near 0 and 1: the Wald-type interval would pass -100 points;
    it is cut to the differences two shares can have."""
    estimate, low, high = stats.share_difference_within_strata([0, 1], [3, 2], [3, 2], [3, 2])
    assert -1.0 <= low <= estimate <= high <= 1.0
    assert low == -1.0


def test_the_share_difference_within_strata_is_the_least_squares_fit_to_the_persons():
    """The cells' persons as frequency weights give the fit of one row per person:
    statsmodels OLS with HC0 on 1,083 person rows, the same estimate and interval."""
    import statsmodels.api as sm

    k1, n1, k0, n0 = [8, 7, 9], [80, 99, 109], [48, 9, 17], [433, 139, 173]
    rows = []  # (group, stratum, outcome) per person
    for s in range(3):
        for group, k, n in ((1, k1[s], n1[s]), (0, k0[s], n0[s])):
            rows += [(group, s, 1)] * k + [(group, s, 0)] * (n - k)
    group, stratum, outcome = (np.array(c, dtype=float) for c in zip(*rows, strict=True))
    design = np.column_stack([group, np.eye(3)[stratum.astype(int)]])
    fit = sm.OLS(outcome, design).fit(cov_type="HC0")
    want = (fit.params[0], *fit.conf_int(0.05)[0])
    assert stats.share_difference_within_strata(k1, n1, k0, n0) == pytest.approx(want, rel=1e-9)


def test_the_share_at_the_mix_of_group_1_is_direct_standardisation():
    """1.1's remark: this month against the same month a year before at this month's mix of
    target groups. Two groups keep their shares (30 % and 5 %) while the persons move to the
    second: the crude share falls from 17.5 % (35 of 200) to 13.3 %, but at this month's mix
    last year's shares give the same 13.3 %, so the change the mix does not explain is 0. A
    group without persons a year before enters neither share. The interval: MOVER on each
    cell's Wilson interval (by hand, wilson_by_hand), weighted by this month's mix."""
    k1, n1, k0, n0 = [30, 10, 3], [100, 200, 40], [30, 5, 0], [100, 100, 0]
    found = stats.share_at_mix_of_group_1(k1, n1, k0, n0)
    assert (found.share, found.expected, found.persons) == pytest.approx((40 / 300, 40 / 300, 300))
    assert (found.share_before, found.persons_before) == pytest.approx((35 / 200, 200))
    assert found.difference == pytest.approx(0.0, abs=1e-12)
    w = [100 / 300, 200 / 300]
    cells = [(30, 100, 30, 100), (10, 200, 5, 100)]
    below = above = 0.0
    for weight, (a, m1, b, m0) in zip(w, cells, strict=True):
        (l1, u1), (l0, u0) = wilson_by_hand(a, m1), wilson_by_hand(b, m0)
        below += weight**2 * ((a / m1 - l1) ** 2 + (u0 - b / m0) ** 2)
        above += weight**2 * ((u1 - a / m1) ** 2 + (b / m0 - l0) ** 2)
    assert (found.lower, found.upper) == pytest.approx(
        (-math.sqrt(below), math.sqrt(above)), abs=1e-12
    )


def test_the_share_at_the_mix_of_one_group_is_newcombes_difference_of_two_shares():
    from statsmodels.stats.proportion import confint_proportions_2indep

    found = stats.share_at_mix_of_group_1([8], [80], [48], [433])
    newcombe = confint_proportions_2indep(8, 80, 48, 433, method="newcomb", compare="diff")
    assert found.difference == pytest.approx(8 / 80 - 48 / 433, rel=1e-12)
    assert (found.lower, found.upper) == pytest.approx(newcombe, rel=1e-9)
    assert found.expected == pytest.approx(48 / 433) and found.persons == 80


def test_the_share_at_the_mix_of_small_groups_keeps_an_interval_and_without_strata_has_none():
    # nobody flagged in any cell: the shares are 0 and 0, and Wilson's intervals still say
    # how far they could be from it (a Wald interval would have none)
    found = stats.share_at_mix_of_group_1([0, 0], [10, 5], [0, 0], [3, 4])
    assert (found.difference, found.share, found.expected, found.persons) == (0, 0, 0, 15)
    assert -1 < found.lower < 0 < found.upper < 1
    # 0 of 26 against 4 of 26: the Wald interval left out 0 (review, December 2026), this
    # one (Newcombe's, for one group) holds it
    found = stats.share_at_mix_of_group_1([0], [26], [4], [26])
    assert found.lower < 0 < found.upper
    # no group with persons in both: nothing at all
    assert all(np.isnan(stats.share_at_mix_of_group_1([1], [10], [1], [0])[:5]))


def test_the_share_at_the_mix_as_a_duckdb_function_gives_its_list_and_null_for_null():
    with duckdb.connect() as con:
        register(con)
        found = con.execute(
            "select share_at_mix_of_group_1([0, 0], [10, 5], [0, 0], [3, 4], 0.05), "
            "share_at_mix_of_group_1([30, 10], [100, 200], [30, 5], [100, 100], 0.05), "
            "share_at_mix_of_group_1([1], [10], [1], [0], 0.05), "
            "share_at_mix_of_group_1(null, [10], [1], [5], 0.05)"
        ).fetchone()
    direct = stats.share_at_mix_of_group_1([0, 0], [10, 5], [0, 0], [3, 4])
    assert found[0] == pytest.approx(list(direct), abs=1e-12)
    assert found[1][4] == pytest.approx(40 / 300) and found[1][1] < 0 < found[1][2]
    assert found[2] is None and found[3] is None  # no stratum compared; a NULL input


def test_the_difference_of_two_estimates_is_the_mover_interval_of_their_intervals():
    """5.0's gap this year against a year before: MOVER from the two gaps' own intervals
    (Zou and Donner 2008), by hand. On two Wilson intervals it is Newcombe's interval for
    two shares (his method 10 is MOVER on Wilson), statsmodels' own: a check of the library
    function this uses (statsmodels.stats._inference_tools, not public API)."""
    from statsmodels.stats.proportion import confint_proportions_2indep

    low, high = stats.difference_interval(
        [3.0, 1.0], [2.0, 0.8], [4.0, 1.25], [6.0, 1.1], [5.0, 0.9], [7.0, 1.3]
    )
    assert low == pytest.approx([-3 - math.sqrt(2), -0.1 - math.sqrt(0.08)], rel=1e-12)
    assert high == pytest.approx([-3 + math.sqrt(2), -0.1 + math.sqrt(0.1025)], rel=1e-12)
    (l1,), (u1,) = stats.share_interval([28], [30])
    (l0,), (u0,) = stats.share_interval([263], [2481])
    newcombe = confint_proportions_2indep(28, 30, 263, 2481, method="newcomb", compare="diff")
    low, high = stats.difference_interval([28 / 30], [l1], [u1], [263 / 2481], [l0], [u0])
    assert (low[0], high[0]) == pytest.approx(newcombe, rel=1e-9)
    # a missing bound, or an interval that does not hold its estimate: none
    low, high = stats.difference_interval(
        [3.0, 3.0], [None, 3.5], [4.0, 4.0], [6.0] * 2, [5.0] * 2, [7.0] * 2
    )
    assert np.isnan(low).all() and np.isnan(high).all()
    # a bound a float's last bits beside its estimate (published Wilson bounds of 0 of n,
    # times 100, are 6.9e-16 above 0): taken as the estimate, not refused
    (l1,), (u1,) = stats.share_interval([0], [26])
    l0, u0 = stats.share_interval([4], [26])
    low, high = stats.difference_interval([0.0], [l1 + 1e-15], [u1], [4 / 26], l0, u0)
    newcombe = confint_proportions_2indep(0, 26, 4, 26, method="newcomb", compare="diff")
    assert (low[0], high[0]) == pytest.approx(newcombe, abs=1e-9)
