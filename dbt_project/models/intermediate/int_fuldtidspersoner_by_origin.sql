-- Person-weeks per month by origin, sex, age (the month's calendar year minus birth year)
-- and target group, aggregated from int_person_months (no person identifiers): the
-- numerators of the indicators of focus area 5. fuldtidspersoner = weeks / weeks in month.
-- is_resident: the person lived in the municipality on the month's first day (macro
-- join_stay_on), as the population denominators count (int_population_months); a rate
-- over residents sums only those rows, so that its numerator and denominator count the same
-- people (in the sample, 5-15 persons a month are paid while not resident on the 1st).
-- Month-incremental (macro rebuilt_months): a month sums that month's rows only.
{{
    config(
        materialized='incremental',
        incremental_strategy='replace_rebuilt_months',
        on_schema_change='fail',
        meta={'rebuild': {'month_column': 'month_date', 'months_ahead': 0}},
    )
}}

with

person_months as (
    select
        registered.*,
        stay.person_key is not null as is_resident
    from {{ ref('int_person_months') }} as registered
    {{ join_stay_on('registered.person_key', 'registered.month_date') }}
    where {{ rebuilt_months('registered.month_date') }}
),

persons as (
    select * from {{ ref('stg_registers__persons') }}
),

herkomst_codes as (
    select * from {{ ref('herkomst_codes') }}
),

grouped as (
    select
        person_months.month_date,
        persons.herkomst,
        herkomst_codes.is_ikke_vestlig,
        persons.koen,
        person_months.ydelse_group,
        person_months.maalgruppe_code,
        person_months.is_ledig,
        person_months.is_active_course,
        person_months.is_resident,
        person_months.n_weeks_in_month,
        {{ age_in_month('person_months.month_date', 'persons.birth_year') }} as age,
        sum(person_months.n_weeks) as n_person_weeks
    from person_months
    inner join persons on person_months.person_key = persons.person_key
    inner join herkomst_codes on persons.herkomst = herkomst_codes.herkomst
    group by all
),

final as (
    select
        *,
        n_person_weeks / n_weeks_in_month as fuldtidspersoner,
        {{ newest_load() }} as loaded_through
    from grouped
    where {{ rebuilt_months('month_date') }}
)

select * from final
