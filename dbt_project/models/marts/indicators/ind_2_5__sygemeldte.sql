-- 2.5 Andelen af sygemeldte borgere (målt i pct. af arbejdsstyrken): fuldtidspersoner on
-- sygedagpenge or jobafklaring in pct. of the labour force, both of STAR's ages 16-66 (its
-- measure is "Fuldtidspersoner i pct. af arbejdsstyrken 16-66 år"); per benefit and in all.
-- Ballerup from its register and persons register (the fuldtidspersoner of residents aged
-- 16-66 in the month, int_fuldtidspersoner_by_origin); the country and every other
-- municipality from Jobindsats y07a02 and y12a02, whose published percentages share one
-- denominator and so add up. They publish no labour force (a count worked back from a
-- rounded percentage would be an invented one): their rows have no denominator, and their
-- range is what the rounding of the published percentages allows (var
-- published_pct_decimals: half a unit of the last decimal for each percentage summed;
-- interval_method 'rounding'), which fct_indicator_status takes as the comparator's range.
with

sick_groups as (
    select unnest(['sygedagpenge', 'jobafklaring']) as ydelse_group
),

calendar as (
    select month_date from {{ ref('int_calendar_months') }}
),

of_ages as (
    select
        month_date,
        ydelse_group,
        sum(fuldtidspersoner) as fuldtidspersoner
    from {{ ref('int_fuldtidspersoner_by_origin') }}
    where
        ydelse_group in (select sick_groups.ydelse_group from sick_groups)
        and is_resident
        and {{ in_age_band('age', 'labour_force') }}
    group by month_date, ydelse_group
),

-- every month of the register, 0 where nobody of those ages was on the benefit
monthly as (
    select
        calendar.month_date as period,
        {{ var('home_municipality') }} as area_code,
        sick_groups.ydelse_group,
        coalesce(of_ages.fuldtidspersoner, 0) as fuldtidspersoner
    from calendar
    cross join sick_groups
    left join of_ages
        on
            calendar.month_date = of_ages.month_date
            and sick_groups.ydelse_group = of_ages.ydelse_group
),

population as (
    select * from {{ ref('int_population_months') }}
),

published as (
    select * from {{ ref('stg_jobindsats__fuldtidspersoner') }}
    where
        ydelse_group in (select sick_groups.ydelse_group from sick_groups)
        and area_code != {{ var('home_municipality') }}
),

labour_force as (
    select
        month_date as period,
        sum(n_persons) as n_labour_force
    from population
    where is_in_labour_force and {{ in_age_band('age', 'labour_force') }}
    group by month_date
),

-- per benefit and in all in one scan (grouping sets)
by_breakdown as (
    select
        period,
        area_code,
        {{ grouped_breakdown([('ydelse', 'ydelse_group')]) }},
        sum(fuldtidspersoner) as fuldtidspersoner
    from monthly
    group by period, area_code, rollup(ydelse_group)
),

ballerup as (
    select
        by_breakdown.period,
        by_breakdown.area_code,
        by_breakdown.breakdown,
        by_breakdown.breakdown_value,
        by_breakdown.fuldtidspersoner as numerator,
        labour_force.n_labour_force as denominator,
        {{ pct('by_breakdown.fuldtidspersoner', 'labour_force.n_labour_force') }} as value
    from by_breakdown
    inner join labour_force on by_breakdown.period = labour_force.period
),

other_areas as (
    select
        period_date as period,
        area_code,
        {{ grouped_breakdown([('ydelse', 'ydelse_group')]) }},
        sum(fuldtidspersoner) as numerator,
        sum(pct_labour_force) as value,
        count(*) as n_rounded
    from published
    group by period_date, area_code, rollup(ydelse_group)
    -- a total only where every benefit's percentage is published
    having
        grouping(ydelse_group) = 0
        or count(pct_labour_force) = (select count(*) from sick_groups)
),

{%- set half_unit = 0.5 * 10 ** (-var('published_pct_decimals')) %}

both_paths as (
    select
        period,
        area_code,
        breakdown,
        breakdown_value,
        numerator,
        denominator,
        value,
        null::double as ci_lower,
        null::double as ci_upper,
        null::varchar as interval_method
    from ballerup
    union all
    select
        period,
        area_code,
        breakdown,
        breakdown_value,
        numerator,
        null::double as denominator,
        value,
        -- greatest() passes NULL by: the range only of a published value
        case
            when value is not null then greatest(0, value - n_rounded * {{ half_unit }})
        end as ci_lower,
        value + n_rounded * {{ half_unit }} as ci_upper,
        -- seed interval_methods: the range the rounding allows, not a statistical one
        case when value is not null then 'rounding' end as interval_method
    from other_areas
),

final as (
    select
        '2.5' as indicator_id,
        period,
        'month' as period_type,
        area_code,
        breakdown,
        breakdown_value,
        numerator,
        denominator,
        value,
        ci_lower,
        ci_upper,
        interval_method,
        'pct' as unit
    from both_paths
)

select
    *,
    {{ is_small_cell() }} as is_suppressed
from final
