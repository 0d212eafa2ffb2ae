-- 2.4 Andelen af forsikrede ledige i virksomhedsrettede tilbud: of persons on dagpenge in the
-- month, the share with a virksomhedsrettet offer (offer_types seed) running at some time in
-- the month; per offer type (the same base for each type: a person may be in two) and in all
-- (any type). Ballerup from its own data; every other area: none. Jobindsats Y04A02 is
-- revalidering, and no published table gives the share of insured unemployed in a
-- virksomhedsrettet offer (y01c02 counts aktiverede by offer type, and persons in two types
-- cannot be added): docs/sources/real_tables.md.
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
    where ydelse_group = 'dagpenge' and {{ rebuilt_months('month_date') }}
),

offers as (
    select * from {{ ref('stg_case_system__offers') }}
),

offer_types as (
    select * from {{ ref('offer_types') }}
    where is_virksomhedsrettet
),

insured_unemployed as (
    select distinct
        person_key,
        month_date as period
    from person_months
),

in_offer as (
    select distinct
        insured_unemployed.person_key,
        insured_unemployed.period,
        offers.offer_type
    from insured_unemployed
    inner join offers
        on
            insured_unemployed.person_key = offers.person_key
            and {{ runs_in_month('offers', 'insured_unemployed.period') }}
    inner join offer_types on offers.offer_type = offer_types.offer_type
),

base_counts as (
    select
        period,
        count(*) as n_base
    from insured_unemployed
    group by period
),

breakdown_values as (
    select
        'tilbudstype' as breakdown,
        offer_type as breakdown_value
    from offer_types
    union all
    select
        'total' as breakdown,
        'I alt' as breakdown_value
),

-- per offer type and in all (a person in two types once) in one scan
flag_counts as (
    select
        period,
        {{ grouped_breakdown_value([('tilbudstype', 'offer_type')]) }},
        count(distinct person_key) as n_flagged
    from in_offer
    group by period, rollup(offer_type)
),

counts as (
    select
        base_counts.period,
        breakdown_values.breakdown,
        breakdown_values.breakdown_value,
        base_counts.n_base,
        coalesce(flag_counts.n_flagged, 0) as n_flagged
    from base_counts
    cross join breakdown_values
    left join flag_counts
        on
            base_counts.period = flag_counts.period
            and breakdown_values.breakdown_value = flag_counts.breakdown_value
),

final as (
    {{ ballerup_share_rows('2.4', 'counts') }}
)

select
    *,
    {{ is_small_cell() }} as is_suppressed,
    {{ newest_load() }} as loaded_through
from final
where {{ rebuilt_months('period') }}
