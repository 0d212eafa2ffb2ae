-- 0.1 Ledighedsprocenten fordelt på alder: DST AUP02 for every area, month and age group.
with

aup02 as (
    select * from {{ ref('stg_statbank__aup02') }}
),

final as (
    select
        '0.1' as indicator_id,
        period_date as period,
        'month' as period_type,
        area_code,
        age_group as breakdown_value,
        null::double as numerator,
        null::double as denominator,
        unemployment_pct as value,
        'pct' as unit,
        case when is_age_total then 'total' else 'alder' end as breakdown
    from aup02
)

select
    *,
    {{ is_small_cell() }} as is_suppressed
from final
