-- 1.3 Andelen borgere, der har en booket samtale eller modtaget frist for selvbook: at each
-- month's end, of citizens in an active course (on a benefit in the month's last week, in a
-- target group the jobcentre follows up: the mapping seed's is_active_course), the share
-- with a meeting booked for a later day or an open self-booking deadline; per target group
-- and in all.
with

person_weeks as (
    select * from {{ ref('stg_benefit_register__person_weeks') }}
),

meetings as (
    select * from {{ ref('stg_case_system__meetings') }}
),

deadlines as (
    select * from {{ ref('stg_case_system__self_booking_deadlines') }}
),

last_weeks as (
    select
        month_date,
        max(week_number) as last_week_number
    from person_weeks
    group by month_date
),

on_benefit_at_month_end as (
    select distinct
        person_weeks.person_key,
        person_weeks.ydelse_group,
        person_weeks.month_date as period,
        (person_weeks.month_date + interval 1 month - interval 1 day)::date as month_end_date
    from person_weeks
    inner join last_weeks
        on
            person_weeks.month_date = last_weeks.month_date
            and person_weeks.week_number = last_weeks.last_week_number
),

with_target_group as (
    {{ with_maalgruppe(
        'on_benefit_at_month_end', 'month_end_date', ['person_key', 'ydelse_group', 'period']
    ) }}
),

flagged as (
    select
        with_target_group.period,
        with_target_group.maalgruppe_code,
        exists (
            select 1
            from meetings
            where
                meetings.person_key = with_target_group.person_key
                and meetings.booked_date <= with_target_group.month_end_date
                and meetings.meeting_date > with_target_group.month_end_date
        )
        or exists (
            select 1
            from deadlines
            where
                deadlines.person_key = with_target_group.person_key
                and deadlines.issued_date <= with_target_group.month_end_date
                and deadlines.deadline_date >= with_target_group.month_end_date
        ) as has_booking
    from with_target_group
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
