-- 2.1 Ballerup's place among Region Hovedstaden's municipalities on fuldtidsledige in pct. of
-- all insured (DST AUP03): rank 1 is the lowest share; ties share the better rank. Every
-- municipality of the region gets its rank, so the comparison can be shown. The region is
-- the home municipality's (seed municipalities).
with

aup03 as (
    select * from {{ ref('stg_statbank__aup03') }}
),

areas as (
    select * from {{ ref('stg_reference__areas') }}
),

region_municipalities as (
    select
        aup03.area_code,
        aup03.period_date,
        aup03.insured_unemployment_pct
    from aup03
    inner join areas on aup03.area_code = areas.area_code
    where
        areas.area_type = 'municipality'
        and areas.region_code = (
            select home.region_code from areas as home
            where home.area_code = {{ var('home_municipality') }}
        )
        and aup03.insured_unemployment_pct is not null
),

ranked as (
    select
        area_code,
        period_date,
        rank() over (partition by period_date order by insured_unemployment_pct) as region_rank,
        count(*) over (partition by period_date) as n_ranked
    from region_municipalities
),

final as (
    select
        '2.1' as indicator_id,
        period_date as period,
        'month' as period_type,
        area_code,
        'total' as breakdown,
        'I alt' as breakdown_value,
        null::double as numerator,
        n_ranked::double as denominator,
        region_rank::double as value,
        'rank' as unit
    from ranked
)

select
    *,
    {{ is_small_cell() }} as is_suppressed
from final
