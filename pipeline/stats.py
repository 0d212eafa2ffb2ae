"""The statistical uncertainty of published values, computed by statsmodels.

Each function takes numpy arrays (one element per published row) and returns the lower and
upper bound of a two-sided interval at level 1 - alpha. Missing or meaningless inputs (a
NULL, a denominator of 0, a negative count) give NaN bounds, which DuckDB reads as NULL. The
warehouse calls them as DuckDB functions (pipeline/dbt_plugin.py) from the dbt models; the
catalogue's `interval_method` says which one an indicator's values use, and the seed
`interval_methods` says what each one means, in the committee's words.

- share (Wilson score interval): a share of persons, k of n. Good coverage for small n and
  for shares near 0 or 1, where the normal approximation fails (Brown, Cai and DasGupta,
  "Interval Estimation for a Binomial Proportion", Statistical Science 16(2), 2001).
  statsmodels.stats.proportion.proportion_confint(method="wilson").
- count (exact Poisson, Garwood): a count of events or persons over a population (a rate
  per 10,000); the population is taken as known. statsmodels.stats.rates.confint_poisson
  (method="exact-c").
- share difference (Newcombe's hybrid score, his method 10): the difference of two
  independent shares, e.g. this year's share against the same month a year before.
  statsmodels.stats.proportion.confint_proportions_2indep(method="newcomb").
- count difference (score interval): the difference of two Poisson rates.
  statsmodels.stats.rates.confint_poisson_2indep(method="score", compare="diff"); that
  method takes one pair at a time, and the warehouse asks it for one row per indicator.
- rate ratio (MOVER): the ratio of two Poisson rates, e.g. sanctions per fuldtidsperson
  of non-Western origin against Danish origin (5.6). The method of variance estimates
  recovery (Li, Tang and Wong, "Confidence intervals for ratios of Poisson rates",
  Statistics in Medicine 33(6), 2014): good coverage, and unlike the score interval in
  statsmodels 0.15 it stays valid when the first group has no events (the score method
  returns a zero-width interval there).
  statsmodels.stats.rates.confint_poisson_2indep(method="mover", compare="ratio"), which
  takes whole arrays.
- rate ratio within strata (Poisson regression): the ratio of two groups' rates compared
  within each stratum (5.6: within each target group, so that a group's mix of target
  groups does not make the difference), as the coefficient of the group in a Poisson
  regression of the events on group and stratum with log exposure as offset, and its Wald
  interval (Breslow and Day, "Statistical Methods in Cancer Research II", IARC 1987,
  ch. 4; statsmodels.api.GLM, family Poisson). One stratum gives the crude ratio. With no
  events in group 1 the coefficient has no finite value: the ratio is 0 and its upper bound
  the exact conditional one (group 1's share of each stratum's events is binomial given
  their number; scipy.optimize.brentq finds where none in group 1 has probability alpha/2).
- share difference within strata (linear probability model): the difference of two groups'
  shares compared within each stratum (5.4: within each target group, as its remark says),
  as the coefficient of the group in a least-squares regression of the persons' 0/1 outcome
  on group and stratum, which is the Mantel-Haenszel weighted difference, with the
  heteroskedasticity-robust (HC0) interval (statsmodels.api.GLM, Gaussian, the persons as
  frequency weights of their cells, cov_type="HC0"). One stratum gives the crude
  difference with its Wald interval.
- difference of two estimates with their intervals (MOVER): a comparison's value this year
  against a year before (5.0's gap: "og faldende"), from the two values' own intervals,
  whatever method made them: L = d - sqrt((v1 - l1)^2 + (u0 - v0)^2), U = d + sqrt((u1 -
  v1)^2 + (v0 - l0)^2) (Zou and Donner, "Construction of confidence limits about effect
  measures: a general approach", Statistics in Medicine 27(10), 2008; Newcombe's interval
  for two shares is this method on two Wilson intervals). statsmodels'
  stats._inference_tools._mover_confint (0.15; not public API, so a test holds it to the
  formula). The two years are taken as independent; where the same persons are in both,
  the interval errs on the wide side.
- share at another's mix (direct standardisation): group 1's share against the share group
  0's strata shares would give at group 1's mix of strata, sum_s w_s k0_s / n0_s with
  w_s = n1_s / n1 (1.1: this month against the same month a year before, at this month's
  mix of target groups, as its remark asks; Rothman, Greenland and Lash, ch. 4,
  "standardization"). The difference sum_s w_s (p1_s - p0_s) gets the MOVER interval of a
  linear function of independent shares from each cell's Wilson interval (Zou, Huang and
  Zhang, "A note on confidence interval estimation for a linear function of binomial
  proportions", Computational Statistics & Data Analysis 53(4), 2009): for one stratum it is
  Newcombe's interval, and unlike a Wald interval it keeps its coverage for small groups
  and shares near 0 (a simulation at 26 persons a group and shares of 2-5 %: 0.997 against
  the Wald interval's 0.94). statsmodels' proportion_confint gives the Wilson intervals.
"""

from __future__ import annotations

import warnings
from typing import NamedTuple

import numpy as np

ArrayLike = np.ndarray | list | float


def _arrays(*values: ArrayLike) -> list[np.ndarray]:
    return [np.asarray(v, dtype="float64") for v in values]


def _nan_bounds(size: int) -> tuple[np.ndarray, np.ndarray]:
    return np.full(size, np.nan), np.full(size, np.nan)


def _is_share(k: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Where k of n is a share: both given, n > 0 and 0 <= k <= n."""
    return np.isfinite(k) & np.isfinite(n) & (n > 0) & (k >= 0) & (k <= n)


def _is_rate(k: np.ndarray, exposure: np.ndarray) -> np.ndarray:
    """Where k events over an exposure make a rate: both given, exposure > 0 and k >= 0."""
    return np.isfinite(k) & np.isfinite(exposure) & (exposure > 0) & (k >= 0)


def share_interval(k: ArrayLike, n: ArrayLike, alpha: float = 0.05):
    """Wilson score interval of the share k/n, as a share (0-1)."""
    from statsmodels.stats.proportion import proportion_confint

    k, n = _arrays(k, n)
    low, high = _nan_bounds(k.size)
    ok = _is_share(k, n)
    if ok.any():
        low[ok], high[ok] = proportion_confint(k[ok], n[ok], alpha=alpha, method="wilson")
    return low, high


def count_interval(k: ArrayLike, alpha: float = 0.05):
    """Exact (Garwood) Poisson interval of the count k, as counts."""
    from statsmodels.stats.rates import confint_poisson

    (k,) = _arrays(k)
    low, high = _nan_bounds(k.size)
    ok = _is_rate(k, np.ones(k.size))
    if ok.any():
        low[ok], high[ok] = confint_poisson(k[ok], np.ones(ok.sum()), method="exact-c", alpha=alpha)
    return low, high


def share_difference_interval(
    k1: ArrayLike, n1: ArrayLike, k2: ArrayLike, n2: ArrayLike, alpha: float = 0.05
):
    """Newcombe's interval of k1/n1 - k2/n2 (two independent shares), as a share (-1..1)."""
    from statsmodels.stats.proportion import confint_proportions_2indep

    k1, n1, k2, n2 = _arrays(k1, n1, k2, n2)
    low, high = _nan_bounds(k1.size)
    ok = _is_share(k1, n1) & _is_share(k2, n2)
    if ok.any():
        low[ok], high[ok] = confint_proportions_2indep(
            k1[ok], n1[ok], k2[ok], n2[ok], method="newcomb", compare="diff", alpha=alpha
        )
    return low, high


def difference_interval(
    v1: ArrayLike, l1: ArrayLike, u1: ArrayLike, v0: ArrayLike, l0: ArrayLike, u0: ArrayLike
):
    """MOVER interval of v1 - v0 from each estimate's own interval (l, u), at their level:
    (lower, upper) in the values' unit; NaN where an input is missing or an interval does
    not hold its estimate (beyond rounding)."""
    from statsmodels.stats._inference_tools import _mover_confint

    v1, l1, u1, v0, l0, u0 = _arrays(v1, l1, u1, v0, l0, u0)
    low, high = _nan_bounds(v1.size)
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(np.c_[v1, l1, u1, v0, l0, u0]).all(axis=1)
        # an interval holds its estimate, up to the float's last bits (Wilson's lower bound
        # of 0 of n is 1e-16 above 0): those bits are cut, a real gap refused
        slack = 1e-9 * np.maximum(1.0, np.abs(np.c_[v1, v0]).max(axis=1))
        ok &= (l1 <= v1 + slack) & (v1 <= u1 + slack) & (l0 <= v0 + slack) & (v0 <= u0 + slack)
        l1, u1 = np.minimum(l1, v1), np.maximum(u1, v1)
        l0, u0 = np.minimum(l0, v0), np.maximum(u0, v0)
    if ok.any():
        low[ok], high[ok] = _mover_confint(
            v1[ok], v0[ok], (l1[ok], u1[ok]), (l0[ok], u0[ok]), contrast="diff"
        )
    return low, high


def _two_rates(k1, e1, k2, e2, alpha: float, compare: str, method: str, defined) -> tuple:
    """statsmodels' interval comparing two Poisson rates k1/e1 and k2/e2, where `defined`
    (a function of the four arrays) holds; NaN elsewhere. The score method takes one pair
    at a time, MOVER whole arrays."""
    from statsmodels.stats.rates import confint_poisson_2indep

    k1, e1, k2, e2 = _arrays(k1, e1, k2, e2)
    low, high = _nan_bounds(k1.size)
    ok = _is_rate(k1, e1) & _is_rate(k2, e2) & defined(k1, k2)
    rows = [np.flatnonzero(ok)] if method == "mover" else [[i] for i in np.flatnonzero(ok)]
    for i in rows:
        if not len(i):
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            bounds = confint_poisson_2indep(
                k1[i], e1[i], k2[i], e2[i], method=method, compare=compare, alpha=alpha
            )
        low[i], high[i] = (np.ravel(b) for b in bounds)
    return low, high


def count_difference_interval(
    k1: ArrayLike, e1: ArrayLike, k2: ArrayLike, e2: ArrayLike, alpha: float = 0.05
):
    """Score interval of k1/e1 - k2/e2 (two Poisson rates), per unit of exposure; undefined
    with no events in either."""
    return _two_rates(k1, e1, k2, e2, alpha, "diff", "score", lambda a, b: (a + b) > 0)


def rate_ratio_interval(
    k1: ArrayLike, e1: ArrayLike, k2: ArrayLike, e2: ArrayLike, alpha: float = 0.05
):
    """MOVER interval of (k1/e1) / (k2/e2) (two Poisson rates); undefined with no events in
    the reference group."""
    return _two_rates(k1, e1, k2, e2, alpha, "ratio", "mover", lambda a, b: b > 0)


def compared_strata(
    k1: ArrayLike, n1: ArrayLike, k0: ArrayLike, n0: ArrayLike, events: bool
) -> np.ndarray:
    """Which strata a comparison within strata uses (one bool per stratum): those where
    both groups are there (a base, persons or exposure, above 0), and, for a ratio
    (`events`), where either group has an event: a stratum without events tells nothing
    about a ratio. The secondary suppression (pipeline/suppression.py,
    comparison_components) asks the same of the published cells, to know which cells a
    comparison is computed from.

    A stratum is never left out for being small. A comparison shown beside a stratum left
    out for its size would tell that the stratum's hidden cells are small, and with their
    sum (a published total minus the shown cells) that can pin them: two target groups
    left out, whose hidden non-Western persons sum to 8, hold 4 each (found by review in
    December 2026, tests/test_suppression.py). Leaving out a stratum without events tells
    only that its counts are 0, which its published totals already give."""
    k1, n1, k0, n0 = _arrays(k1, n1, k0, n0)
    with np.errstate(invalid="ignore"):
        there = (n1 > 0) & (n0 > 0)
        return there & ((k1 + k0) > 0) if events else there


def rate_ratio_within_strata(
    k1: ArrayLike, e1: ArrayLike, k0: ArrayLike, e0: ArrayLike, alpha: float = 0.05
) -> tuple[float, float, float]:
    """The rate ratio of group 1 to group 0 within strata (one element per stratum: events
    and exposure of each group), with its interval: (estimate, lower, upper). NaN where it
    is undefined (no events in the reference group over all strata). A stratum without
    exposure in both groups, or without events in both, tells nothing about the ratio and is
    left out. With no events in group 1 the regression has no finite coefficient: the
    estimate is 0 and the interval runs from 0 to the exact conditional upper bound
    (_upper_bound_without_events), as the MOVER interval of one pair does."""
    # GLM alone: statsmodels.api imports the whole library (1.8 s against 1.4 s here), once
    # in each dbt process that computes an interval
    from statsmodels.genmod import families
    from statsmodels.genmod.generalized_linear_model import GLM

    k1, e1, k0, e0 = _arrays(k1, e1, k0, e0)
    keep = _is_rate(k1, e1) & _is_rate(k0, e0) & compared_strata(k1, e1, k0, e0, events=True)
    k1, e1, k0, e0 = k1[keep], e1[keep], k0[keep], e0[keep]
    if not k1.size or k0.sum() == 0:
        return np.nan, np.nan, np.nan
    if k1.sum() == 0:
        return 0.0, 0.0, _upper_bound_without_events(k0, e1, e0, alpha)
    n = k1.size
    design = np.column_stack([np.r_[np.ones(n), np.zeros(n)], np.vstack([np.eye(n)] * 2)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # one stratum is a saturated model: no dispersion
        fit = GLM(
            np.r_[k1, k0], design, family=families.Poisson(), offset=np.log(np.r_[e1, e0])
        ).fit()
    low, high = fit.conf_int(alpha)[0]
    return float(np.exp(fit.params[0])), float(np.exp(low)), float(np.exp(high))


def share_difference_within_strata(
    k1: ArrayLike, n1: ArrayLike, k0: ArrayLike, n0: ArrayLike, alpha: float = 0.05
) -> tuple[float, float, float]:
    """The difference of group 1's share and group 0's compared within strata (one element
    per stratum: k flagged of n persons in each group), with its interval: (estimate,
    lower, upper), as shares (-1..1). The coefficient of the group in a linear probability
    model with a fixed effect per stratum, fitted by least squares to the persons: it is the
    Mantel-Haenszel weighted mean of the strata's differences (weights n1 n0 / (n1 + n0);
    Rothman, Greenland and Lash, "Modern Epidemiology", 3rd ed., ch. 15), and its interval
    comes from the heteroskedasticity-robust (HC0) covariance, which for one stratum is the
    Wald interval of the crude difference, cut to the differences there can be (-1..1). The
    persons enter as frequency weights of their cells (each group's flagged and other
    persons in each stratum: statsmodels GLM, Gaussian family, freq_weights), the same fit
    as one row per person in a fraction of the time. A stratum without persons in both
    groups compares nothing and is left out. NaN where undefined: no stratum left, or in
    every group of every stratum nobody or everybody flagged, where there is no variance to
    measure the uncertainty by."""
    # GLM alone: statsmodels.api imports the whole library (1.8 s against 1.4 s here), once
    # in each dbt process that computes an interval
    from statsmodels.genmod import families
    from statsmodels.genmod.generalized_linear_model import GLM

    k1, n1, k0, n0 = _arrays(k1, n1, k0, n0)
    keep = _is_share(k1, n1) & _is_share(k0, n0) & compared_strata(k1, n1, k0, n0, events=False)
    k1, n1, k0, n0 = k1[keep], n1[keep], k0[keep], n0[keep]
    flagged = np.r_[k1, k0]
    persons = np.r_[n1, n0]
    if not k1.size or np.all((flagged == 0) | (flagged == persons)):
        return np.nan, np.nan, np.nan
    # one row per group, stratum and outcome (flagged 1, not 0), weighted by its persons
    group = np.tile(np.r_[np.ones(k1.size), np.zeros(k1.size)], 2)
    strata = np.tile(np.arange(k1.size), 4)
    outcome = np.r_[np.ones(2 * k1.size), np.zeros(2 * k1.size)]
    weight = np.r_[flagged, persons - flagged]
    cells = weight > 0
    design = np.column_stack([group, np.eye(k1.size)[strata]])[cells]
    fit = GLM(outcome[cells], design, family=families.Gaussian(), freq_weights=weight[cells]).fit(
        cov_type="HC0"
    )
    low, high = np.clip(fit.conf_int(alpha)[0], -1.0, 1.0)
    return float(fit.params[0]), float(low), float(high)


class AtMix(NamedTuple):
    """share_at_mix_of_group_1's result: shares (0-1), group 1's persons compared, and group
    0's own share and persons over the same strata (so that share_before -> expected is what
    the mix changed, expected -> share what it does not explain)."""

    difference: float
    lower: float
    upper: float
    share: float
    expected: float
    persons: float
    share_before: float
    persons_before: float


def share_at_mix_of_group_1(
    k1: ArrayLike, n1: ArrayLike, k0: ArrayLike, n0: ArrayLike, alpha: float = 0.05
) -> AtMix:
    """Group 1's share against the share group 0's strata would give at group 1's mix of
    strata (one element per stratum: k flagged of n persons in each group): the difference
    with its interval, group 1's share, the expected share and group 1's persons in the
    strata compared. Only strata with persons in both groups (compared_strata) are used,
    for both shares and the persons. The difference's interval is the MOVER interval of
    sum_s w_s p1_s - sum_s w_s p0_s, w_s = n1_s / sum n1, from each cell's Wilson interval
    (l, u): d - sqrt(sum w^2 ((p1 - l1)^2 + (u0 - p0)^2)) to
    d + sqrt(sum w^2 ((u1 - p1)^2 + (p0 - l0)^2)), cut to -1..1. The groups are taken as
    independent; where the same persons are in both (a month and the same month a year
    before), their outcomes are positively correlated if at all, and the interval errs on
    the wide side. NaN where no stratum is left."""
    from statsmodels.stats.proportion import proportion_confint

    k1, n1, k0, n0 = _arrays(k1, n1, k0, n0)
    keep = _is_share(k1, n1) & _is_share(k0, n0) & compared_strata(k1, n1, k0, n0, events=False)
    k1, n1, k0, n0 = k1[keep], n1[keep], k0[keep], n0[keep]
    if not k1.size:
        return AtMix(np.nan, np.nan, np.nan, np.nan, np.nan, 0.0, np.nan, 0.0)
    weights = n1 / n1.sum()
    p1, p0 = k1 / n1, k0 / n0
    share, expected = float(k1.sum() / n1.sum()), float(np.sum(weights * p0))
    before = float(k0.sum() / n0.sum())
    l1, u1 = proportion_confint(k1, n1, alpha=alpha, method="wilson")
    l0, u0 = proportion_confint(k0, n0, alpha=alpha, method="wilson")
    difference = float(np.sum(weights * (p1 - p0)))
    low = difference - np.sqrt(np.sum(weights**2 * ((p1 - l1) ** 2 + (u0 - p0) ** 2)))
    high = difference + np.sqrt(np.sum(weights**2 * ((u1 - p1) ** 2 + (p0 - l0) ** 2)))
    low, high = float(np.clip(low, -1.0, 1.0)), float(np.clip(high, -1.0, 1.0))
    return AtMix(difference, low, high, share, expected, n1.sum(), before, n0.sum())


def _upper_bound_without_events(k0: np.ndarray, e1: np.ndarray, e0: np.ndarray, alpha: float):
    """The exact conditional upper bound of the rate ratio within strata when group 1 has no
    event in any stratum. Given a stratum's n events in all, group 1's share of them is
    binomial with p = e1 R / (e1 R + e0) (Breslow and Day, ch. 4, the conditional
    likelihood), so no event in group 1 anywhere has probability prod (e0 / (e1 R + e0))^n,
    falling in R; the bound is the R where it is alpha / 2 (scipy's brentq). One stratum gives
    Clopper and Pearson's bound on p turned into a ratio."""
    from scipy.optimize import brentq

    target = np.log(alpha / 2)

    def excess(log_ratio: float) -> float:
        return float(np.sum(k0 * np.log(e0 / (e1 * np.exp(log_ratio) + e0)))) - target

    # excess falls from -target > 0 (a ratio of 0) towards minus infinity: widen the bracket
    # until it holds the root, whatever the exposures' ratio
    low, high = -1.0, 1.0
    while excess(low) <= 0:
        low *= 2
    while excess(high) >= 0:
        high *= 2
    return float(np.exp(brentq(excess, low, high, xtol=1e-12)))
