-- Person-weeks per month by origin, sex, age (the month's calendar year minus birth year)
-- and target group, aggregated from int_person_months (no person identifiers): the
-- numerators of the indicators of focus area 5. fuldtidspersoner = weeks / weeks in month.
with

person_months as (
    select * from {{ ref('int_person_months') }}
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
        n_person_weeks / n_weeks_in_month as fuldtidspersoner
    from grouped
)

select * from final
