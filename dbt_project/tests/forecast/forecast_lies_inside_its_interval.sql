-- A projection has and lies inside its own prediction interval, and the interval widens (or
-- stays) with the horizon for a model without a season: fails on a misread statsmodels
-- result (columns swapped) or a clip that cut the forecast. The interval's level (var
-- interval_alpha) is not visible here: tests/test_forecast.py
-- test_the_interval_is_at_the_level_asked_for holds it.
select
    forecast.indicator_id,
    forecast.horizon,
    forecast.forecast,
    forecast.lower,
    forecast.upper
from {{ ref('fct_indicator_forecast') }} as forecast
left join {{ ref('fct_indicator_forecast') }} as earlier
    on
        forecast.indicator_id = earlier.indicator_id
        and forecast.horizon = earlier.horizon + 1
where
    -- a projection without its interval, or outside it
    forecast.forecast is null
    or forecast.lower is null
    or forecast.upper is null
    or not (forecast.lower <= forecast.forecast and forecast.forecast <= forecast.upper)
    or (
        forecast.model not like '%,A)'
        -- the bounds are published to 4 decimals: each rounding moves a width by up to 1e-4
        and forecast.upper - forecast.lower < earlier.upper - earlier.lower - 2e-4
        -- a share's interval is cut at 0 and 100 (pipeline/forecast.py): not there
        and forecast.lower > 0
        and earlier.lower > 0
        and forecast.upper < 100
        and earlier.upper < 100
    )
