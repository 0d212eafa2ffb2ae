-- Y04A02: insured unemployed (on dagpenge) in the month and those in a virksomhedsrettet
-- offer, by area, month and offer type ('I alt': any of them) (2.4).
with

observations as (
    select * from {{ ref('stg_jobindsats__observations') }}
),

offer_types as (
    select * from {{ ref('offer_types') }}
),

pivoted as (
    {{ pivot_observations(
        'observations', 'Y04A02',
        {'_tilbud': 'offer_label'},
        {'Y04A02_LEDIGE': 'n_insured_unemployed', 'Y04A02_TILBUD': 'n_in_offer',
         'Y04A02_ANDEL': 'in_offer_pct'}
    ) }}
),

final as (
    select
        pivoted.area_code,
        pivoted.period_date,
        pivoted.n_insured_unemployed,
        pivoted.n_in_offer,
        pivoted.in_offer_pct,
        case
            when pivoted.offer_label in ('I alt', 'Køn i alt', 'Herkomst i alt') then 'I alt' else
                offer_types.offer_type
        end as offer_type,
        pivoted.offer_label = 'I alt' as is_total
    from pivoted
    left join offer_types on pivoted.offer_label = offer_types.offer_type_name
)

select * from final
