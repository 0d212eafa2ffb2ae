-- 2.6 Andelen af delvis raskmeldte borgere: of persons on sygedagpenge in the month, the
-- share partially back at work (a period of partial return running at some time in the
-- month). No benchmark source carries it, so the comparison is the trend.
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
    where ydelse_group = 'sygedagpenge' and {{ rebuilt_months('month_date') }}
),

partial_sick_leave as (
    select * from {{ ref('stg_case_system__partial_sick_leave') }}
),

on_sick_leave as (
    select distinct
        person_key,
        month_date as period
    from person_months
),

flagged as (
    select
        on_sick_leave.period,
        exists(
            select 1
            from partial_sick_leave
            where
                partial_sick_leave.person_key = on_sick_leave.person_key
                and {{ runs_in_month('partial_sick_leave', 'on_sick_leave.period') }}
        ) as is_partial
    from on_sick_leave
),

counts as (
    select
        period,
        'total' as breakdown,
        'I alt' as breakdown_value,
        count(*) as n_base,
        count(*) filter (where is_partial) as n_flagged
    from flagged
    group by period
),

final as (
    {{ ballerup_share_rows('2.6', 'counts') }}
)

select
    *,
    {{ is_small_cell() }} as is_suppressed,
    {{ newest_load() }} as loaded_through
from final
where {{ rebuilt_months('period') }}
