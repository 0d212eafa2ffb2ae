-- One row per person, month and target group the person belonged to in the month (from the
-- target-group periods, so on spells rather than on the ~30 million person-weeks): the weeks
-- in it and the last of them. Fuldtidspersoner are n_weeks / n_weeks_in_month.
with

periods as (
    select * from {{ ref('int_target_group_periods') }}
),

calendar as (
    select * from {{ ref('int_calendar_months') }}
),

final as (
    select
        periods.person_key,
        calendar.month_date,
        periods.ydelse_group,
        periods.visitation_category,
        periods.maalgruppe_code,
        periods.maalgruppe_name,
        periods.is_ledig,
        periods.is_active_course,
        periods.is_job_ready,
        calendar.n_weeks_in_month,
        sum(
            least(periods.end_week_number, calendar.last_week_number)
            - greatest(periods.start_week_number, calendar.first_week_number)
            + 1
        ) as n_weeks,
        max(least(periods.end_week_number, calendar.last_week_number)) as last_week_number
    from periods
    inner join calendar
        on
            periods.end_week_number >= calendar.first_week_number
            and periods.start_week_number <= calendar.last_week_number
    group by all
)

select * from final
