-- The reforms that break the series (seed reforms, with the law and the source of each row),
-- and the indicators each breaks: the report marks them on those indicators' charts.
with

reforms as (
    select * from {{ ref('reforms') }}
),

final as (
    select
        reform_id,
        effective_date,
        status,
        name_da,
        law,
        what_da,
        source,
        coalesce(string_split(nullif(affects, ''), ';'), []) as affects_indicators
    from reforms
)

select * from final
