-- Fuldtidspersoner per month, area and benefit group: Ballerup (151) from its own register
-- (int_fuldtidspersoner), every other area from Jobindsats Y01A02. The two agree for
-- Ballerup (tests/reconciliation), so indicators may compare them.
with

ballerup_register as (
    select * from {{ ref('int_fuldtidspersoner') }}
),

benchmark as (
    select * from {{ ref('stg_jobindsats__y01a02') }}
),

final as (
    select
        month_date as period,
        151 as area_code,
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
    where area_code != 151
)

select * from final
