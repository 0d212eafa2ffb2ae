-- 4.2 Andelen af unge (18-29 år), som er på uddannelseshjælp: fuldtidspersoner aged 18-29
-- (calendar-year age) on uddannelseshjælp in pct. of residents aged 18-29; from the
-- kontanthjælp reform (1 July 2025), on kontanthjælp in uddannelseshjælp's scope
-- (int_uddannelseshjaelp_months). Ballerup only, from its register and persons: no published
-- table gives this share. Jobindsats y38a02 (uddannelseshjælp, to June 2025) and y60a02
-- (kontanthjælp from July 2025) publish fuldtidspersoner, but an age split of y60a02 and a
-- population table to divide by are not yet established (docs/sources/real_tables.md, §3).
with

person_months as (
    select * from {{ ref('int_uddannelseshjaelp_months') }}
),

population as (
    select * from {{ ref('int_population_months') }}
    where age between 18 and 29
),

calendar as (
    select * from {{ ref('int_calendar_months') }}
),

young_weeks as (
    select
        month_date,
        sum(n_weeks) as n_person_weeks
    from person_months
    where age between 18 and 29
    group by month_date
),

residents as (
    select
        month_date,
        sum(n_persons) as n_residents
    from population
    group by month_date
),

ballerup as (
    select
        calendar.month_date as period,
        residents.n_residents,
        {{ var('home_municipality') }} as area_code,
        coalesce(young_weeks.n_person_weeks, 0) / calendar.n_weeks_in_month as fuldtidspersoner
    from calendar
    inner join residents on calendar.month_date = residents.month_date
    left join young_weeks on calendar.month_date = young_weeks.month_date
),

final as (
    select
        '4.2' as indicator_id,
        period,
        'month' as period_type,
        area_code,
        'total' as breakdown,
        'I alt' as breakdown_value,
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
