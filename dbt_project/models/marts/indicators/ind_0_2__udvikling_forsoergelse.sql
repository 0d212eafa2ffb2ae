-- 0.2 Procentvis udvikling i antallet af borgere på forsørgelse (seneste 12 måneder):
-- fuldtidspersoner on public support in a month against the same month a year before, in
-- pct., per benefit group and in all. numerator is the month's fuldtidspersoner,
-- denominator those of the month a year before. Ballerup (151) from its register; every
-- other area from the benefit groups' Jobindsats A02 tables (int_fuldtidspersoner_by_area).
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
    from by_breakdown as this_year
    inner join by_breakdown as a_year_before
        on
            this_year.area_code = a_year_before.area_code
            and this_year.breakdown_value = a_year_before.breakdown_value
            and a_year_before.period = this_year.period - interval 1 year
)

select
    *,
    {{ is_small_cell() }} as is_suppressed
from final
