-- Fuldtidspersoner (full-time equivalents) per month and benefit group: the person-weeks on
-- the benefit divided by the weeks in the month. A week belongs to the month of its
-- Thursday; the weeks of a month are counted from the calendar, not from the data, so a
-- month in which few weeks have recipients is not inflated.
with

person_weeks as (
    select * from {{ ref('stg_benefit_register__person_weeks') }}
),

ydelse_codes as (
    select * from {{ ref('ydelse_codes') }}
),

register_window as (
    select
        min(week_number) as first_week_number,
        max(week_number) as last_week_number
    from person_weeks
),

calendar as (
    select
        {{ week_month(week_start_from_number('week_number')) }} as month_date,
        count(*) as n_weeks_in_month
    from (
        select unnest(range(first_week_number, last_week_number + 1)) as week_number
        from register_window
    ) as register_weeks
    group by month_date
),

ydelse_groups as (
    select distinct ydelse_group from ydelse_codes
),

weeks_on_benefit as (
    select
        month_date,
        ydelse_group,
        count(*) as n_person_weeks
    from person_weeks
    group by month_date, ydelse_group
),

final as (
    select
        calendar.month_date,
        ydelse_groups.ydelse_group,
        calendar.n_weeks_in_month,
        coalesce(weeks_on_benefit.n_person_weeks, 0) as n_person_weeks,
        coalesce(weeks_on_benefit.n_person_weeks, 0) / calendar.n_weeks_in_month
            as fuldtidspersoner
    from calendar
    cross join ydelse_groups
    left join weeks_on_benefit
        on
            calendar.month_date = weeks_on_benefit.month_date
            and ydelse_groups.ydelse_group = weeks_on_benefit.ydelse_group
)

select * from final
