-- Fuldtidspersoner per month, area and benefit group: Ballerup (151) from its own register
-- (int_fuldtidspersoner), the country and every other municipality from each benefit's
-- Jobindsats A02 table (stg_jobindsats__fuldtidspersoner). For Ballerup the two agree to the
-- published rounding (tests/reconciliation), so indicators may compare them. From July 2025
-- the country's kontanthjælp includes the former uddannelseshjælp (seed benefit_tables).
with

ballerup_register as (
    select * from {{ ref('int_fuldtidspersoner') }}
),

benchmark as (
    select * from {{ ref('stg_jobindsats__fuldtidspersoner') }}
),

final as (
    select
        month_date as period,
        {{ var('home_municipality') }} as area_code,
        ydelse_group,
        fuldtidspersoner
    from ballerup_register
    union all
    select
        period_date as period,
        area_code,
        ydelse_group,
        fuldtidspersoner
    from benchmark
    where area_code != {{ var('home_municipality') }}
)

select * from final
