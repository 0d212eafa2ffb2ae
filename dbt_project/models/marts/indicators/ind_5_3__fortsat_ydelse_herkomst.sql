-- 5.3 Andelen af jobparate borgere med ikke-vestlig baggrund, som fortsat modtager ydelse 13
-- uger efter første ledighedsdag, på niveau med dansk og vestlig herkomst: of new
-- unemployment spells of job-ready persons (the mapping seed's is_job_ready on the first
-- day: the jobparate and the åbenlyst uddannelsesparate), the share still on the benefit 13
-- weeks after the first week, counted in the month of that week; for non-Western and for
-- Danish and Western origin; the total row is the gap in percentage points (non-Western minus
-- the others).
-- Counted per calendar year (period type year, as 3.3 and 5.6): a month's job-ready new
-- spells of one origin are a handful (in the sample 2-18 a month, so 87 of the 91 monthly
-- gaps were suppressed and the latest published one was two years old), a year's are enough
-- to compare. Calendar years, not the 12 months ending each month: windows that overlap pin
-- the months they share (macro full_calendar_years). A year is published only where all its
-- 12 months can be measured.
with

followed_spells as (
    select * from {{ ref('int_unemployment_follow_up') }}
    where is_job_ready and horizon_weeks = {{ var('still_on_after_weeks') }}
),

persons as (
    select * from {{ ref('stg_registers__persons') }}
),

herkomst_codes as (
    select * from {{ ref('herkomst_codes') }}
),

calendar as (
    select * from {{ ref('int_calendar_months') }}
),

-- Every month in which a new spell (its month before seen) can reach its week 13 inside the
-- register has a row per origin group, 0 of 0 when no spell did.
measurable_months as (
    select month_date as period
    from ({{ follow_up_months('calendar', var('still_on_after_weeks')) }}) as follow_up
),

origin_groups as (
    select unnest(['ikke-vestlig', 'dansk og vestlig']) as origin_group
),

followed as (
    select
        followed_spells.period,
        followed_spells.is_still_on,
        case
            when herkomst_codes.is_ikke_vestlig then 'ikke-vestlig' else 'dansk og vestlig'
        end as origin_group
    from followed_spells
    inner join persons on followed_spells.person_key = persons.person_key
    inner join herkomst_codes on persons.herkomst = herkomst_codes.herkomst
),

followed_counts as (
    select
        period,
        origin_group,
        count(*) as n_base,
        count(*) filter (where is_still_on) as n_flagged
    from followed
    group by period, origin_group
),

counts as (
    select
        measurable_months.period,
        origin_groups.origin_group,
        coalesce(followed_counts.n_base, 0) as n_base,
        coalesce(followed_counts.n_flagged, 0) as n_flagged
    from measurable_months
    cross join origin_groups
    left join followed_counts
        on
            measurable_months.period = followed_counts.period
            and origin_groups.origin_group = followed_counts.origin_group
),

-- the Decembers ending a calendar year all of whose 12 months can be measured (measurable
-- months run without a gap from the first to the calendar's last)
window_ends as (
    {{ full_calendar_years('measurable_months', 'period') }}
),

yearly as (
    select
        {{ calendar_year('window_ends.period') }} as period,
        counts.origin_group,
        sum(counts.n_base) as n_base,
        sum(counts.n_flagged) as n_flagged
    from window_ends
    inner join counts on {{ in_rolling_year('counts.period', 'window_ends.period') }}
    group by all
),

gaps as (
    {{ origin_gap(
        'yearly', ['period'], 'n_flagged', 'n_base',
        group_column='origin_group', reference='dansk og vestlig'
    ) }}
),


final as (
    select
        '5.3' as indicator_id,
        period,
        'year' as period_type,
        {{ var('home_municipality') }} as area_code,
        'herkomst' as breakdown,
        origin_group as breakdown_value,
        n_flagged::double as numerator,
        n_base::double as denominator,
        {{ pct('n_flagged', 'n_base') }} as value,
        'pct' as unit,
        null::double as ci_lower,
        null::double as ci_upper
    from yearly
    union all
    select
        '5.3' as indicator_id,
        period,
        'year' as period_type,
        {{ var('home_municipality') }} as area_code,
        'total' as breakdown,
        'I alt' as breakdown_value,
        smallest_count::double as numerator,
        null as denominator,
        gap_points as value,
        'pct_points' as unit,
        ci_lower,
        ci_upper
    from gaps
)

select
    *,
    {{ is_small_cell() }} as is_suppressed
from final
