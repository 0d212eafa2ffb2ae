-- PEN113: new recipients of førtidspension per month (YDELSESTYPE 40 Førtidspension i alt,
-- MODTAG1 82 Nye modtagere (månedsvis)), by area and five-year age band (ALDER codes like
-- '1824': 18-24 år). extracts.yml asks these ids only; the filter keeps the meaning if a
-- delivery holds more.
with

observations as (
    select * from {{ ref('stg_statbank__observations') }}
    where
        table_id = 'PEN113'
        and json_extract_string(dimensions, '$.YDELSESTYPE') = '40'
        and json_extract_string(dimensions, '$.MODTAG1') = '82'
),

-- a total a delivery may hold ('TOT' or 'IALT': PEN113's own code for it is not recorded) is
-- left out; any other code that is no band of two ages stays, with NULL ages that the not_null
-- tests name, rather than vanishing from 3.3's country
bands as (
    select
        area_code,
        period_date as month_date,
        value as n_new_recipients,
        json_extract_string(dimensions, '$.ALDER') as age_band
    from observations
    where
        area_code is not null
        and coalesce(json_extract_string(dimensions, '$.ALDER'), '') not in ('TOT', 'IALT')
),

final as (
    select
        area_code,
        month_date,
        age_band,
        n_new_recipients,
        try_cast(left(age_band, 2) as integer) as min_age,
        try_cast(right(age_band, 2) as integer) as max_age
    from bands
)

select * from final
