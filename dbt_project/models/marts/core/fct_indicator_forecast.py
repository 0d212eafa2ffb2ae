"""Each indicator with a goal, projected var projection_horizon_months (12) months past the month
its status is for, with the 95 % prediction interval, the model chosen by back-testing on its own
history and that model's back-test error (pipeline/forecast.py). A dbt Python model: statsmodels
fits the models. Whether the goal is met on this course: fct_indicator_outlook.

The series is the home municipality's published total (suppressed months are gaps, and a
projection starts after the last gap) up to the status period, so provisional months, which
the sources still revise, are not projected from; and only since the last reform that
breaks the series (fct_indicator_values.series_since_reform_id), so an indicator with fewer
months since then than a projection needs gets none. The goal is the target valid then, or,
without a target, the comparator's value in that period (the country's level: the strategy's
"på landsniveau"). A rank (2.1) is not projected, nor an indicator whose focus area has no
goal (Overordnet: its comparator is for orientation) or that sets no direction (3.3: the
country's figure beside it is for orientation). The goal is judged in
fct_indicator_outlook."""

import pandas as pd

from pipeline.forecast import forecast_indicators
from pipeline.frames import frame


def model(dbt, session):
    dbt.config(materialized="table")
    home = int(dbt.config.get("home_municipality"))
    alpha = float(dbt.config.get("interval_alpha"))
    horizon = int(dbt.config.get("projection_horizon_months"))
    status = frame(dbt.ref("fct_indicator_status"))
    # the home municipality's totals, selected in DuckDB: the whole table (every area) took
    # 0.8 s into pandas at 30 M person-weeks, the totals 0.01 s
    values = frame(
        dbt.ref("fct_indicator_values")
        .filter(
            f"area_code = {home} and breakdown = 'total' "
            "and period_type in ('month', 'rolling_year')"
        )
    )

    # indicators with a goal and a direction, and a target or a comparator value in their
    # status period
    projected = status[
        status.period.notna()
        & (status.unit != "rank")
        & status.has_goal
        & (status.direction != "none")
        & (status.target_operator.notna() | status.comparator_value.notna())
    ][["indicator_id", "unit", "period", "period_type"]]

    # the status's period type only: a month and a rolling year dated alike are two series
    totals = values.merge(
        projected[["indicator_id", "period", "period_type"]],
        on=["indicator_id", "period_type"],
        suffixes=("", "_status"),
    )
    totals = totals[totals.period <= totals.period_status]
    # only the series the status period belongs to: months before a reform that breaks the
    # indicator (series_since_reform_id) measure something else, and a model fitted across
    # the break would project the break, not the course
    current = totals.loc[
        totals.period == totals.period_status, ["indicator_id", "series_since_reform_id"]
    ].rename(columns={"series_since_reform_id": "current_series"})
    totals = totals.merge(current, on="indicator_id", how="left")
    totals = totals[totals.series_since_reform_id.fillna("") == totals.current_series.fillna("")]
    # a suppressed month is a gap: no value, whatever the warehouse holds
    totals = totals.assign(value=totals.value.where(~totals.is_suppressed.fillna(False)))
    totals["period"] = pd.to_datetime(totals.period)

    out = forecast_indicators(
        totals[["indicator_id", "period", "value"]], projected, alpha, horizon
    )
    out["period"] = pd.to_datetime(out.period).dt.date
    out["history_until"] = pd.to_datetime(out.history_until).dt.date
    out["area_code"] = home
    # as the other marts publish: no float noise past the fourth decimal
    for column in ("forecast", "lower", "upper", "backtest_mae"):
        out[column] = out[column].astype("float64").round(4)
    return out.astype(
        {
            "indicator_id": "string",
            "horizon": "int32",
            "forecast": "float64",
            "lower": "float64",
            "upper": "float64",
            "model": "string",
            "model_da": "string",
            "backtest_mae": "float64",
            "n_history": "int32",
            "area_code": "int32",
        }
    )
