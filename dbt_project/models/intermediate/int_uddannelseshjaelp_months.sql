-- Uddannelseshjælp on both sides of the kontanthjælp reform (4.2 and 4.4): one row per person,
-- month and target group in uddannelseshjælp's scope. Until the reform, the months on
-- uddannelseshjælp. From the reform (seed reforms, kontanthjaelp_2025: 1 July 2025) it is paid
-- as kontanthjælp (seed ydelse_groups), so its scope is kept by who it was for: kontanthjælp
-- recipients under 30 without a vocational education (LAB § 2 nr. 4-5, "under 30 år uden en
-- erhvervskompetencegivende uddannelse": seed maalgruppe_mapping's source), age as the
-- calendar year minus the birth year, education as registered on the month's first day (the
-- dated persons register's period covering that day, as int_population_months reads it for
-- 4.1: one reading of "has a vocational education" for 4.1, 4.2 and 4.4; none without a
-- period). The series breaks at the reform (the report marks it).
-- is_resident: lived in the municipality on the month's first day (macro join_stay_on), as
-- the population 4.2 divides by counts.
-- Month-incremental (macro rebuilt_months): a month's rows are that month's.
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
    select * from {{ ref('int_person_months') }}
    where {{ rebuilt_months('month_date') }}
),

persons as (
    select * from {{ ref('stg_registers__persons') }}
),

-- the periods with a vocational education: whether one covers a month's first day (the
-- periods do not overlap: no_overlapping_periods on the staging model)
educated_periods as (
    select * from {{ ref('stg_registers__person_periods') }}
    where has_vocational_education
),

succession as (
    select * from {{ ref('int_benefit_successions') }}
    where from_group = 'uddannelseshjaelp'
),

with_age as (
    select
        person_months.person_key,
        person_months.month_date,
        person_months.ydelse_group,
        person_months.maalgruppe_code,
        person_months.n_weeks,
        educated_periods.person_key is not null as has_vocational_education,
        {{ age_in_month('person_months.month_date', 'persons.birth_year') }} as age
    from person_months
    inner join persons on person_months.person_key = persons.person_key
    left join educated_periods
        on
            person_months.person_key = educated_periods.person_key
            and {{ covers_day('educated_periods', 'person_months.month_date') }}
),

final as (
    select
        with_age.person_key,
        with_age.month_date,
        with_age.ydelse_group,
        with_age.maalgruppe_code,
        with_age.n_weeks,
        with_age.age,
        stay.person_key is not null as is_resident,
        with_age.month_date >= succession.effective_date as is_after_reform,
        {{ newest_load() }} as loaded_through
    from with_age
    cross join succession
    {{ join_stay_on('with_age.person_key', 'with_age.month_date') }}
    where
        {{ rebuilt_months('with_age.month_date') }}
        and (
            (
                with_age.ydelse_group = succession.from_group
                and with_age.month_date < succession.effective_date
            )
            or (
                with_age.ydelse_group = succession.to_group
                and with_age.month_date >= succession.effective_date
                and with_age.age < {{ var('uddannelseshjaelp_scope_below_age') }}
                and not with_age.has_vocational_education
            )
        )
)

select * from final
