-- 1.6 Samarbejdsgraden mellem Ballerup Kommune og virksomheder, i og uden for kommunen, over
-- the 12 months ending in each month (only windows the data covers in full):
-- - total ('I alt'): of p-units in Ballerup with at least one employee, the share the
--   jobcentre cooperated with;
-- - beliggenhed 'i Ballerup' and 'uden for Ballerup': of the p-units with at least one
--   employee it cooperated with, the number (numerator) and share located in and outside
--   Ballerup, on one base (INDICATORS.md: "of companies (p-units with at least one
--   employee)"; before December 2026 the p-units without employees were counted here and not
--   in the total, so the two did not add up; the row 'i Ballerup' was added then, as the
--   table showed 'uden for Ballerup' alone beside a total on another base: helper-57).
-- Month-incremental (macro rebuilt_months): a window ends in its month; later data changes
-- none of it.
{{
    config(
        materialized='incremental',
        incremental_strategy='replace_rebuilt_months',
        on_schema_change='fail',
        meta={'rebuild': {'month_column': 'period', 'months_ahead': 0}},
    )
}}

with

companies as (
    select * from {{ ref('stg_registers__companies') }}
),

cooperation as (
    select * from {{ ref('stg_case_system__company_cooperation') }}
),

months as (
    select distinct date_trunc('month', contact_date)::date as period
    from cooperation
),

full_windows as (
    select period
    from months
    where
        {{ rolling_year_start('period') }} >= (select min(m.period) from months as m)
        and {{ rebuilt_months('period') }}
),

cooperated as (
    select distinct
        full_windows.period,
        cooperation.p_number
    from full_windows
    inner join cooperation
        on {{ in_rolling_year(
            "date_trunc('month', cooperation.contact_date)", 'full_windows.period'
        ) }}
),

inside as (
    select
        full_windows.period,
        count(*) as n_companies,
        count(cooperated.p_number) as n_cooperated
    from full_windows
    cross join companies
    left join cooperated
        on
            full_windows.period = cooperated.period
            and companies.p_number = cooperated.p_number
    where
        companies.municipality_code = {{ var('home_municipality') }}
        and companies.n_employees >= 1
    group by full_windows.period
),

outside as (
    select
        cooperated.period,
        count(*) as n_cooperated,
        count(*) filter (
            where companies.municipality_code != {{ var('home_municipality') }}
        ) as n_outside
    from cooperated
    inner join companies on cooperated.p_number = companies.p_number
    -- companies as the total counts them: p-units with employees, so that the cooperating
    -- ones inside Ballerup are the total's numerator (n_cooperated - n_outside)
    where companies.n_employees >= 1
    group by cooperated.period
),

-- the cooperating p-units by where they lie, in and outside Ballerup, on one base
located as (
    select
        period,
        n_cooperated,
        'i Ballerup' as breakdown_value,
        n_cooperated - n_outside as n_located
    from outside
    union all
    select
        period,
        n_cooperated,
        'uden for Ballerup' as breakdown_value,
        n_outside as n_located
    from outside
),

final as (
    select
        '1.6' as indicator_id,
        period,
        'rolling_year' as period_type,
        {{ var('home_municipality') }} as area_code,
        'total' as breakdown,
        'I alt' as breakdown_value,
        n_cooperated::double as numerator,
        n_companies::double as denominator,
        {{ pct('n_cooperated', 'n_companies') }} as value,
        'pct' as unit
    from inside
    union all
    select
        '1.6' as indicator_id,
        period,
        'rolling_year' as period_type,
        {{ var('home_municipality') }} as area_code,
        'beliggenhed' as breakdown,
        breakdown_value,
        n_located::double as numerator,
        n_cooperated::double as denominator,
        {{ pct('n_located', 'n_cooperated') }} as value,
        'pct' as unit
    from located
)

select
    *,
    {{ is_small_cell() }} as is_suppressed,
    {{ newest_load() }} as loaded_through
from final
where {{ rebuilt_months('period') }}
