-- 5.1 Andelen af offentligt forsørgede fordelt på herkomst og målgruppe: of residents aged
-- 16-64 of each origin, the fuldtidspersoner on public support in pct.; per origin and
-- target group ('herkomst_maalgruppe', value '<origin> / <target group>'), per origin, and in
-- all. Target groups follow the dated mapping (the kontanthjælp reform of 1 July 2025
-- changes them). Ballerup only, from its register and persons: no published table gives the
-- share of each origin's residents on public support by target group
-- (docs/sources/real_tables.md, §3).
with

ftp as (
    select * from {{ ref('int_fuldtidspersoner_by_origin') }}
    -- the residents the denominator counts (int_population_months: on the month's 1st)
    where is_resident and {{ in_age_band('age', 'working_age') }}
),

population as (
    select * from {{ ref('int_population_months') }}
    where {{ in_age_band('age', 'working_age') }}
),

residents as (
    select
        month_date,
        herkomst,
        sum(n_persons) as n_residents
    from population
    group by month_date, herkomst
),

-- per origin and target group and per origin, in one aggregation
cells as (
    select
        month_date,
        herkomst,
        case
            when grouping(maalgruppe_code) = 1 then 'herkomst' else 'herkomst_maalgruppe'
        end as breakdown,
        case
            when grouping(maalgruppe_code) = 1 then herkomst
            else herkomst || ' / ' || maalgruppe_code
        end as breakdown_value,
        sum(fuldtidspersoner) as fuldtidspersoner
    from ftp
    group by month_date, herkomst, rollup(maalgruppe_code)
),

ballerup as (
    select
        cells.month_date as period,
        {{ var('home_municipality') }} as area_code,
        cells.breakdown,
        cells.breakdown_value,
        cells.fuldtidspersoner,
        residents.n_residents
    from cells
    inner join residents
        on cells.month_date = residents.month_date and cells.herkomst = residents.herkomst
    union all
    select
        residents.month_date as period,
        {{ var('home_municipality') }} as area_code,
        'total' as breakdown,
        'I alt' as breakdown_value,
        coalesce(sum(ftp.fuldtidspersoner), 0) as fuldtidspersoner,
        any_value(residents.n_residents) as n_residents
    from (
        select
            month_date,
            sum(n_residents) as n_residents
        from residents
        group by month_date
    ) as residents
    left join ftp on residents.month_date = ftp.month_date
    group by residents.month_date
),

final as (
    select
        '5.1' as indicator_id,
        period,
        'month' as period_type,
        area_code,
        breakdown,
        breakdown_value,
        fuldtidspersoner::double as numerator,
        n_residents::double as denominator,
        {{ pct('fuldtidspersoner', 'n_residents') }} as value,
        'pct' as unit
    from ballerup
)

select
    *,
    {{ is_small_cell() }} as is_suppressed
from final
