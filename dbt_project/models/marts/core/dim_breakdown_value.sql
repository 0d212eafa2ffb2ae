-- Every breakdown value the indicators publish, in the committee's words: each part of a
-- value (a breakdown of several dimensions, e.g. 'herkomst_maalgruppe', has a part per
-- dimension, 'ikke-vestlig / kh_jobparat') named from the seed of its dimension, the parts
-- joined as the value joins them. A part no seed names (origin groups, ages, free text such
-- as 'færre samtaler end kravet') is shown as it is, its words already Danish.
with

indicator_values as (
    select distinct
        breakdown,
        breakdown_value
    from {{ ref('fct_indicator_values') }}
),

ydelse_groups as (
    select * from {{ ref('ydelse_groups') }}
),

maalgruppe_mapping as (
    select * from {{ ref('maalgruppe_mapping') }}
),

-- the target groups, and the groups the unemployment indicators count their ledige under
-- (the åbenlyst uddannelsesparate: seed maalgruppe_mapping, ledige_maalgruppe_code)
target_groups as (
    select
        maalgruppe_code as code,
        maalgruppe_name as code_name
    from maalgruppe_mapping
    union all
    select
        ledige_maalgruppe_code as code,
        ledige_maalgruppe_name as code_name
    from maalgruppe_mapping
    where ledige_maalgruppe_code is not null
),

offer_types as (
    select * from {{ ref('offer_types') }}
),

koen_codes as (
    select * from {{ ref('koen_codes') }}
),

herkomst_codes as (
    select * from {{ ref('herkomst_codes') }}
),

-- the name of each code of each dimension (a breakdown's name is its dimensions, '_' apart)
names as (
    select
        'ydelsesgruppe' as dimension,
        ydelse_group as code,
        ydelse_group_name as code_name
    from ydelse_groups
    union all
    select
        'ydelse' as dimension,
        ydelse_group as code,
        ydelse_group_name as code_name
    from ydelse_groups
    union all
    select distinct
        'maalgruppe' as dimension,
        code,
        code_name
    from target_groups
    union all
    select
        'tilbudstype' as dimension,
        offer_type as code,
        offer_type_name as code_name
    from offer_types
    union all
    select
        'koen' as dimension,
        koen as code,
        koen_name as code_name
    from koen_codes
),

parts as (
    select
        breakdown,
        breakdown_value,
        unnest(string_split(breakdown, '_')) as dimension,
        unnest(string_split(breakdown_value, ' / ')) as code,
        unnest(range(len(string_split(breakdown, '_')))) as part_number
    from indicator_values
    where breakdown != 'total'
),

-- each value's label; and whether it has an origin group that is the union of others the
-- breakdown shows: an origin no seed names ('dansk og vestlig', 'øvrige': the comparison
-- groups of 5.0-5.6), listed after its parts, so that a reader does not add it to them
-- (helper-57: "dansk og vestlig" stood between "dansk" and "vestlig")
named as (
    select
        parts.breakdown,
        parts.breakdown_value,
        string_agg(
            coalesce(names.code_name, parts.code), ' / ' order by parts.part_number
        ) as label_da,
        bool_or(parts.dimension = 'herkomst' and herkomst_codes.herkomst is null)
            as is_combined_group
    from parts
    left join names on parts.dimension = names.dimension and parts.code = names.code
    left join herkomst_codes
        on parts.dimension = 'herkomst' and parts.code = herkomst_codes.herkomst
    group by parts.breakdown, parts.breakdown_value
),

final as (
    select
        breakdown::varchar as breakdown,
        breakdown_value::varchar as breakdown_value,
        label_da::varchar as label_da,
        is_combined_group::boolean as is_combined_group
    from named
    union all
    select distinct
        breakdown::varchar as breakdown,
        breakdown_value::varchar as breakdown_value,
        breakdown_value::varchar as label_da,
        false as is_combined_group
    from indicator_values
    where breakdown = 'total'
)

select * from final
