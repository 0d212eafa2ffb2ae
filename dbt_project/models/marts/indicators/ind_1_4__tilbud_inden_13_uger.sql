-- 1.4 Andelen af ledige borgere der modtager et aktivt tilbud inden for de første 13 ugers
-- ledighed: of new unemployment spells, the share with an offer starting within 13 weeks
-- (91 days) of the first day; per target group at the start and in all. A spell counts in
-- the month of its week 13, once that week is seen (int_unemployment_follow_up, the
-- follow-up 1.5, 2.2 and 5.3 share): a spell that ends before has had its chance of an
-- offer, one whose person moved away before is left out. Every month in which a new spell
-- could reach week 13 has a total, 0 of 0 when none did (as 1.5, 2.2 and 5.3).
with

followed as (
    select * from {{ ref('int_unemployment_follow_up') }}
    where horizon_weeks = {{ var('still_on_after_weeks') }}
),

offers as (
    select * from {{ ref('stg_case_system__offers') }}
),

calendar as (
    select * from {{ ref('int_calendar_months') }}
),

measurable_months as (
    {{ follow_up_months('calendar', var('still_on_after_weeks')) }}
),

flagged as (
    select
        followed.period,
        followed.maalgruppe_code,
        exists(
            select 1
            from offers
            where
                offers.person_key = followed.person_key
                and offers.start_date >= followed.start_date
                and offers.start_date < followed.start_date + {{ var('still_on_after_weeks') }} * 7
        ) as has_offer
    from followed
),

counts as (
    {{ share_counts('flagged', 'maalgruppe', 'maalgruppe_code', 'has_offer') }}
),

with_totals as (
    {{ with_every_month_total('counts', 'measurable_months') }}
),

final as (
    {{ ballerup_share_rows('1.4', 'with_totals') }}
)

select
    *,
    {{ is_small_cell() }} as is_suppressed
from final
