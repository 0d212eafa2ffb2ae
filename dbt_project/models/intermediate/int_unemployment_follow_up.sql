-- The follow-up of new unemployment spells, the one definition 1.4, 1.5, 2.2 and 5.3 share:
-- one row per new spell (int_unemployment_spells: STAR's spell rule, a seen calendar month
-- without the benefit before it, a target group that counts as unemployed on the first day) and
-- horizon (var still_on_after_weeks, 13, and six_months_weeks, 26), for the horizons the
-- spell reaches while it can be seen: inside the register and before a move away (a spell
-- whose horizon is not seen is left out, not counted as ended). The row counts in the month
-- of the horizon week (its Thursday's). is_still_on: the spell runs in the horizon week
-- (week start + horizon), breaks shorter than a calendar month included, as STAR's
-- "fortsat på ydelse" follows the spell, and followed on across a reform that pays its
-- benefit as another (int_benefit_spells.followed_to_week_number: uddannelseshjælp into
-- kontanthjælp on 1 July 2025).
with

spells as (
    select * from {{ ref('int_unemployment_spells') }}
),

horizons as (
    select unnest([
        {{ var('still_on_after_weeks') }}, {{ var('six_months_weeks') }}
    ]) as horizon_weeks
),

final as (
    select
        spells.person_key,
        spells.ydelse_group,
        spells.maalgruppe_code,
        spells.is_job_ready,
        spells.start_week_number,
        spells.start_date,
        horizons.horizon_weeks,
        {{ week_month(week_start_from_number(
            'spells.start_week_number + horizons.horizon_weeks'
        )) }} as period,
        spells.followed_to_week_number >= spells.start_week_number + horizons.horizon_weeks
            as is_still_on
    from spells
    cross join horizons
    where spells.start_week_number + horizons.horizon_weeks <= spells.follow_up_last_week_number
)

select * from final
