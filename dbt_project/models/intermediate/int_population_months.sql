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
        {{ first_month_covered('periods.valid_from') }} as first_month,
        {{ last_month_covered('periods.valid_to') }} as last_month
    from periods
),

bounds as (
    select
        min(month_date) as first_month,
        max(month_date) as last_month
    from calendar
),

-- the periods that count in some month of the calendar, with the persons' attributes
counted_periods as (
    select
        persons.birth_year,
        persons.herkomst,
        persons.koen,
        period_months.is_in_labour_force,
        period_months.is_insured,
        period_months.has_vocational_education,
        period_months.first_month,
        period_months.last_month,
        bounds.first_month as calendar_first_month,
        bounds.last_month as calendar_last_month
    from period_months
    inner join persons on period_months.person_key = persons.person_key
    cross join bounds
    where
        period_months.first_month <= period_months.last_month
        and period_months.first_month <= bounds.last_month
        and period_months.last_month >= bounds.first_month
),

-- persons alike in all but their identity enter (+1) in the first month a period counts and
-- leave (-1) in the month after its last, so that a running sum over the months gives each
-- month's residents without joining every period to every month it covers
changes as (
    select
        * exclude (first_month, last_month, calendar_first_month, calendar_last_month),
        greatest(first_month, calendar_first_month) as month_date,
        1 as population_change
    from counted_periods
    union all
    select
        * exclude (first_month, last_month, calendar_first_month, calendar_last_month),
        last_month + interval 1 month as month_date,
        -1 as population_change
    from counted_periods
    where last_month < calendar_last_month
),

net_changes as (
    select
        birth_year,
        herkomst,
        koen,
        is_in_labour_force,
        is_insured,
        has_vocational_education,
        month_date,
        sum(population_change) as net_change
    from changes
    group by all
),

cohorts as (
    select distinct
        birth_year,
        herkomst,
        koen,
        is_in_labour_force,
        is_insured,
        has_vocational_education
    from net_changes
),

running as (
    select
        calendar.month_date,
        cohorts.birth_year,
        cohorts.herkomst,
        cohorts.koen,
        cohorts.is_in_labour_force,
        cohorts.is_insured,
        cohorts.has_vocational_education,
        sum(coalesce(net_changes.net_change, 0)) over (
            partition by
                cohorts.birth_year,
                cohorts.herkomst,
                cohorts.koen,
                cohorts.is_in_labour_force,
                cohorts.is_insured,
                cohorts.has_vocational_education
            order by calendar.month_date
            rows unbounded preceding
        ) as n_persons
    from calendar
    cross join cohorts
    left join net_changes
        on
            calendar.month_date = net_changes.month_date
            and cohorts.birth_year = net_changes.birth_year
            and cohorts.herkomst = net_changes.herkomst
            and cohorts.koen = net_changes.koen
            and cohorts.is_in_labour_force = net_changes.is_in_labour_force
            and cohorts.is_insured = net_changes.is_insured
            and cohorts.has_vocational_education = net_changes.has_vocational_education
),

final as (
    select
        month_date,
        herkomst,
        koen,
        is_in_labour_force,
        is_insured,
        has_vocational_education,
        n_persons,
        {{ age_in_month('month_date', 'birth_year') }} as age
    from running
    where n_persons > 0
)

select * from final
