-- The areas the published values name, so a reader of analytics.duckdb can label them.
with

areas as (
    select * from {{ ref('stg_reference__areas') }}
),

final as (
    select
        area_code::integer as area_code,
        area_name::varchar as area_name,
        area_type::varchar as area_type,
        region_code::integer as region_code
    from areas
)

select * from final
