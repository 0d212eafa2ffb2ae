-- 2.1 Ballerup's place among Region Hovedstaden's municipalities on fuldtidsledige in pct. of
-- all insured (DST AUP03): rank 1 is the lowest share; ties share the better rank. Every
-- municipality of the region gets its rank, so the comparison can be shown. The region is
-- the home municipality's (seed municipalities).
-- AUP03 publishes the shares with one decimal and no counts: municipalities with the same
-- published share may lie either way of each other, so a rank is known only to the range
-- its ties span (from the better rank to the number with a share at most as high). That
-- range is the value's interval, interval_method 'rounding' (seed interval_methods), as
-- for 2.5's country: a verdict needs the whole range on one side of the target.
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
        -- the worst rank its ties allow: the municipalities with a share at most as high
        count(*) over (
            partition by period_date
            order by insured_unemployment_pct
            range between unbounded preceding and current row
        ) as region_rank_worst,
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
        region_rank::double as ci_lower,
        region_rank_worst::double as ci_upper,
        'rounding' as interval_method,
        'rank' as unit
    from ranked
)

select
    *,
    {{ is_small_cell() }} as is_suppressed
from final
