-- 4.1 Andelen af unge (25-29 år), som har fuldført en erhvervskompetencegivende uddannelse:
-- of residents aged 25-29 on 1 October of the year (var education_measured_month;
-- calendar-year age), the share whose highest completed education is vocational or higher;
-- per sex, per origin and in all, for each year whose October lies in the register.
-- Ballerup from its persons register; the country, the regions and the other municipalities
-- from StatBank HFUDD11 (residents 25-29 on 30 September), in all and by sex: HFUDD11's
-- origin groups are Danish origin, immigrants and descendants, not western / non-western, so
-- the origin rows are Ballerup's only.
with

population as (
    select * from {{ ref('int_population_months') }}
    where
        month(month_date) = {{ var('education_measured_month') }}
        and {{ in_age_band('age', 'young_adults') }}
),

benchmark as (
    select * from {{ ref('stg_statbank__hfudd11') }}
),

ballerup_cells as (
    select
        koen,
        herkomst,
        make_date(year(month_date), 1, 1) as period,
        sum(n_persons) as n_persons,
        sum(n_persons) filter (where has_vocational_education) as n_vocational
    from population
    group by all
),

-- per sex, per origin and in all in one scan (cube, less the cells by both), not three
-- aggregations
ballerup as (
    select
        period,
        {{ grouped_breakdown([('koen', 'koen'), ('herkomst', 'herkomst')]) }},
        sum(n_persons) as n_persons,
        coalesce(sum(n_vocational), 0) as n_vocational
    from ballerup_cells
    group by period, cube(koen, herkomst)
    having grouping(koen) = 1 or grouping(herkomst) = 1
),

other_areas as (
    select
        period_date as period,
        area_code,
        case when koen = 'I alt' then 'total' else 'koen' end as breakdown,
        koen as breakdown_value,
        n_persons,
        n_vocational
    from benchmark
    where area_code != {{ var('home_municipality') }}
),

both_paths as (
    select
        period,
        {{ var('home_municipality') }} as area_code,
        breakdown,
        breakdown_value,
        n_persons,
        n_vocational
    from ballerup
    union all
    select * from other_areas
),

final as (
    select
        '4.1' as indicator_id,
        period,
        'year' as period_type,
        area_code,
        breakdown,
        breakdown_value,
        n_vocational::double as numerator,
        n_persons::double as denominator,
        {{ pct('n_vocational', 'n_persons') }} as value,
        'pct' as unit
    from both_paths
)

select
    *,
    {{ is_small_cell() }} as is_suppressed
from final
