-- FOLK1A: residents on the first day of each quarter in the 'young' age band (var
-- age_bands: 18-29; age in whole years on that day, DST's convention), by area
-- (stg_statbank__folk1a_ages). A quarter counts only where every age of the band is
-- published.
with

ages as (
    select * from {{ ref('stg_statbank__folk1a_ages') }}
),

final as (
    select
        area_code,
        quarter_date,
        sum(n_residents) as n_young_residents
    from ages
    where {{ in_age_band('age', 'young') }}
    group by area_code, quarter_date
    having count(n_residents) = {{ age_band_size('young') }}
)

select * from final
