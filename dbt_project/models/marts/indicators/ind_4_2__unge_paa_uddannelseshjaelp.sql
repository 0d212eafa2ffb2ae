-- 4.2 Andelen af unge (18-29 år), som er på uddannelseshjælp: fuldtidspersoner on
-- uddannelseshjælp (a benefit for those under 30) in pct. of residents aged 18-29
-- (calendar-year age); from the kontanthjælp reform (1 July 2025), those aged 18-29 on
-- kontanthjælp in uddannelseshjælp's scope (int_uddannelseshjaelp_months). Ballerup from
-- its register and persons.
-- The country (the strategy's "nationale niveau"), to June 2025: Jobindsats y38a02's
-- fuldtidspersoner on uddannelseshjælp (a benefit for those under 30 without a vocational
-- education, so the table's all ages are the 18-29-year-olds) in pct. of FOLK1A's residents
-- aged 18-29 on the first day of the month's quarter. From July 2025 no published table
-- gives kontanthjælp recipients in uddannelseshjælp's scope (y60a02's split by sats and
-- visitation is not verified, docs/sources/real_tables.md §3): no comparator.
with

person_months as (
    select * from {{ ref('int_uddannelseshjaelp_months') }}
),

population as (
    select * from {{ ref('int_population_months') }}
    where {{ in_age_band('age', 'young') }}
),

calendar as (
    select * from {{ ref('int_calendar_months') }}
),

country_area as (
    select area_code from {{ ref('stg_reference__areas') }}
    where area_type = 'country'
),

national_fuldtidspersoner as (
    select * from {{ ref('stg_jobindsats__fuldtidspersoner') }}
    where
        area_code in (select country_area.area_code from country_area)
        and ydelse_group = 'uddannelseshjaelp'
),

national_population as (
    select * from {{ ref('stg_statbank__folk1a') }}
    where area_code in (select country_area.area_code from country_area)
),

young_weeks as (
    select
        month_date,
        sum(n_weeks) as n_person_weeks
    from person_months
    -- the residents the denominator counts (int_population_months: on the month's 1st).
    -- Before the reform every recipient, as y38a02 counts them all: uddannelseshjælp is for
    -- those under 30, and one turning 30 this year is 30 by the calendar-year age all year
    -- but 29 until the birthday (dropping them made Ballerup's share 1.9 % low in the
    -- sample's year before the reform, helper-74). From it, the scope's ages (18-29).
    where is_resident and (not is_after_reform or {{ in_age_band('age', 'young') }})
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

country as (
    select
        national_fuldtidspersoner.period_date as period,
        national_population.n_young_residents as n_residents,
        national_fuldtidspersoner.area_code,
        national_fuldtidspersoner.fuldtidspersoner
    from national_fuldtidspersoner
    inner join national_population
        on
            national_fuldtidspersoner.area_code = national_population.area_code
            and date_trunc('quarter', national_fuldtidspersoner.period_date)
            = national_population.quarter_date
    where national_fuldtidspersoner.fuldtidspersoner is not null
),

both_areas as (
    select * from ballerup
    union all by name
    select * from country
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
    from both_areas
)

select
    *,
    {{ is_small_cell() }} as is_suppressed
from final
