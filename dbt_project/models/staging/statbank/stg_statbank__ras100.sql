-- RAS100: persons in the labour force (aged 16-64), by area, month and age group (2.5).
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
        observations.value as n_labour_force
    from observations
    inner join age_groups
        on json_extract_string(observations.dimensions, '$.ALDER') = age_groups.source_label
    where observations.table_id = 'RAS100'
)

select * from final
