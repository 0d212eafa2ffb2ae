-- 2.5 Andelen af sygemeldte borgere (målt i pct. af arbejdsstyrken): fuldtidspersoner on
-- sygedagpenge or jobafklaring in pct. of the labour force (aged 16-64); per benefit and in
-- all. Ballerup from its register and persons; every other area from Jobindsats Y01A02 and
-- StatBank RAS100.
with

monthly as (
    select * from {{ ref('int_fuldtidspersoner_by_area') }}
    where ydelse_group in ('sygedagpenge', 'jobafklaring')
),

population as (
    select * from {{ ref('int_population_months') }}
),

ras100 as (
    select * from {{ ref('stg_statbank__ras100') }}
),

labour_force as (
    select
        month_date as period,
        151 as area_code,
        sum(n_persons) as n_labour_force
    from population
    where is_in_labour_force and age between 16 and 64
    group by month_date
    union all
    select
        period_date as period,
        area_code,
        n_labour_force
    from ras100
    where is_age_total and area_code != 151
),

by_breakdown as (
    select
        period,
        area_code,
        'ydelse' as breakdown,
        ydelse_group as breakdown_value,
        fuldtidspersoner
    from monthly
    union all
    select
        period,
        area_code,
        'total' as breakdown,
        'I alt' as breakdown_value,
        sum(fuldtidspersoner) as fuldtidspersoner
    from monthly
    group by period, area_code
),

final as (
    select
        '2.5' as indicator_id,
        by_breakdown.period,
        'month' as period_type,
        by_breakdown.area_code,
        by_breakdown.breakdown,
        by_breakdown.breakdown_value,
        by_breakdown.fuldtidspersoner as numerator,
        labour_force.n_labour_force as denominator,
        {{ pct('by_breakdown.fuldtidspersoner', 'labour_force.n_labour_force') }} as value,
        'pct' as unit
    from by_breakdown
    inner join labour_force
        on
            by_breakdown.period = labour_force.period
            and by_breakdown.area_code = labour_force.area_code
)

select
    *,
    {{ is_small_cell() }} as is_suppressed
from final
