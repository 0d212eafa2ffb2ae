-- 4.4 25 pct. af uddannelseshjælpsmodtagere skal være i virksomhedsrettede tilbud: of persons
-- receiving uddannelseshjælp in a month (from the kontanthjælp reform of 1 July 2025:
-- kontanthjælp in uddannelseshjælp's scope, int_uddannelseshjaelp_months), the share with a
-- virksomhedsrettet offer (løntilskud or virksomhedspraktik, per the offer_types seed)
-- running at some time in that month.
-- Month-incremental (macro rebuilt_months): a month's figure counts that month only.
{{
    config(
        materialized='incremental',
        incremental_strategy='replace_rebuilt_months',
        on_schema_change='fail',
        meta={'rebuild': {'month_column': 'period', 'months_ahead': 0}},
    )
}}

with

person_months as (
    select * from {{ ref('int_uddannelseshjaelp_months') }}
    where {{ rebuilt_months('month_date') }}
),

recipients as (
    select distinct
        person_key,
        month_date as period
    from person_months
),

flagged as (
    select
        recipients.period,
        {{ company_offer_in_month('recipients.person_key', 'recipients.period') }}
            as is_in_company_offer
    from recipients
),

counts as (
    select
        period,
        'total' as breakdown,
        'I alt' as breakdown_value,
        count(*) as n_base,
        count(*) filter (where is_in_company_offer) as n_flagged
    from flagged
    group by period
),

final as (
    {{ ballerup_share_rows('4.4', 'counts') }}
)

select
    *,
    {{ is_small_cell() }} as is_suppressed,
    {{ newest_load() }} as loaded_through
from final
where {{ rebuilt_months('period') }}
