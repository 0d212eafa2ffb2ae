-- 3.2 Fleksjobledigheden: fuldtidspersoner on ledighedsydelse in pct. of fuldtidspersoner on
-- fleksjob and ledighedsydelse together. Ballerup (151) from its register; every other area
-- from Jobindsats y09a02 and y08a02 (int_fuldtidspersoner_by_area).
with

monthly as (
    select * from {{ ref('int_fuldtidspersoner_by_area') }}
),

flex as (
    select
        period,
        area_code,
        sum(fuldtidspersoner) filter (where ydelse_group = 'ledighedsydelse') as n_ledige,
        sum(fuldtidspersoner) filter (
            where ydelse_group in ('fleksjob', 'ledighedsydelse')
        ) as n_fleks
    from monthly
    group by period, area_code
),

final as (
    select
        '3.2' as indicator_id,
        period,
        'month' as period_type,
        area_code,
        'total' as breakdown,
        'I alt' as breakdown_value,
        coalesce(n_ledige, 0) as numerator,
        coalesce(n_fleks, 0) as denominator,
        {{ pct('coalesce(n_ledige, 0)', 'n_fleks') }} as value,
        'pct' as unit
    from flex
)

select
    *,
    {{ is_small_cell() }} as is_suppressed
from final
