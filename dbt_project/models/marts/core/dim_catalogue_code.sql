-- The codes the catalogue and the published values use, each with its name in Danish: the
-- catalogue's direction, comparator, status and period type, the breakdowns (seed
-- catalogue_codes), the units (seed units) and what an interval is (seed interval_methods).
-- The one list of each: the report and the workbook print name_da, and the data tests hold
-- every code published to it (generic test is_a_code_of).
with

catalogue_codes as (
    select * from {{ ref('catalogue_codes') }}
),

units as (
    select * from {{ ref('units') }}
),

interval_methods as (
    select * from {{ ref('interval_methods') }}
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
    union all
    select
        'interval_method' as code_list,
        interval_method::varchar as code,
        (row_number() over (order by interval_method))::integer as sort_order,
        name_da::varchar as name_da,
        method::varchar as description
    from interval_methods
)

select * from final
