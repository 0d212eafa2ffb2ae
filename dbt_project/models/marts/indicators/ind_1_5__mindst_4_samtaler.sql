-- 1.5 Andelen af borgere med mindst de krævede samtaler inden for de første 6 måneder: of
-- new unemployment spells still running in week 26 after the first (int_unemployment_follow_up,
-- the follow-up 1.4, 2.2 and 5.3 share), the share with at least the required number of held
-- meetings in those 26 weeks (182 days); per target group at the start and in all, counted in
-- the month of week 26. The number required is the dated seed contact_requirements', by the
-- target group and the month of week 26: until June 2026 the strategy's 4 for every new spell
-- (its text says 'færre end 4' but sets a minimum of 80 %, which only fits 'mindst 4'); from
-- July 2026 L 66's, 2 for dagpenge (the municipality's meetings) and 4 for jobparate (and,
-- until the law's text says otherwise, åbenlyst uddannelsesparate) kontanthjælpsmodtagere;
-- a target group without a requirement in force is not counted. The complement is published
-- too, as breakdown 'komplement' (færre samtaler end kravet).
with

followed as (
    select * from {{ ref('int_unemployment_follow_up') }}
    where horizon_weeks = {{ var('six_months_weeks') }} and is_still_on
),

meetings as (
    select * from {{ ref('stg_case_system__meetings') }}
    where is_held
),

requirements as (
    select * from {{ ref('contact_requirements') }}
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
        requirements.min_held_meetings,
        count(meetings.meeting_id) as n_held
    from followed
    -- the rule in force in the month of week 26; none: not in the base that month
    inner join requirements
        on
            followed.maalgruppe_code = requirements.maalgruppe_code
            and followed.period between requirements.valid_from and requirements.valid_to
    left join meetings
        on
            followed.person_key = meetings.person_key
            and followed.start_date <= meetings.meeting_date
            and meetings.meeting_date < followed.start_date + {{ var('six_months_weeks') }} * 7
    group by
        followed.person_key,
        followed.start_date,
        followed.period,
        followed.maalgruppe_code,
        requirements.min_held_meetings
),

flagged as (
    select
        period,
        maalgruppe_code,
        n_held >= min_held_meetings as has_required
    from held
),

counts as (
    {{ share_counts('flagged', 'maalgruppe', 'maalgruppe_code', 'has_required') }}
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
        'færre samtaler end kravet' as breakdown_value,
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
