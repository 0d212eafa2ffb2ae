-- HFUDD11: residents aged 25-29 (30 September of the year) and those whose highest
-- completed education is vocational or higher, by area, year and sex ('I alt' for both).
-- extracts.yml asks HFUDD for all levels (TOT) and only the vocational or higher ones
-- (H30, H40, H50, H60, H70, H80), so their sum is the numerator; codes, not labels.
with

observations as (
    select * from {{ ref('stg_statbank__observations') }}
    where table_id = 'HFUDD11'
),

koen_codes as (
    select * from {{ ref('koen_codes') }}
),

pivoted as (
    select
        area_code,
        period_date,
        json_extract_string(dimensions, '$.KØN') as koen_code,
        max(value) filter (
            where json_extract_string(dimensions, '$.HFUDD') = 'TOT'
        ) as n_persons,
        sum(value) filter (
            where json_extract_string(dimensions, '$.HFUDD') != 'TOT'
        ) as n_vocational
    from observations
    where
        area_code is not null
        and json_extract_string(dimensions, '$.ALDER')
        = '{{ var('age_bands')['young_adults'] | join('-') }}'
    group by all
),

final as (
    select
        pivoted.area_code,
        pivoted.period_date,
        pivoted.n_persons,
        pivoted.n_vocational,
        case when pivoted.koen_code = 'TOT' then 'I alt' else koen_codes.koen end as koen
    from pivoted
    left join koen_codes on pivoted.koen_code = koen_codes.koen
)

select * from final
