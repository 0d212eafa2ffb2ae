-- FOLK1A: residents on the first day of each quarter by area and year of age (DST's age in
-- whole years on that day). extracts.yml asks ALDER for every year of age of the bands that
-- read it (4.2's young, 18-29; 3.3's residents, 18-64), one code per year, with KØN and
-- CIVILSTAND eliminated (their totals); codes, not labels.
with

observations as (
    select * from {{ ref('stg_statbank__observations') }}
    where table_id = 'FOLK1A'
),

-- FOLK1A's ALDER codes are 'IALT' (Alder i alt) and '0' to '125' (docs/sources/real_tables.md,
-- FOLK1A): a total a delivery may hold is left out; any other code that is no year of age
-- stays, as a NULL age that the not_null test names, rather than vanishing from 4.2's and
-- 3.3's denominators
final as (
    select
        area_code,
        period_date as quarter_date,
        value as n_residents,
        try_cast(json_extract_string(dimensions, '$.ALDER') as integer) as age
    from observations
    where
        area_code is not null
        and json_extract_string(dimensions, '$.ALDER') is distinct from 'IALT'
)

select * from final
