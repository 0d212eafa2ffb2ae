-- STAR's expected level (Jobindsats y30r21): for every municipality, rolling year and benefit
-- group, the expected and the actual share of its residents on public support, the
-- difference in persons and points, its rank among all municipalities as STAR publishes it,
-- and its rank within its region (the same order, among the region's municipalities).
-- The figures are STAR's own, published for every municipality: nothing here is computed
-- from person data. Positive difference: fewer on public support than expected.
with

expected as (
    select * from {{ ref('stg_jobindsats__y30r21') }}
),

areas as (
    select * from {{ ref('stg_reference__areas') }}
    where area_type = 'municipality'
),

ranked as (
    select
        expected.period_date as period,
        expected.area_code,
        areas.area_name,
        areas.region_code,
        expected.ydelsesgruppe,
        expected.expected_ftp,
        expected.actual_ftp,
        expected.diff_ftp,
        expected.expected_pct,
        expected.actual_pct,
        expected.diff_pct,
        expected.rank_national,
        count(*) over (
            partition by expected.period_date, expected.ydelsesgruppe
        ) as n_ranked_national,
        rank() over (
            partition by expected.period_date, expected.ydelsesgruppe, areas.region_code
            order by expected.rank_national
        ) as rank_region,
        count(*) over (
            partition by expected.period_date, expected.ydelsesgruppe, areas.region_code
        ) as n_ranked_region
    from expected
    inner join areas on expected.area_code = areas.area_code
),

final as (
    select
        period,
        'rolling_year' as period_type,
        area_code,
        area_name,
        region_code,
        ydelsesgruppe,
        expected_ftp,
        actual_ftp,
        diff_ftp,
        expected_pct,
        actual_pct,
        diff_pct,
        -- the difference's sign in words, as the report says it (STAR: expected minus
        -- actual), by its fuldtidspersoner where STAR gives them: its points are rounded
        -- to one decimal, so 649 expected against 648 would read 0,0 and 'som forventet'
        -- beside a difference of 1 (helper-75)
        case
            when coalesce(diff_ftp, diff_pct) > 0 then 'færre end forventet'
            when coalesce(diff_ftp, diff_pct) < 0 then 'flere end forventet'
            when coalesce(diff_ftp, diff_pct) = 0 then 'som forventet'
        end as difference_da,
        rank_national,
        n_ranked_national,
        rank_region::integer as rank_region,
        n_ranked_region,
        area_code = {{ var('home_municipality') }} as is_home_municipality
    from ranked
)

select * from final
