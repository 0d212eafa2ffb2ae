-- New dagpenge spells and whether the person still receives dagpenge 13 weeks after the
-- first week. One row per new spell that has reached its week 13 inside the register and
-- while the person lived in the municipality (a move away before it hides week 13).
-- A spell counts in the month of its week 13; age is the calendar year of the first week's
-- month minus birth year.
with

spells as (
    select * from {{ ref('int_benefit_spells') }}
    where ydelse_group = 'dagpenge'
),

persons as (
    select * from {{ ref('stg_registers__persons') }}
),

new_spells as (
    select
        person_key,
        start_week_number,
        start_date,
        start_week_number + {{ var('still_on_after_weeks') }} as check_week_number
    from spells
    where
        is_new_spell
        -- week 13 is seen: inside the register and before a move away
        and start_week_number + {{ var('still_on_after_weeks') }} <= follow_up_last_week_number
),

checked as (
    select
        new_spells.person_key,
        new_spells.start_date,
        new_spells.check_week_number,
        exists(
            select 1
            from spells as later
            where
                later.person_key = new_spells.person_key
                and new_spells.check_week_number
                between later.start_week_number and later.end_week_number
        ) as is_still_on
    from new_spells
),

final as (
    select
        checked.person_key,
        checked.start_date,
        {{ week_month(week_start_from_number('checked.check_week_number')) }} as month_date,
        year({{ week_month('checked.start_date') }}) - persons.birth_year as age,
        checked.is_still_on
    from checked
    inner join persons on checked.person_key = persons.person_key
)

select * from final
