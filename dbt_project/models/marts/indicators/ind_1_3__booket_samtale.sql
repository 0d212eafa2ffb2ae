-- 1.3 Andelen borgere, der har en booket samtale eller modtaget frist for selvbook: at each
-- month's end, of citizens in an active course (on a benefit in the month's last week, in a
-- target group the jobcentre follows up: the mapping seed's is_active_course), the share
-- with a meeting booked for a later day or an open self-booking deadline; per target group
-- and in all.
-- Month-incremental (macro rebuilt_months): a month's end is judged by what was booked by then.
{{
    config(
        materialized='incremental',
        incremental_strategy='replace_rebuilt_months',
        on_schema_change='fail',
        meta={'rebuild': {'month_column': 'period', 'months_ahead': 0}},
    )
}}

with

-- the target group a person is in, week by week, defined once (int_target_group_periods:
-- a week's group is the one valid on its Thursday), by person and month
person_months as (
    select * from {{ ref('int_person_months') }}
    where {{ rebuilt_months('month_date') }}
),

meetings as (
    select * from {{ ref('stg_case_system__meetings') }}
),

deadlines as (
    select * from {{ ref('stg_case_system__self_booking_deadlines') }}
),

calendar as (
    select
        month_date,
        last_week_number
    from {{ ref('int_calendar_months') }}
),

-- in an active course at the month's end: paid, in such a target group, in its last week;
-- each person once, under one target group (macro latest_target_group, as 1.1, 3.1, 5.4 and
-- 5.6), so that the groups add up to the total and no one counts twice in it
in_active_course as (
    select
        person_months.person_key,
        person_months.month_date as period,
        person_months.maalgruppe_code,
        (person_months.month_date + interval 1 month - interval 1 day)::date as month_end_date
    from person_months
    inner join calendar
        on
            person_months.month_date = calendar.month_date
            and person_months.last_week_number = calendar.last_week_number
    where person_months.is_active_course
    {{ latest_target_group(
        ['person_months.person_key', 'person_months.month_date'], 'person_months.'
    ) }}
),

-- What counts at a month's end, as days it covers: a meeting booked on or before the day
-- and held after it, a self-booking deadline issued on or before it and running to it.
bookings as (
    select
        person_key,
        booked_date as first_date,
        meeting_date - 1 as last_date
    from meetings
    union all
    select
        person_key,
        issued_date as first_date,
        deadline_date as last_date
    from deadlines
),

-- Each booking covers few month ends, so the flag below is an equality join on (person,
-- month end) rather than a range join over every booking of the person.
booked_month_ends as (
    select distinct
        person_key,
        month_end_date
    from (
        select
            person_key,
            first_date,
            last_date,
            unnest(generate_series(
                date_trunc('month', first_date), date_trunc('month', last_date), interval 1 month
            ))::date + interval 1 month - interval 1 day as month_end_date
        from bookings
        -- a booking that ends before the first month rebuilt covers none of its month ends
        where last_date >= first_date and {{ rebuilt_months('last_date') }}
    ) as covered
    where month_end_date between first_date and last_date
),

flagged as (
    select
        in_active_course.period,
        in_active_course.maalgruppe_code,
        booked_month_ends.person_key is not null as has_booking
    from in_active_course
    left join booked_month_ends
        on
            in_active_course.person_key = booked_month_ends.person_key
            and in_active_course.month_end_date = booked_month_ends.month_end_date
),

counts as (
    {{ share_counts('flagged', 'maalgruppe', 'maalgruppe_code', 'has_booking') }}
),

final as (
    {{ ballerup_share_rows('1.3', 'counts') }}
)

select
    *,
    {{ is_small_cell() }} as is_suppressed,
    {{ newest_load() }} as loaded_through
from final
where {{ rebuilt_months('period') }}
