-- 5.2 Andelen af offentligt forsørgede fordelt på herkomst, målgruppe og køn: as 5.1 by sex
-- too; per origin, target group and sex ('herkomst_maalgruppe_koen', value
-- '<origin> / <target group> / <sex>'), per origin and sex ('herkomst_koen'), and in all.
-- Ballerup only, from its register and persons: no published table gives the share of each
-- origin's residents on public support by target group and sex (docs/sources/real_tables.md).
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
        koen,
        sum(n_persons) as n_residents
    from population
    group by month_date, herkomst, koen
),

-- per origin, target group and sex and per origin and sex, in one aggregation
cells as (
    select
        month_date,
        herkomst,
        koen,
        case
            when grouping(maalgruppe_code) = 1 then 'herkomst_koen'
            else 'herkomst_maalgruppe_koen'
        end as breakdown,
        case
            when grouping(maalgruppe_code) = 1 then herkomst || ' / ' || koen
            else herkomst || ' / ' || maalgruppe_code || ' / ' || koen
        end as breakdown_value,
        sum(fuldtidspersoner) as fuldtidspersoner
    from ftp
    group by month_date, herkomst, koen, rollup(maalgruppe_code)
),

ballerup as (
    select
        residents.month_date as period,
        {{ var('home_municipality') }} as area_code,
        cells.breakdown,
        cells.breakdown_value,
        cells.fuldtidspersoner,
        residents.n_residents
    from cells
    inner join residents
        on
            cells.month_date = residents.month_date
            and cells.herkomst = residents.herkomst
            and cells.koen = residents.koen
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
        '5.2' as indicator_id,
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
