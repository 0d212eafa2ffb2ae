-- HFUDD25: residents aged 25-29 on 1 October and those whose highest completed education is
-- vocational or higher, by area, year, sex and origin ('I alt' for all) (4.1).
with

observations as (
    select * from {{ ref('stg_statbank__observations') }}
    where table_id = 'HFUDD25'
),

herkomst_codes as (
    select * from {{ ref('herkomst_codes') }}
),

koen_codes as (
    select * from {{ ref('koen_codes') }}
),

pivoted as (
    select
        area_code,
        period_date,
        json_extract_string(dimensions, '$.KØN') as koen_label,
        json_extract_string(dimensions, '$.HERKOMST') as herkomst_label,
        max(value) filter (
            where json_extract_string(dimensions, '$.HFUDD') = 'Alle uddannelsesniveauer'
        ) as n_persons,
        max(value) filter (
            where
            json_extract_string(dimensions, '$.HFUDD')
            = 'Erhvervskompetencegivende uddannelse'
        ) as n_vocational
    from observations
    where area_code is not null
    group by all
),

final as (
    select
        pivoted.area_code,
        pivoted.period_date,
        pivoted.n_persons,
        pivoted.n_vocational,
        case
            when pivoted.koen_label in ('I alt', 'Køn i alt', 'Herkomst i alt') then 'I alt' else
                koen_codes.koen
        end as koen,
        case
            when
                pivoted.herkomst_label in ('I alt', 'Køn i alt', 'Herkomst i alt')
                then 'I alt'
            else herkomst_codes.herkomst
        end as herkomst
    from pivoted
    left join herkomst_codes on pivoted.herkomst_label = herkomst_codes.herkomst_name
    left join koen_codes on pivoted.koen_label = koen_codes.koen_name
)

select * from final
