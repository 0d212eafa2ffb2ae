"""A projection of each indicator HORIZON months ahead (var projection_horizon_months, 12),
to judge whether its goal will be met on the current course (issue 15, section 4).

The models are statsmodels' exponential smoothing state space models (ETSModel, Hyndman et
al., "Forecasting with Exponential Smoothing", 2008): additive errors; no trend or a damped
additive trend; no season or an additive 12-month season where the history holds at least
three years. Each indicator's model is the candidate with the smallest mean absolute error in
a back-test on its own history: forecasts made from earlier months (every third month of the
last year, each as far ahead as the history reaches, up to HORIZON months) against what came. That
error is published beside the forecast, so a reader sees how far the method has missed here
before. The interval is the model's 95 % prediction interval.

A share (unit pct) stays within 0-100: its forecast and interval are cut there.

Whether the goal is met on this course is judged from the interval in SQL, by the rule the
statuses use (fct_indicator_outlook, macros/status.sql). A projection needs
`MIN_HISTORY` consecutive months with a value; a shorter or broken series gets none.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from pipeline.blas import one_blas_thread
from pipeline.config import dbt_var

HORIZON = dbt_var("projection_horizon_months")  # months ahead (dbt_project.yml)
MIN_HISTORY = 18
MIN_SEASONAL_HISTORY = 36
BACKTEST_ORIGINS = (12, 9, 6, 3)  # months before the end of the history
MIN_TRAIN = 12  # months a back-test forecast is made from, at least
MIN_SEASONAL_TRAIN = 24  # two seasons


@dataclass(frozen=True)
class Candidate:
    name: str  # ETS(error, trend, season) in Hyndman's notation
    trend: str | None
    seasonal: str | None
    name_da: str  # what the committee reads


CANDIDATES = (
    Candidate("ETS(A,N,N)", None, None, "eksponentiel udglatning af niveauet"),
    Candidate("ETS(A,Ad,N)", "add", None, "eksponentiel udglatning med dæmpet trend"),
    Candidate("ETS(A,N,A)", None, "add", "eksponentiel udglatning med sæson"),
    Candidate("ETS(A,Ad,A)", "add", "add", "eksponentiel udglatning med dæmpet trend og sæson"),
)


def _fit(y: np.ndarray, candidate: Candidate, point_forecasts_only: bool = False):
    """The candidate's maximum-likelihood fit on y. `point_forecasts_only`: for the
    back-test, which reads only point forecasts (the same parameters and forecasts)."""
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    model_class = _point_forecast_model() if point_forecasts_only else ETSModel
    model = model_class(
        pd.Series(y, dtype="float64"),  # positions as the index: forecasts by position
        error="add",
        trend=candidate.trend,
        damped_trend=candidate.trend is not None,
        seasonal=candidate.seasonal,
        seasonal_periods=12 if candidate.seasonal else None,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence notes on short series
        return model.fit(disp=False)


@cache
def _point_forecast_model():
    """ETSModel whose fitted results skip the parameters' covariance matrix. statsmodels
    computes it for every fit (a numerical Hessian of the likelihood: about a sixth of the
    forecast's time, over a hundred back-test fits); only the parameters' standard errors
    read it. A point forecast is the model's simulation without errors from its last states
    (ETSResults.forecast), which never does; the final fit, whose prediction interval is
    published, is statsmodels' own (the interval comes from the model's forecast variance)."""
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel, ETSResults, ETSResultsWrapper

    class PointForecastResults(ETSResults):
        @property
        def cov_params_approx(self):
            n = len(self.params)
            return np.full((n, n), np.nan)

    class PointForecastETSModel(ETSModel):
        @property
        def _res_classes(self):
            return {"fit": (PointForecastResults, ETSResultsWrapper)}

    return PointForecastETSModel


def candidates_for(n: int) -> list[Candidate]:
    """The models a history of n months can carry: a season needs three years."""
    return [c for c in CANDIDATES if c.seasonal is None or n >= MIN_SEASONAL_HISTORY]


def backtest_error(y: np.ndarray, candidate: Candidate, horizon: int = HORIZON) -> float:
    """Mean absolute error of the candidate's forecasts from earlier origins (the history up
    to `origin` months before its end), each up to `horizon` months ahead, against what came."""
    errors: list[np.ndarray] = []
    for back in BACKTEST_ORIGINS:
        train = y[: len(y) - back]
        if len(train) < (MIN_SEASONAL_TRAIN if candidate.seasonal else MIN_TRAIN):
            continue
        actual = y[len(y) - back : len(y) - back + horizon]
        predicted = np.asarray(
            _fit(train, candidate, point_forecasts_only=True).forecast(len(actual))
        )
        errors.append(np.abs(predicted - actual))
    if not errors:
        return float("nan")
    return float(np.mean(np.concatenate(errors)))


@dataclass
class Projection:
    model: str
    model_da: str
    backtest_mae: float
    n_history: int
    frame: pd.DataFrame  # period, horizon, forecast, lower, upper


def project(series: pd.Series, alpha: float, horizon: int = HORIZON) -> Projection | None:
    """The chosen model's forecast of a monthly series (index: first days of months, in
    order) `horizon` months past its last month, with its prediction interval; None when the
    series is too short."""
    y = series.to_numpy(dtype="float64")
    if len(y) < MIN_HISTORY or not np.all(np.isfinite(y)):
        return None
    scored = [(backtest_error(y, c, horizon), c) for c in candidates_for(len(y))]
    scored = [(e, c) for e, c in scored if np.isfinite(e)]
    if not scored:
        return None
    error, chosen = min(scored, key=lambda ec: ec[0])
    fitted = _fit(y, chosen)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = fitted.get_prediction(start=len(y), end=len(y) + horizon - 1).summary_frame(
            alpha=alpha
        )
    last = pd.Timestamp(series.index[-1])
    periods = [(last + pd.DateOffset(months=h)).date() for h in range(1, horizon + 1)]
    out = pd.DataFrame(
        {
            "period": periods,
            "horizon": np.arange(1, horizon + 1),
            "forecast": frame["mean"].to_numpy(),
            "lower": frame["pi_lower"].to_numpy(),
            "upper": frame["pi_upper"].to_numpy(),
        }
    )
    return Projection(chosen.name, chosen.name_da, error, len(y), out)


def longest_recent_run(series: pd.Series) -> pd.Series:
    """The consecutive months with a value that end with the series' last month."""
    s = series.sort_index()
    months = pd.PeriodIndex(pd.to_datetime(s.index), freq="M")
    ok = s.notna().to_numpy()
    if not len(s) or not ok[-1]:
        return s.iloc[0:0]
    start = len(s) - 1
    while start > 0 and ok[start - 1] and (months[start] - months[start - 1]).n == 1:
        start -= 1
    return s.iloc[start:]


@one_blas_thread
def forecast_indicators(
    values: pd.DataFrame, indicators: pd.DataFrame, alpha: float, horizon: int = HORIZON
) -> pd.DataFrame:
    """One row per indicator and month ahead. `values`: Ballerup's total rows (indicator_id,
    period, value) up to each indicator's status period; `indicators`: those to project
    (indicator_id, unit); `alpha`: 1 - the prediction interval's level (the dbt var
    interval_alpha, as every interval of the project); `horizon`: the months ahead (the dbt var
    projection_horizon_months)."""
    rows = []
    for indicator in indicators.itertuples(index=False):
        own = values[values.indicator_id == indicator.indicator_id]
        series = longest_recent_run(own.set_index("period")["value"])
        projection = project(series, alpha, horizon)
        if projection is None:
            continue
        if indicator.unit == "pct":
            for column in ("forecast", "lower", "upper"):
                projection.frame[column] = projection.frame[column].clip(0.0, 100.0)
        frame = projection.frame.assign(
            indicator_id=indicator.indicator_id,
            model=projection.model,
            model_da=projection.model_da,
            backtest_mae=projection.backtest_mae,
            n_history=projection.n_history,
            history_until=series.index[-1],
        )
        rows.append(frame)
    columns = [
        "indicator_id",
        "period",
        "horizon",
        "forecast",
        "lower",
        "upper",
        "model",
        "model_da",
        "backtest_mae",
        "n_history",
        "history_until",
    ]
    if not rows:
        return pd.DataFrame(columns=columns)
    return pd.concat(rows, ignore_index=True)[columns]
