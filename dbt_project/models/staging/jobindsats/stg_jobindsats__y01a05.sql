-- Y01A05: residents aged 16-64 and their fuldtidspersoner on public support, by area, month,
-- origin and sex ('I alt' for all) (5.1, 5.2).
with

observations as (
    select * from {{ ref('stg_jobindsats__observations') }}
),

herkomst_codes as (
    select * from {{ ref('herkomst_codes') }}
),

koen_codes as (
    select * from {{ ref('koen_codes') }}
),

pivoted as (
    {{ pivot_observations(
        'observations', 'Y01A05',
        {'_herkomst': 'herkomst_label', '_koen': 'koen_label'},
        {'Y01A05_BEF': 'n_residents', 'Y01A05_FTP': 'fuldtidspersoner', 'Y01A05_ANDEL': 'share_pct'}
    ) }}
),

final as (
    select
        pivoted.area_code,
        pivoted.period_date,
        pivoted.n_residents,
        pivoted.fuldtidspersoner,
        pivoted.share_pct,
        case
            when
                pivoted.herkomst_label in ('I alt', 'Køn i alt', 'Herkomst i alt')
                then 'I alt'
            else herkomst_codes.herkomst
        end as herkomst,
        case
            when pivoted.koen_label in ('I alt', 'Køn i alt', 'Herkomst i alt') then 'I alt' else
                koen_codes.koen
        end as koen
    from pivoted
    left join herkomst_codes on pivoted.herkomst_label = herkomst_codes.herkomst_name
    left join koen_codes on pivoted.koen_label = koen_codes.koen_name
)

select * from final
