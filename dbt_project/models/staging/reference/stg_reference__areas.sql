-- Every area a benchmark source can name: the country, the five regions, the 98 municipalities.
with

municipalities as (
    select * from {{ ref('municipalities') }}
),

regions as (
    select * from {{ ref('regions') }}
),

final as (
    select
        area_code,
        area_name,
        area_type,
        case when area_type = 'region' then area_code end as region_code
    from regions
    union all
    select
        municipality_code as area_code,
        municipality_name as area_name,
        'municipality' as area_type,
        region_code
    from municipalities
)

select * from final
