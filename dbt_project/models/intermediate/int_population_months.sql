-- Residents per month by age (the month's calendar year minus birth year), origin, sex,
-- labour-force and a-kasse membership, and vocational education: the population and
-- labour-force denominators, aggregated (no person identifiers). A month's population is who
-- lived in the municipality on its first day, with the status the dated persons register
-- gives them that day, as DST counts the population on the first day of a quarter (FOLK1A,
-- "Befolkningen den 1. i kvartalet"). A person who has moved away leaves the denominators of
-- the months after, not of the months lived here.
with

periods as (
    select * from {{ ref('stg_registers__person_periods') }}
    where municipality_code = {{ var('home_municipality') }}
),

persons as (
    select * from {{ ref('stg_registers__persons') }}
),

calendar as (
    select * from {{ ref('int_calendar_months') }}
),

-- the first and the last month whose first day a period covers (none if it covers no
-- first day); open periods run to the calendar's end
period_months as (
    select
        periods.person_key,
        periods.is_in_labour_force,
        periods.is_insured,
        periods.has_vocational_education,
        date_trunc('month', periods.valid_from - 1) + interval 1 month as first_month,
        coalesce(date_trunc('month', periods.valid_to), date '9999-12-01') as last_month
    from periods
),

-- persons alike in all but their identity are counted together before the calendar join
cohorts as (
    select
        persons.birth_year,
        persons.herkomst,
        persons.koen,
        period_months.is_in_labour_force,
        period_months.is_insured,
        period_months.has_vocational_education,
        period_months.first_month,
        period_months.last_month,
        count(*) as n_persons
    from period_months
    inner join persons on period_months.person_key = persons.person_key
    where period_months.first_month <= period_months.last_month
    group by all
),

final as (
    select
        calendar.month_date,
        cohorts.herkomst,
        cohorts.koen,
        cohorts.is_in_labour_force,
        cohorts.is_insured,
        cohorts.has_vocational_education,
        year(calendar.month_date) - cohorts.birth_year as age,
        sum(cohorts.n_persons) as n_persons
    from calendar
    inner join cohorts
        on calendar.month_date between cohorts.first_month and cohorts.last_month
    group by all
)

select * from final
