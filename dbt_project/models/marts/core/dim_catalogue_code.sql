-- The codes the catalogue and the published values use, each with its name in Danish: the
-- catalogue's direction, comparator, status and period type, the breakdowns (seed
-- catalogue_codes) and the units (seed units). The one list of each: the report and the
-- workbook print name_da, and the data tests hold every code published to it
-- (generic test is_a_code_of).
with

catalogue_codes as (
    select * from {{ ref('catalogue_codes') }}
),

units as (
    select * from {{ ref('units') }}
),

final as (
    select
        code_list::varchar as code_list,
        code::varchar as code,
        sort_order::integer as sort_order,
        name_da::varchar as name_da,
        description::varchar as description
    from catalogue_codes
    union all
    select
        'unit' as code_list,
        unit::varchar as code,
        (row_number() over (order by unit))::integer as sort_order,
        name_da::varchar as name_da,
        description::varchar as description
    from units
)

select * from final
