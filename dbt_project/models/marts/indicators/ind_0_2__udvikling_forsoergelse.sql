-- 0.2 Procentvis udvikling i antallet af borgere på forsørgelse (seneste 12 måneder):
-- fuldtidspersoner on public support in a month against the same month a year before, in
-- pct., per benefit group and in all. numerator is the month's fuldtidspersoner,
-- denominator those of the month a year before. Ballerup (151) from its register; every
-- other area from the benefit groups' Jobindsats A02 tables (int_fuldtidspersoner_by_area).
-- A benefit a reform pays as another (int_benefit_successions: uddannelseshjælp as
-- kontanthjælp from 1 July 2025) has no row of its own from the reform's date (its weeks are
-- the new benefit's), and the year before a month is compared as that month pays it:
-- kontanthjælp in July 2025 against kontanthjælp and uddannelseshjælp in July 2024, the same
-- benefits on both sides, for Ballerup and the country alike (not -100 % for
-- uddannelseshjælp and a doubled kontanthjælp). The total is the same either way.
with

monthly as (
    select * from {{ ref('int_fuldtidspersoner_by_area') }}
),

ydelse_groups as (
    select * from {{ ref('ydelse_groups') }}
),

benefit_tables as (
    select * from {{ ref('benefit_tables') }}
),

successions as (
    select * from {{ ref('int_benefit_successions') }}
),

-- the groups of public support that a Jobindsats table publishes for every area, so that
-- Ballerup's total and the country's cover the same benefits
compared_groups as (
    select ydelse_groups.ydelse_group
    from ydelse_groups
    where
        ydelse_groups.is_public_support
        and ydelse_groups.ydelse_group in (select benefit_tables.ydelse_group from benefit_tables)
),

public_support as (
    select monthly.*
    from monthly
    inner join compared_groups on monthly.ydelse_group = compared_groups.ydelse_group
),

by_breakdown as (
    select
        period,
        area_code,
        'ydelsesgruppe' as breakdown,
        ydelse_group as breakdown_value,
        fuldtidspersoner
    from public_support
    union all
    select
        period,
        area_code,
        'total' as breakdown,
        'I alt' as breakdown_value,
        sum(fuldtidspersoner) as fuldtidspersoner
    from public_support
    group by period, area_code
),

-- each month's rows as they are and a year on (counted_for: their own month, or the month
-- a year on that they are the year before of), each under the group that pays them then (a
-- week of the old benefit still registered after the reform counts as the new one, so the
-- groups add up to the total)
both_years as (
    select
        *,
        period as counted_for,
        false as is_year_before
    from by_breakdown
    union all
    select
        *,
        (period + interval 1 year)::date as counted_for,
        true as is_year_before
    from by_breakdown
),

regrouped as (
    select
        both_years.is_year_before,
        both_years.area_code,
        both_years.counted_for as period,
        both_years.breakdown,
        coalesce(successions.to_group, both_years.breakdown_value) as breakdown_value,
        sum(both_years.fuldtidspersoner) as fuldtidspersoner
    from both_years
    left join successions
        on
            both_years.breakdown_value = successions.from_group
            and both_years.counted_for >= successions.effective_date
    group by all
),

this_year as (
    select * from regrouped
    where not is_year_before
),

a_year_before as (
    select * from regrouped
    where is_year_before
),

final as (
    select
        '0.2' as indicator_id,
        this_year.period,
        'month' as period_type,
        this_year.area_code,
        this_year.breakdown,
        this_year.breakdown_value,
        this_year.fuldtidspersoner as numerator,
        a_year_before.fuldtidspersoner as denominator,
        'pct_change' as unit,
        case
            when a_year_before.fuldtidspersoner > 0
                then
                    100.0 * (this_year.fuldtidspersoner - a_year_before.fuldtidspersoner)
                    / a_year_before.fuldtidspersoner
        end as value
    from this_year
    inner join a_year_before
        on
            this_year.area_code = a_year_before.area_code
            and this_year.breakdown_value = a_year_before.breakdown_value
            and this_year.period = a_year_before.period
)

select
    *,
    {{ is_small_cell() }} as is_suppressed
from final
