-- Y07A01: persons unemployed at the month's end and those long-term unemployed (at least
-- 80 % of the last 52 weeks), by area, month and age group (2.3).
with

observations as (
    select * from {{ ref('stg_jobindsats__observations') }}
),

age_groups as (
    select * from {{ ref('age_groups') }}
    where source_system = 'jobindsats'
),

pivoted as (
    {{ pivot_observations(
        'observations', 'Y07A01',
        {'_ygrpa06': 'age_label'},
        {'Y07A01_LEDIGE': 'n_unemployed', 'Y07A01_LANGTID': 'n_long_term',
         'Y07A01_ANDEL': 'long_term_pct'}
    ) }}
),

final as (
    select
        pivoted.area_code,
        pivoted.period_date,
        age_groups.age_group,
        age_groups.is_total as is_age_total,
        pivoted.n_unemployed,
        pivoted.n_long_term,
        pivoted.long_term_pct
    from pivoted
    inner join age_groups on pivoted.age_label = age_groups.source_label
)

select * from final
