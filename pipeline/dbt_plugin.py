"""A dbt-duckdb plugin: the interval functions of pipeline/stats.py as DuckDB functions.

dbt-duckdb calls `Plugin.configure_connection` on every connection it opens (models, tests,
unit tests), so that SQL can call, e.g., `ci_share_low(numerator, denominator, 0.05)`.
profiles.yml names the plugin. The functions are vectorised (Arrow batches in, out); a
NULL or meaningless input gives NULL. The published analytics file holds only their
results: analysts need no plugin to read it.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable

import duckdb
import numpy as np
import pyarrow as pa
from dbt.adapters.duckdb.plugins import BasePlugin

from pipeline import stats

DOUBLE = duckdb.sqltype("DOUBLE")

# name -> (function of pipeline.stats, number of value arguments before alpha)
INTERVALS: dict[str, tuple[Callable, int]] = {
    "ci_share": (stats.share_interval, 2),
    "ci_count": (stats.count_interval, 1),
    "ci_share_diff": (stats.share_difference_interval, 4),
    "ci_count_diff": (stats.count_difference_interval, 4),
    "ci_rate_ratio": (stats.rate_ratio_interval, 4),
}


# name -> function of pipeline.stats combining intervals already computed (their level is
# theirs: no alpha), and its number of arguments
FROM_INTERVALS: dict[str, tuple[Callable, int]] = {
    "ci_diff_of": (stats.difference_interval, 6),
}


def _bound(fn: Callable, n_values: int, which: int, alpha_given: bool = True) -> Callable:
    def compute(*columns: pa.Array) -> pa.Array:
        values = [np.asarray(c.to_numpy(zero_copy_only=False), dtype="float64") for c in columns]
        if not alpha_given:
            bound = fn(*values)[which]
            return pa.array(bound, type=pa.float64(), from_pandas=True)  # NaN -> NULL
        alphas = values[n_values]
        if not alphas.size:  # no rows
            return pa.array([], type=pa.float64())
        if np.isnan(alphas).any():  # an unset var: no level is guessed
            raise ValueError("an interval's alpha is NULL")
        alpha = float(alphas[0])
        if not np.all(alphas == alpha):
            raise ValueError(f"one alpha per call, got {sorted(set(alphas.tolist()))}")
        bound = fn(*values[:n_values], alpha=alpha)[which]
        return pa.array(bound, type=pa.float64(), from_pandas=True)  # NaN -> NULL

    # DuckDB reads the arity from the signature: one named parameter per argument
    arities: dict[int, Callable] = {
        2: lambda a, b: compute(a, b),
        3: lambda a, b, c: compute(a, b, c),
        5: lambda a, b, c, d, e: compute(a, b, c, d, e),
        6: lambda a, b, c, d, e, f: compute(a, b, c, d, e, f),
    }
    return arities[n_values + alpha_given]


# name -> a comparison of two groups within strata of pipeline.stats, called with one list
# per argument (one element per stratum) and alpha: [estimate, lower, upper] (and for
# share_at_mix_of_group_1 the two shares compared after them)
WITHIN_STRATA: dict[str, Callable] = {
    "rate_ratio_within_strata": stats.rate_ratio_within_strata,
    "share_difference_within_strata": stats.share_difference_within_strata,
    "share_at_mix_of_group_1": stats.share_at_mix_of_group_1,
}


def _within_strata(fn: Callable) -> Callable:
    def compute(k1: pa.Array, n1: pa.Array, k0: pa.Array, n0: pa.Array, alpha: pa.Array):
        """`fn` for each row's lists (one element per stratum)."""
        rows = zip(*(c.to_pylist() for c in (k1, n1, k0, n0, alpha)), strict=True)
        result = []
        for a, t1, b, t0, level in rows:
            if None in (a, t1, b, t0):
                result.append(None)
                continue
            if level is None:  # an unset var: no level is guessed
                raise ValueError("an interval's alpha is NULL")
            estimate = fn(a, t1, b, t0, alpha=level)
            # an estimate without an interval keeps it, with NULL bounds (not NaN)
            result.append(
                None if np.isnan(estimate[0]) else [None if np.isnan(x) else x for x in estimate]
            )
        return pa.array(result, type=pa.list_(pa.float64()))

    return compute


def register(con: duckdb.DuckDBPyConnection) -> None:
    """Create `<name>_low` and `<name>_high` for each interval on `con`, and each comparison
    within strata: `<name>(k1[], n1[], k0[], n0[], alpha)` -> [estimate, lower, upper]."""
    doubles = duckdb.list_type(DOUBLE)
    for name, fn in WITHIN_STRATA.items():
        con.create_function(
            name,
            _within_strata(fn),
            [doubles, doubles, doubles, doubles, DOUBLE],
            doubles,
            type="arrow",
            null_handling="special",
            side_effects=False,
        )
    functions = [(name, fn, n, True) for name, (fn, n) in INTERVALS.items()]
    functions += [(name, fn, n, False) for name, (fn, n) in FROM_INTERVALS.items()]
    for name, fn, n_values, alpha_given in functions:
        for which, suffix in enumerate(("low", "high")):
            con.create_function(
                f"{name}_{suffix}",
                _bound(fn, n_values, which, alpha_given),
                [DOUBLE] * (n_values + alpha_given),
                DOUBLE,
                type="arrow",
                null_handling="special",
                side_effects=False,
            )


# what pipeline/stats.py and pipeline/forecast.py import when first called: about 1.2 s on
# two cores, which the first model computing an interval (5.0, 5.4, in parallel) used to
# spend waiting on the critical path of every build
WARM_IMPORTS = (
    "statsmodels.stats.proportion",
    "statsmodels.stats.rates",
    "statsmodels.genmod.generalized_linear_model",
    "scipy.optimize",
    "statsmodels.tsa.exponential_smoothing.ets",
)


def _warm_imports() -> None:
    for name in WARM_IMPORTS:
        importlib.import_module(name)


class Plugin(BasePlugin):
    def initialize(self, plugin_config: dict) -> None:
        """Import the statistics libraries in the background while the build's first models
        (staging, spells) run in DuckDB, so that the first interval finds them imported
        (Python's per-module import locks make a model that needs one wait for it, not
        import it twice). (A refresh's dbt ends with the refresh from its start:
        pipeline/lifetime.py.)"""
        threading.Thread(target=_warm_imports, name="warm-imports", daemon=True).start()

    def configure_connection(self, conn: duckdb.DuckDBPyConnection) -> None:
        register(conn)
