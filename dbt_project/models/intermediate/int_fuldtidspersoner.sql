-- Fuldtidspersoner (full-time equivalents) per month and benefit group of public support:
-- the person-weeks on the benefit (counted on payment periods) divided by the weeks in the
-- month. A week belongs
-- to the month of its Thursday; the weeks of a month come from int_calendar_months.
-- Month-incremental (macro rebuilt_months): a month sums that month's weeks only.
{{
    config(
        materialized='incremental',
        incremental_strategy='replace_rebuilt_months',
        on_schema_change='fail',
        meta={'rebuild': {'month_column': 'month_date', 'months_ahead': 0}},
    )
}}

with

payment_periods as (
    select * from {{ ref('int_benefit_payment_periods') }}
),

calendar as (
    select * from {{ ref('int_calendar_months') }}
    where {{ rebuilt_months('month_date') }}
),

ydelse_groups as (
    select ydelse_group from {{ ref('ydelse_groups') }}
    where is_public_support
),

-- On payment periods, not on the person-weeks: each period's weeks in each month it overlaps.
weeks_on_benefit as (
    select
        calendar.month_date,
        payment_periods.ydelse_group,
        sum(
            least(payment_periods.end_week_number, calendar.last_week_number)
            - greatest(payment_periods.start_week_number, calendar.first_week_number)
            + 1
        ) as n_person_weeks
    from payment_periods
    inner join calendar
        on
            payment_periods.end_week_number >= calendar.first_week_number
            and payment_periods.start_week_number <= calendar.last_week_number
    group by calendar.month_date, payment_periods.ydelse_group
),

final as (
    select
        calendar.month_date,
        ydelse_groups.ydelse_group,
        calendar.n_weeks_in_month,
        coalesce(weeks_on_benefit.n_person_weeks, 0) as n_person_weeks,
        coalesce(weeks_on_benefit.n_person_weeks, 0) / calendar.n_weeks_in_month
            as fuldtidspersoner,
        {{ newest_load() }} as loaded_through
    from calendar
    cross join ydelse_groups
    left join weeks_on_benefit
        on
            calendar.month_date = weeks_on_benefit.month_date
            and ydelse_groups.ydelse_group = weeks_on_benefit.ydelse_group
)

select * from final
