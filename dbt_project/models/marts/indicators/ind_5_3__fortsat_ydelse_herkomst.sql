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
-- It counts spells, not persons: one person may begin two spells whose week 13 falls in the
-- same year (1-2 persons a year in the sample). The persons behind each count are counted
-- too, and a cell is small where they are (macro is_small_cell, persons); the gap's interval
-- takes the spells as clustered in persons (macro design_effect), as 1.2's offers and 5.6's
-- sanctions.
{{ config(meta={'counts_events': true}) }}

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
        followed_spells.person_key,
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

-- each spell under the calendar year its week 13 falls in, with its person
spells_of_years as (
    select
        {{ calendar_year('window_ends.period') }} as period,
        followed.origin_group,
        followed.person_key,
        followed.is_still_on
    from window_ends
    inner join followed on {{ in_rolling_year('followed.period', 'window_ends.period') }}
),

-- the persons behind each year's spells, still on and not
persons_of_years as (
    select
        period,
        origin_group,
        count(distinct person_key) as n_base_persons,
        count(distinct person_key) filter (where is_still_on) as n_flagged_persons,
        count(distinct person_key) filter (where is_still_on is not true) as n_rest_persons
    from spells_of_years
    group by period, origin_group
),

-- the year's design effect of its spells (a person's two spells are not independent)
design_effects as (
    {{ design_effect('spells_of_years', 'period') }}
),

pairs as (
    {{ origin_pairs(
        'yearly', ['period'], 'n_flagged', 'n_base',
        group_column='origin_group', reference='dansk og vestlig'
    ) }}
),

pairs_with_design_effect as (
    select
        pairs.*,
        design_effects.design_effect
    from pairs
    left join design_effects on pairs.period = design_effects.period
),

-- the gap, with its interval from the counts divided by the year's design effect
gaps as (
    {{ pairs_gap('pairs_with_design_effect', ['period'], design_effect='design_effect') }}
),

final as (
    select
        '5.3' as indicator_id,
        yearly.period,
        'year' as period_type,
        {{ var('home_municipality') }} as area_code,
        'herkomst' as breakdown,
        yearly.origin_group as breakdown_value,
        yearly.n_flagged::double as numerator,
        yearly.n_base::double as denominator,
        {{ pct('yearly.n_flagged', 'yearly.n_base') }} as value,
        'pct' as unit,
        null::double as ci_lower,
        null::double as ci_upper,
        coalesce(persons_of_years.n_flagged_persons, 0)::double as numerator_persons,
        coalesce(persons_of_years.n_base_persons, 0)::double as denominator_persons,
        coalesce(persons_of_years.n_rest_persons, 0)::double as complement_persons
    from yearly
    left join persons_of_years
        on
            yearly.period = persons_of_years.period
            and yearly.origin_group = persons_of_years.origin_group
    union all
    select
        '5.3' as indicator_id,
        gaps.period,
        'year' as period_type,
        {{ var('home_municipality') }} as area_code,
        'total' as breakdown,
        'I alt' as breakdown_value,
        gaps.smallest_count::double as numerator,
        null as denominator,
        gaps.gap_points as value,
        'pct_points' as unit,
        gaps.ci_lower,
        gaps.ci_upper,
        null::double as numerator_persons,
        null::double as denominator_persons,
        null::double as complement_persons
    from gaps
),

-- the year's design effect on each of its rows; a year without one has no interval
with_design_effect as (
    {{ with_design_effect('final', 'design_effects', 'period', 'period') }}
)

select
    *,
    {{ is_small_cell(persons=true) }} as is_suppressed
from with_design_effect
