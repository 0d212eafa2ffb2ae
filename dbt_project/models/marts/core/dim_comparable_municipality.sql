-- The municipalities most like the home municipality: the n_comparable_municipalities nearest
-- to it by STAR's expected share of residents on public support (Jobindsats y30r21, all
-- benefit groups, its latest rolling year). The expected share is STAR's summary of the
-- framework conditions it models (rammevilkår), so nearness on it is nearness in conditions,
-- not in results. Ties by the smaller municipality code.
with

expected as (
    select * from {{ ref('fct_expected_level') }}
    where ydelsesgruppe = 'Ydelsesgrupper i alt' and expected_pct is not null
),

latest as (
    select max(period) as period
    from expected
    where is_home_municipality
),

home as (
    select expected.expected_pct
    from expected
    inner join latest on expected.period = latest.period
    where expected.is_home_municipality
),

distances as (
    select
        expected.period,
        expected.area_code,
        expected.area_name,
        expected.expected_pct,
        home.expected_pct as home_expected_pct,
        -- STAR publishes the shares with published_pct_decimals: so is their distance
        round(
            abs(expected.expected_pct - home.expected_pct), {{ var('published_pct_decimals') }}
        ) as distance
    from expected
    inner join latest on expected.period = latest.period
    cross join home
    where not expected.is_home_municipality
),

final as (
    select
        period,
        area_code,
        area_name,
        expected_pct,
        home_expected_pct,
        distance,
        row_number() over (order by distance, area_code) as closeness
    from distances
    qualify closeness <= {{ var('n_comparable_municipalities') }}
)

select * from final
