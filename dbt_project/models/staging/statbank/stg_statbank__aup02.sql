-- AUP02: fuldtidsledige in pct. of the labour force, by area, month and age group.
-- ALDER comes as its code (extracts.yml asks AUP02 for codes: TOT, 16-24, ..., 6099, recorded
-- from its tableinfo; its Danish labels are not recorded). A code the seed age_groups does
-- not name keeps its row with a NULL age_group (left join), which the data test not_null on
-- age_group refuses, naming the code (age_label): an inner join left that age group, or all
-- of 0.1, out without a word (a delivery by labels did so, before the codes were asked).
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
        age_groups.age_group,
        age_groups.is_total as is_age_total,
        observations.value as unemployment_pct,
        json_extract_string(observations.dimensions, '$.ALDER') as age_label
    from observations
    left join age_groups
        on json_extract_string(observations.dimensions, '$.ALDER') = age_groups.source_label
    where observations.table_id = 'AUP02'
)

select * from final
