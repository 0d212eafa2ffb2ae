-- y25i09 "Antal langtidsledige personer": long-term unemployed persons (unemployed or
-- activated at least 80 % of the last 12 months) and gross unemployed persons, their share,
-- by area and month; all benefit groups and a-kasser (the totals asked for: extracts.yml).
with

observations as (
    select * from {{ ref('stg_jobindsats__observations') }}
),

pivoted as (
    {{ pivot_observations(
        'observations', 'y25i09',
        {},
        {'n_long_term': 'n_long_term', 'n_gross_unemployed': 'n_gross_unemployed',
         'pct_long_term': 'pct_long_term'}
    ) }}
),

final as (
    select
        area_code,
        period_date,
        n_long_term,
        n_gross_unemployed,
        pct_long_term
    from pivoted
)

select * from final
