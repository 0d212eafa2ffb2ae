-- 1.2 Andel placeringer oprettet til tiden: of offers starting in the month, the share whose
-- placement was registered no later than the start date; per offer type and in all.
-- Ballerup's own case data: there is no benchmark, the comparison is the trend.
-- It counts offers, not persons: a person may start two in a month. The persons behind each
-- count are counted too, and a cell is small where they are (macro is_small_cell, persons),
-- and its intervals take the offers as clustered in persons (macro design_effect).
with

offers as (
    select * from {{ ref('stg_case_system__offers') }}
),

calendar as (
    select * from {{ ref('int_calendar_months') }}
),

-- Only months the register covers: the export also holds offers of the days before the
-- first month that the register's first week reaches into, a partial month.
flagged as (
    select
        offers.person_key,
        offers.offer_type,
        calendar.month_date as period,
        offers.placement_created_date <= offers.start_date as is_on_time
    from offers
    inner join calendar on date_trunc('month', offers.start_date) = calendar.month_date
),

counts as (
    {{ share_counts(
        'flagged', 'tilbudstype', 'offer_type', 'is_on_time', person_column='person_key'
    ) }}
),

-- a person's several offers in a month are not independent: the month's design effect
-- (macro design_effect) widens the intervals by it
design_effects as (
    {{ design_effect('flagged', 'period') }}
),

final as (
    {{ ballerup_share_rows('1.2', 'counts', persons=true) }}
),

-- too few offers in the month for a design effect: no interval
with_design_effect as (
    {{ with_design_effect('final', 'design_effects', 'period', 'period', intervals=false) }}
)

select
    *,
    {{ is_small_cell(persons=true) }} as is_suppressed
from with_design_effect
