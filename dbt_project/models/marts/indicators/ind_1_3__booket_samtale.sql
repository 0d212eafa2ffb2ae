-- 1.3 Andelen borgere, der har en booket samtale eller modtaget frist for selvbook: at each
-- month's end, of citizens in an active course (on a benefit in the month's last week, in a
-- target group the jobcentre follows up: the mapping seed's is_active_course), the share
-- with a meeting booked for a later day or an open self-booking deadline; per target group
-- and in all.
with

-- paid weeks as the payment periods (islands of consecutive weeks on one benefit group)
-- define them once; a week is paid when a period covers it
payment_periods as (
    select * from {{ ref('int_benefit_payment_periods') }}
),

meetings as (
    select * from {{ ref('stg_case_system__meetings') }}
),

deadlines as (
    select * from {{ ref('stg_case_system__self_booking_deadlines') }}
),

-- each month's last week from the calendar of the register's weeks, not by scanning every
-- person-week again (at 30 M person-weeks that scan was half of this model's time)
last_weeks as (
    select
        month_date,
        last_week_number
    from {{ ref('int_calendar_months') }}
),

-- one row per person and group: a group's periods do not overlap (int_benefit_payment_periods)
on_benefit_at_month_end as (
    select
        payment_periods.person_key,
        payment_periods.ydelse_group,
        last_weeks.month_date as period,
        (last_weeks.month_date + interval 1 month - interval 1 day)::date as month_end_date
    from payment_periods
    inner join last_weeks
        on
            last_weeks.last_week_number
            between payment_periods.start_week_number and payment_periods.end_week_number
),

with_target_group as (
    {{ with_maalgruppe(
        'on_benefit_at_month_end', 'month_end_date', ['person_key', 'ydelse_group', 'period']
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
        where last_date >= first_date
    ) as covered
    where month_end_date between first_date and last_date
),

flagged as (
    select
        with_target_group.period,
        with_target_group.maalgruppe_code,
        booked_month_ends.person_key is not null as has_booking
    from with_target_group
    left join booked_month_ends
        on
            with_target_group.person_key = booked_month_ends.person_key
            and with_target_group.month_end_date = booked_month_ends.month_end_date
    where with_target_group.is_active_course
),

counts as (
    {{ share_counts('flagged', 'maalgruppe', 'maalgruppe_code', 'has_booking') }}
),

final as (
    {{ ballerup_share_rows('1.3', 'counts') }}
)

select
    *,
    {{ is_small_cell() }} as is_suppressed
from final
