-- The reforms that break the series (seed reforms, with the law and the source of each row),
-- the indicators each breaks (the report marks them on those indicators' charts), and the
-- indicators whose breakdowns by one dimension only it breaks, each with that dimension
-- (macros reform_entry_* read the seed's entries; nothing downstream parses them again).
with

reforms as (
    select
        *,
        coalesce(string_split(nullif(affects, ''), ';'), []) as entries
    from {{ ref('reforms') }}
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
        list_filter(entries, lambda e: {{ reform_entry_dimension('e') }} is null)
            as affects_indicators,
        list_transform(
            list_filter(entries, lambda e: {{ reform_entry_dimension('e') }} is not null),
            lambda e: {
                'indicator_id': {{ reform_entry_indicator('e') }},
                'dimension': {{ reform_entry_dimension('e') }}
            }
        ) as affects_breakdowns
    from reforms
)

select * from final
