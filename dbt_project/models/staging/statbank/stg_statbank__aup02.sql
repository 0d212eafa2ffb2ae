-- AUP02: fuldtidsledige in pct. of the labour force, by area, month and age group.
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
        observations.value as unemployment_pct
    from observations
    inner join age_groups
        on json_extract_string(observations.dimensions, '$.ALDER') = age_groups.source_label
    where observations.table_id = 'AUP02'
)

select * from final
