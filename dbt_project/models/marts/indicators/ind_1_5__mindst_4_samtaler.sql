-- 1.5 Andelen af borgere med (mindst) 4 samtaler inden for de første 6 måneder: of new
-- unemployment spells still running in week 26 after the first (int_unemployment_follow_up,
-- the follow-up 1.4, 2.2 and 5.3 share), the share with at least 4 held meetings in those 26
-- weeks (182 days); per target group at the start and in all, counted in the month of week
-- 26. The strategy's text says 'færre end 4' but sets a minimum of 80 %,
-- which only fits 'mindst 4' (STAR's rule): the complement is published too, as breakdown
-- 'komplement' (færre end 4).
with

followed as (
    select * from {{ ref('int_unemployment_follow_up') }}
    where horizon_weeks = {{ var('six_months_weeks') }} and is_still_on
),

meetings as (
    select * from {{ ref('stg_case_system__meetings') }}
    where is_held
),

calendar as (
    select * from {{ ref('int_calendar_months') }}
),

-- every month in which a new spell could reach week 26 inside the register: its total is
-- published also when no spell did (0 of 0, nobody to measure), as 2.2 does
measurable_months as (
    {{ follow_up_months('calendar', var('six_months_weeks')) }}
),

held as (
    select
        followed.period,
        followed.maalgruppe_code,
        count(meetings.meeting_id) as n_held
    from followed
    left join meetings
        on
            followed.person_key = meetings.person_key
            and followed.start_date <= meetings.meeting_date
            and meetings.meeting_date < followed.start_date + {{ var('six_months_weeks') }} * 7
    group by followed.person_key, followed.start_date, followed.period, followed.maalgruppe_code
),

flagged as (
    select
        period,
        maalgruppe_code,
        n_held >= 4 as has_four
    from held
),

counts as (
    {{ share_counts('flagged', 'maalgruppe', 'maalgruppe_code', 'has_four') }}
),

with_totals as (
    {{ with_every_month_total('counts', 'measurable_months') }}
),

-- per target group, the totals of every month, and their complement
with_complement as (
    select * from with_totals
    union all
    select
        period,
        'komplement' as breakdown,
        'færre end 4 samtaler' as breakdown_value,
        n_base,
        n_base - n_flagged as n_flagged
    from with_totals
    where breakdown = 'total'
),

final as (
    {{ ballerup_share_rows('1.5', 'with_complement') }}
)

select
    *,
    {{ is_small_cell() }} as is_suppressed
from final
