-- FOLK1A: residents on the first day of each quarter in the 'young' age band (var
-- age_bands: 18-29; age in whole years on that day, DST's convention), by area. extracts.yml
-- asks ALDER 18 to 29 only, one code per year of age, with KØN and CIVILSTAND eliminated
-- (their totals); codes, not labels. A quarter counts only where every age of the band is
-- published.
with

observations as (
    select * from {{ ref('stg_statbank__observations') }}
    where table_id = 'FOLK1A'
),

ages as (
    select
        area_code,
        period_date,
        value,
        try_cast(json_extract_string(dimensions, '$.ALDER') as integer) as age
    from observations
    where area_code is not null
),

final as (
    select
        area_code,
        period_date as quarter_date,
        sum(value) as n_young_residents
    from ages
    where {{ in_age_band('age', 'young') }}
    group by area_code, period_date
    having count(value) = {{ age_band_size('young') }}
)

select * from final
