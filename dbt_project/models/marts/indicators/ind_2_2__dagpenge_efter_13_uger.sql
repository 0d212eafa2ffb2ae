-- 2.2 Andelen af forsikrede ledige, som fortsat modtager dagpenge 13 uger efter første
-- ledighedsdag: of new dagpenge spells whose week 13 is seen, the share still on dagpenge in
-- that week (int_unemployment_follow_up, the follow-up 1.4, 1.5 and 5.3 share, on STAR's
-- spell rule: a break shorter than a calendar month does not end the spell); per age group at
-- the start (STAR's ages, 16-66: seed age_groups, source_system jobindsats) and in all.
-- Ballerup (151) only, from its own register. No comparator yet: STAR's
-- measure is y01b01's survival curve ("Overlevelseskurve u. tilbagefald til den valgte
-- ydelse", 13 uger) by quarter of the first day; its week-column labels and age split are
-- not verified (docs/sources/real_tables.md, Y01B01), so it is not read yet.
with

followed as (
    select * from {{ ref('int_unemployment_follow_up') }}
    where ydelse_group = 'dagpenge' and horizon_weeks = {{ var('still_on_after_weeks') }}
),

persons as (
    select * from {{ ref('stg_registers__persons') }}
),

-- age at the start: the calendar year of the first week's month minus the birth year
spell_checks as (
    select
        followed.period as month_date,
        followed.is_still_on,
        {{ age_in_month(week_month('followed.start_date'), 'persons.birth_year') }} as age
    from followed
    inner join persons on followed.person_key = persons.person_key
),

calendar as (
    select * from {{ ref('int_calendar_months') }}
),

age_groups as (
    select distinct
        age_group,
        min_age,
        max_age
    from {{ ref('age_groups') }}
    where source_system = 'jobindsats' and not is_total
),

-- Every month in which a new spell could reach week 13 inside the register.
measurable_months as (
    {{ follow_up_months('calendar', var('still_on_after_weeks')) }}
),

breakdown_values as (
    select distinct
        'alder' as breakdown,
        age_group as breakdown_value
    from age_groups
    union all
    select
        'total' as breakdown,
        'I alt' as breakdown_value
),

spells_by_age as (
    select
        spell_checks.month_date,
        spell_checks.is_still_on,
        age_groups.age_group
    from spell_checks
    inner join age_groups
        on spell_checks.age between age_groups.min_age and age_groups.max_age
),

counts as (
    select
        month_date,
        'alder' as breakdown,
        age_group as breakdown_value,
        count(*) as n_new_spells,
        count(*) filter (where is_still_on) as n_still_on
    from spells_by_age
    group by month_date, age_group
    union all
    select
        month_date,
        'total' as breakdown,
        'I alt' as breakdown_value,
        count(*) as n_new_spells,
        count(*) filter (where is_still_on) as n_still_on
    from spells_by_age
    group by month_date
),

ballerup as (
    select
        measurable_months.month_date as period,
        {{ var('home_municipality') }} as area_code,
        breakdown_values.breakdown,
        breakdown_values.breakdown_value,
        coalesce(counts.n_still_on, 0)::double as numerator,
        coalesce(counts.n_new_spells, 0)::double as denominator
    from measurable_months
    cross join breakdown_values
    left join counts
        on
            measurable_months.month_date = counts.month_date
            and breakdown_values.breakdown = counts.breakdown
            and breakdown_values.breakdown_value = counts.breakdown_value
),

final as (
    select
        '2.2' as indicator_id,
        period,
        'month' as period_type,
        area_code,
        breakdown,
        breakdown_value,
        numerator,
        denominator,
        {{ pct('numerator', 'denominator') }} as value,
        'pct' as unit
    from ballerup
)

select
    *,
    {{ is_small_cell() }} as is_suppressed
from final
