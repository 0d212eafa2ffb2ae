-- Residents per month by age (the month's calendar year minus birth year), origin, sex,
-- labour-force and a-kasse membership, and vocational education: the population and
-- labour-force denominators, aggregated (no person identifiers). From the newest persons
-- snapshot: the register of persons is a snapshot, so the population is the current one.
with

persons as (
    select * from {{ ref('stg_registers__persons') }}
    where municipality_code = {{ var('home_municipality') }}
),

calendar as (
    select * from {{ ref('int_calendar_months') }}
),

cohorts as (
    select
        birth_year,
        herkomst,
        koen,
        is_in_labour_force,
        is_insured,
        has_vocational_education,
        count(*) as n_persons
    from persons
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
    cross join cohorts
    group by all
)

select * from final
