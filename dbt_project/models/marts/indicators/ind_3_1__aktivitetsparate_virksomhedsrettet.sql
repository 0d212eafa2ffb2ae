-- 3.1 Andelen af aktivitetsparate kontanthjælpsmodtagere og borgere i ressourceforløb, som er
-- i løntilskud, virksomhedspraktik eller lønnede timer: of those persons in the month (their
-- target group in the month's last such week), the share with a virksomhedsrettet offer
-- running in the month or with ordinary paid hours in it; per target group and in all.
-- Ballerup only: no published table measures this union (an offer or paid hours) for
-- aktivitetsparate and ressourceforløb together (docs/sources/real_tables.md).
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
    select * from {{ ref('int_person_months') }}
    where
        {{ rebuilt_months('month_date') }}
        -- the two target groups by the dated mapping (seed maalgruppe_mapping), as every
        -- other target-group indicator selects them: a change of the mapping reaches 3.1 too
        and maalgruppe_code in ('kh_aktivitetsparat', 'ressourceforloeb')
),

paid_hours as (
    select * from {{ ref('stg_case_system__paid_hours') }}
),

in_population as (
    select
        person_key,
        month_date as period,
        maalgruppe_code
    from person_months
    {{ latest_target_group(['person_key', 'month_date']) }}
),

flagged as (
    select
        in_population.period,
        in_population.maalgruppe_code,
        {{ company_offer_in_month('in_population.person_key', 'in_population.period') }}
        or exists (
            select 1
            from paid_hours
            where
                paid_hours.person_key = in_population.person_key
                and paid_hours.month_date = in_population.period
        ) as is_in_company
    from in_population
),

counts as (
    {{ share_counts('flagged', 'maalgruppe', 'maalgruppe_code', 'is_in_company') }}
),

final as (
    {{ ballerup_share_rows('3.1', 'counts') }}
)

select
    *,
    {{ is_small_cell() }} as is_suppressed,
    {{ newest_load() }} as loaded_through
from final
where {{ rebuilt_months('period') }}
