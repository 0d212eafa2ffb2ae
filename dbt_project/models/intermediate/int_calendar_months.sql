-- The months of the register: each month's first and last week number and its number of
-- weeks (a week belongs to the month of its Thursday). Counted from the calendar, not from
-- the data, so a month in which few weeks have recipients is not inflated.
with

payment_periods as (
    select * from {{ ref('int_benefit_payment_periods') }}
),

register_window as (
    select
        min(start_week_number) as first_week_number,
        max(end_week_number) as last_week_number
    from payment_periods
),

register_weeks as (
    select unnest(range(first_week_number, last_week_number + 1)) as week_number
    from register_window
),

final as (
    select
        {{ week_month(week_start_from_number('register_weeks.week_number')) }} as month_date,
        min(register_weeks.week_number) as first_week_number,
        max(register_weeks.week_number) as last_week_number,
        count(*) as n_weeks_in_month,
        min(register_weeks.week_number) = any_value(register_window.first_week_number)
            as is_first_month
    from register_weeks
    cross join register_window
    group by month_date
)

select * from final
