-- AUP02: fuldtidsledige in pct. of the labour force, by area, month and age group.
-- An ALDER label the seed age_groups does not name keeps its row with a NULL age_group
-- (left join), which the data test not_null on age_group refuses, naming the label
-- (age_label): an inner join left that age group, or all of 0.1, out without a word. The
-- Danish labels are not recorded from DST (docs/sources/real_tables.md, AUP02: only the codes
-- TOT, 16-24, ..., 6099 are), so a real delivery that words them otherwise is stopped here.
with

observations as (
    select * from {{ ref('stg_statbank__observations') }}
),

age_groups as (
    select * from {{ ref('age_groups') }}
    where source_system = 'statbank'
),

final as (
    select
        observations.area_code,
        observations.period_date,
        json_extract_string(observations.dimensions, '$.ALDER') as age_label,
        age_groups.age_group,
        age_groups.is_total as is_age_total,
        observations.value as unemployment_pct
    from observations
    left join age_groups
        on json_extract_string(observations.dimensions, '$.ALDER') = age_groups.source_label
    where observations.table_id = 'AUP02'
)

select * from final
