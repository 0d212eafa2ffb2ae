-- 4.3 Søgning til erhvervsuddannelse (EUD): of pupils leaving 9th or 10th grade who applied
-- for youth education in the year (the March intake), the share with EUD as first priority.
-- The target is the national goal of the year (indicator_targets seed).
with

applications as (
    select * from {{ ref('stg_registers__eud_applications') }}
),

counts as (
    select
        'total' as breakdown,
        'I alt' as breakdown_value,
        make_date(application_year, 1, 1) as period,
        count(*) as n_base,
        count(*) filter (where first_priority = 'eud') as n_flagged
    from applications
    group by application_year
),

final as (
    {{ ballerup_share_rows('4.3', 'counts', period_type='year') }}
)

select
    *,
    {{ is_small_cell() }} as is_suppressed
from final
