-- Y30A01: persons in each target group in the month and those who left public support for
-- self-support or started a virksomhedsrettet offer in it, by area and month (1.1).
with

observations as (
    select * from {{ ref('stg_jobindsats__observations') }}
),

target_groups as (
    select distinct
        maalgruppe_code,
        maalgruppe_name
    from {{ ref('maalgruppe_mapping') }}
),

pivoted as (
    {{ pivot_observations(
        'observations', 'Y30A01',
        {'_maalgrp': 'maalgruppe_label'},
        {'Y30A01_PERS': 'n_persons', 'Y30A01_OVERGANG': 'n_moved', 'Y30A01_ANDEL': 'moved_pct'}
    ) }}
),

final as (
    select
        pivoted.area_code,
        pivoted.period_date,
        pivoted.n_persons,
        pivoted.n_moved,
        pivoted.moved_pct,
        case
            when
                pivoted.maalgruppe_label in ('I alt', 'Køn i alt', 'Herkomst i alt')
                then 'I alt'
            else target_groups.maalgruppe_code
        end as maalgruppe_code,
        pivoted.maalgruppe_label = 'I alt' as is_total
    from pivoted
    left join target_groups on pivoted.maalgruppe_label = target_groups.maalgruppe_name
)

select * from final
