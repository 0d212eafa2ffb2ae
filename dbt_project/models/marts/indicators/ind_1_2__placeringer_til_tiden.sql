-- 1.2 Andel placeringer oprettet til tiden: of offers starting in the month, the share whose
-- placement was registered no later than the start date; per offer type and in all.
-- Ballerup's own case data: there is no benchmark, the comparison is the trend.
with

offers as (
    select * from {{ ref('stg_case_system__offers') }}
),

flagged as (
    select
        offer_type,
        date_trunc('month', start_date)::date as period,
        placement_created_date <= start_date as is_on_time
    from offers
),

counts as (
    {{ share_counts('flagged', 'tilbudstype', 'offer_type', 'is_on_time') }}
),

final as (
    {{ ballerup_share_rows('1.2', 'counts') }}
)

select * from final
