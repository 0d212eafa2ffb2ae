-- 1.4 Andelen af ledige borgere der modtager et aktivt tilbud inden for de første 13 ugers
-- ledighed: of new unemployment spells, the share with an offer starting within 13 weeks
-- (91 days) of the first day; per target group at the start and in all. A spell counts in
-- the month its 13 weeks end, once they have passed inside the register.
with

spells as (
    select * from {{ ref('int_unemployment_spells') }}
),

offers as (
    select * from {{ ref('stg_case_system__offers') }}
),

followed as (
    select
        spells.person_key,
        spells.start_date,
        spells.maalgruppe_code,
        {{ week_month(week_start_from_number('spells.start_week_number + 13')) }} as period
    from spells
    where spells.start_week_number + 13 <= spells.follow_up_last_week_number
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
                and offers.start_date < followed.start_date + 91
        ) as has_offer
    from followed
),

counts as (
    {{ share_counts('flagged', 'maalgruppe', 'maalgruppe_code', 'has_offer') }}
),

final as (
    {{ ballerup_share_rows('1.4', 'counts') }}
)

select
    *,
    {{ is_small_cell() }} as is_suppressed
from final
