-- AUP03: fuldtidsledige forsikrede in pct. of all insured, by area and month.
with

observations as (
    select * from {{ ref('stg_statbank__observations') }}
),

final as (
    select
        area_code,
        period_date,
        value as insured_unemployment_pct
    from observations
    where table_id = 'AUP03'
)

select * from final
