-- Y14D03: new dagpenge spells and those still on dagpenge 13 weeks after the first day,
-- by area, month (of week 13) and age group. One row per area, month and age group.
with

observations as (
    select * from {{ ref('stg_jobindsats__observations') }}
),

age_groups as (
    select * from {{ ref('age_groups') }}
    where source_system = 'jobindsats'
),

pivoted as (
    select
        area_code,
        period_date,
        json_extract_string(dimensions, '$._ygrpa06') as age_label,
        max(case when measure = 'Y14D03_NYE' then value end) as n_new_spells,
        max(case when measure = 'Y14D03_FORTSAT' then value end) as n_still_on,
        max(case when measure = 'Y14D03_ANDEL' then value end) as still_on_pct
    from observations
    where table_id = 'Y14D03'
    group by all
),

final as (
    select
        pivoted.area_code,
        pivoted.period_date,
        age_groups.age_group,
        age_groups.is_total as is_age_total,
        pivoted.n_new_spells,
        pivoted.n_still_on,
        pivoted.still_on_pct
    from pivoted
    inner join age_groups on pivoted.age_label = age_groups.source_label
)

select * from final
