-- Benefit spells: islands of consecutive weeks a person receives a benefit of one group
-- (gaps-and-islands over the person-weeks), with what the indicators need to know of each:
-- whether it is a new spell (no week of the same group in the 52 weeks before it, and those
-- 52 weeks inside the register) and whether it was still running when the register ends.
with

person_weeks as (
    select * from {{ ref('stg_benefit_register__person_weeks') }}
),

register_window as (
    select
        min(week_number) as first_week_number,
        max(week_number) as last_week_number
    from person_weeks
),

group_weeks as (
    select distinct
        person_key,
        ydelse_group,
        week_number
    from person_weeks
),

islands as (
    select
        person_key,
        ydelse_group,
        week_number,
        week_number - row_number() over (
            partition by person_key, ydelse_group order by week_number
        ) as island_key
    from group_weeks
),

spells as (
    select
        person_key,
        ydelse_group,
        min(week_number) as start_week_number,
        max(week_number) as end_week_number,
        count(*) as n_weeks
    from islands
    group by person_key, ydelse_group, island_key
),

with_previous as (
    select
        *,
        lag(end_week_number) over (
            partition by person_key, ydelse_group order by start_week_number
        ) as previous_end_week_number
    from spells
),

final as (
    select
        with_previous.person_key,
        with_previous.ydelse_group,
        with_previous.start_week_number,
        with_previous.end_week_number,
        with_previous.n_weeks,
        {{ week_start_from_number('with_previous.start_week_number') }} as start_date,
        {{ week_start_from_number('with_previous.end_week_number') }} + 6 as end_date,
        with_previous.start_week_number - with_previous.previous_end_week_number - 1
            as weeks_since_previous_spell,
        with_previous.start_week_number - register_window.first_week_number
        >= {{ var('new_spell_gap_weeks') }} as has_full_lookback,
        coalesce(
            with_previous.start_week_number - with_previous.previous_end_week_number
            > {{ var('new_spell_gap_weeks') }},
            true
        ) and with_previous.start_week_number - register_window.first_week_number
        >= {{ var('new_spell_gap_weeks') }} as is_new_spell,
        with_previous.end_week_number = register_window.last_week_number as is_ongoing
    from with_previous
    cross join register_window
)

select * from final
