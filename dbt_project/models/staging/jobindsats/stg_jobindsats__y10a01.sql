-- Y10A01: aktivitetsparate kontanthjælp recipients and persons in ressourceforløb in the
-- month and those in løntilskud, virksomhedspraktik or with paid hours, by area, month and
-- target group (3.1).
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
        'observations', 'Y10A01',
        {'_maalgrp': 'maalgruppe_label'},
        {'Y10A01_PERS': 'n_persons', 'Y10A01_VIRK': 'n_in_company', 'Y10A01_ANDEL': 'in_company_pct'}
    ) }}
),

final as (
    select
        pivoted.area_code,
        pivoted.period_date,
        pivoted.n_persons,
        pivoted.n_in_company,
        pivoted.in_company_pct,
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
