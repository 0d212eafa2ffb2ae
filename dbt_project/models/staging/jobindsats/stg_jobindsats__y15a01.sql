-- Y15A01: awards of førtidspension in the 12 months ending each month (period = the
-- window's last month) and residents aged 18-64, by area and age group at the award (3.3).
with

observations as (
    select * from {{ ref('stg_jobindsats__observations') }}
),

age_groups as (
    select * from {{ ref('age_groups') }}
    where source_system = 'foertidspension'
),

pivoted as (
    {{ pivot_observations(
        'observations', 'Y15A01',
        {'_alder': 'age_label'},
        {'Y15A01_BEF': 'n_residents', 'Y15A01_TILK': 'n_awards', 'Y15A01_PR10000': 'per_10000'}
    ) }}
),

final as (
    select
        pivoted.area_code,
        pivoted.period_date,
        pivoted.period_type,
        age_groups.age_group,
        age_groups.is_total as is_age_total,
        pivoted.n_residents,
        pivoted.n_awards,
        pivoted.per_10000
    from pivoted
    inner join age_groups on pivoted.age_label = age_groups.source_label
)

select * from final
