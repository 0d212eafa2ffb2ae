-- 1.1 Andelen af borgere, der overgår til selvforsørgelse eller starter i et
-- virksomhedsrettet tilbud: of persons in a target group of an active course in the month's
-- window (its last var flow_window_weeks weeks: 4; their target group in the last such
-- week), the share who in the window leave public support for self-support (their spell of
-- public support ends, inside the register, and the week after is not SU, barselsdagpenge,
-- folkepension, emigration or death: seed ydelse_groups' is_self_support) or start a
-- virksomhedsrettet offer; per target group and in all. The window is as long in every
-- month: over a whole month, of 4 or 5 weeks, a five-week month had about 3.5 points more
-- (review, December 2026). Ballerup only: no published table
-- counts these monthly transitions (docs/sources/real_tables.md, §3), so there is no
-- national comparator and no expected value from national rates. STAR's expected level
-- (Jobindsats Y30R21) is a level of fuldtidspersoner on public support, not this flow.
-- Month-incremental (macro rebuilt_months), a month ahead: a spell's end is known once the
-- weeks after it are.
{{
    config(
        materialized='incremental',
        incremental_strategy='replace_rebuilt_months',
        on_schema_change='fail',
        meta={'rebuild': {'month_column': 'period', 'months_ahead': 1}},
    )
}}

with

-- each month's window: its last flow_window_weeks weeks
windows as (
    select
        month_date,
        last_week_number - {{ var('flow_window_weeks') }} + 1 as first_week_number,
        last_week_number
    from {{ ref('int_calendar_months') }}
),

-- in a target group of an active course in the window (their last week in it in the month)
person_months as (
    select person_months.*
    from {{ ref('int_person_months') }} as person_months
    inner join windows
        on
            person_months.month_date = windows.month_date
            and person_months.last_week_number >= windows.first_week_number
    where person_months.is_active_course and {{ rebuilt_months('person_months.month_date') }}
),

support_spells as (
    select * from {{ ref('int_public_support_spells') }}
    where has_ended
),

-- the registrations that are neither public support nor self-support: a spell that ends
-- into one of them in the week after has not moved to selvforsørgelse (helper-74)
other_states as (
    select
        person_key,
        week_number
    from {{ ref('stg_benefit_register__person_weeks') }}
    -- the week after an end in a month rebuilt lies in it or later
    where not is_public_support and not is_self_support and {{ rebuilt_months('month_date') }}
),

offers as (
    select * from {{ ref('stg_case_system__offers') }}
),

offer_types as (
    select * from {{ ref('offer_types') }}
),

in_target_group as (
    select
        person_key,
        month_date as period,
        maalgruppe_code
    from person_months
    {{ latest_target_group(['person_key', 'month_date']) }}
),

left_support as (
    select distinct
        support_spells.person_key,
        windows.month_date as period
    from support_spells
    inner join windows
        on
            support_spells.end_week_number
            between windows.first_week_number and windows.last_week_number
    anti join other_states
        on
            support_spells.person_key = other_states.person_key
            and support_spells.end_week_number + 1 = other_states.week_number
),

-- an offer starts in the week of its first day, as the base and the exits count by weeks
-- (helper-74): a start on Monday 2 February 2026 is in February's window (its week's
-- Thursday is 5 February), where the person is in the base
started_offer as (
    select distinct
        offers.person_key,
        windows.month_date as period
    from offers
    inner join offer_types on offers.offer_type = offer_types.offer_type
    inner join windows
        on
            {{ week_number("date_trunc('week', offers.start_date)::date") }}
            between windows.first_week_number and windows.last_week_number
    where offer_types.is_virksomhedsrettet
),

flagged as (
    select
        in_target_group.period,
        in_target_group.maalgruppe_code,
        left_support.person_key is not null or started_offer.person_key is not null as has_moved
    from in_target_group
    left join left_support
        on
            in_target_group.person_key = left_support.person_key
            and in_target_group.period = left_support.period
    left join started_offer
        on
            in_target_group.person_key = started_offer.person_key
            and in_target_group.period = started_offer.period
),

counts as (
    {{ share_counts('flagged', 'maalgruppe', 'maalgruppe_code', 'has_moved') }}
),

final as (
    {{ ballerup_share_rows('1.1', 'counts') }}
)

select
    *,
    {{ is_small_cell() }} as is_suppressed,
    {{ newest_load() }} as loaded_through
from final
where {{ rebuilt_months('period') }}
