-- Each indicator with a projection (fct_indicator_forecast): where it stands and where it is
-- heading, in one row for the report, the workbook and the alerts. The status period's value
-- and goal, the value projected var('projection_horizon_months') (12) months ahead with its
-- 95 % interval, whether that is on course, the model and its back-test error; and, for a
-- share with a target, what it takes: how many more persons in the numerator (fewer, where
-- lower is better) would have met the target in the status period with the same denominator
-- ("what it takes", issue 15 §4).
with

forecasts as (
    select * from {{ ref('fct_indicator_forecast') }}
    where horizon = {{ var('projection_horizon_months') }}
),

status as (
    select * from {{ ref('fct_indicator_status') }}
),

values_at_status as (
    select
        indicator_values.indicator_id,
        indicator_values.numerator,
        indicator_values.denominator
    from {{ ref('fct_indicator_values') }} as indicator_values
    inner join status
        on
            indicator_values.indicator_id = status.indicator_id
            and indicator_values.period = status.period
            and indicator_values.period_type = status.period_type
    where
        indicator_values.area_code = {{ var('home_municipality') }}
        and indicator_values.breakdown = 'total'
        and not indicator_values.is_suppressed
),

joined as (
    select
        forecasts.indicator_id,
        forecasts.area_code,
        forecasts.history_until as status_period,
        status.value as status_value,
        status.unit,
        status.direction,
        status.target_operator,
        status.target_value,
        status.target_tolerance,
        status.comparator_value,
        status.comparator_lower,
        status.comparator_upper,
        forecasts.period as forecast_period,
        forecasts.forecast,
        forecasts.lower,
        forecasts.upper,
        forecasts.model,
        forecasts.model_da,
        forecasts.backtest_mae,
        forecasts.n_history,
        values_at_status.numerator,
        values_at_status.denominator
    from forecasts
    inner join status on forecasts.indicator_id = status.indicator_id
    left join values_at_status on forecasts.indicator_id = values_at_status.indicator_id
),

-- The course is judged as the status is (macros/status.sql, fct_indicator_status), with the
-- projection's interval at that horizon in place of the value's: the whole interval on the
-- better side of the goal ("på kurs"; a target may be met on its mark, a comparator must be
-- beaten), the whole interval on the worse side ("ikke på kurs"), else "usikker".
gaps as (
    select
        *,
        {{ worst_gap('lower', 'upper') }} as gap_worst,
        {{ best_gap('lower', 'upper') }} as gap_best
    from joined
),

judged as (
    select
        *,
        case when target_operator is not null then target_value else comparator_value end
            as goal,
        case
            when gap_worst is null then null
            {{ verdict_branches('på kurs', 'ikke på kurs', 'usikker') }}
        end as on_course
    from gaps
),

final as (
    select
        indicator_id,
        area_code,
        status_period,
        status_value,
        goal,
        forecast_period,
        forecast,
        lower,
        upper,
        on_course,
        model,
        model_da,
        backtest_mae,
        n_history,
        case
            when unit <> 'pct' or denominator is null or denominator <= 0 then null
            when target_operator = '>=' then greatest(0, ceil(goal / 100 * denominator - numerator))
            when target_operator = '<=' then greatest(0, ceil(numerator - goal / 100 * denominator))
        end::integer as count_to_target,
        case when unit = 'pct' then round(denominator) end::integer as share_base
    from judged
)

select * from final
