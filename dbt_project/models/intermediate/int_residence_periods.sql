-- Residence in the municipality: one row per person and unbroken stay, from the dated persons
-- register (periods in the home municipality that follow each other day by day are one stay,
-- whatever else changed). resident_to is the last day lived here, null while the person
-- still does. In weeks of the benefit register: the weeks whose Thursday falls in the stay
-- (macros/periods.sql), last_week_number null while it holds. A week before first_week_number
-- is one the municipality's registers cannot see for the person: a spell that starts in a
-- stay's first week may have run elsewhere before (int_benefit_spells).
-- Incremental (macro rebuilt_months, no month column): rebuilt whole when the persons
-- register has a new delivery, kept as it is otherwise.
{{
    config(
        materialized='incremental',
        incremental_strategy='replace_rebuilt_months',
        on_schema_change='fail',
        meta={'rebuild': {}},
    )
}}

with

periods as (
    select * from {{ ref('stg_registers__person_periods') }}
    where municipality_code = {{ var('home_municipality') }}
),

flagged as (
    select
        person_key,
        valid_from,
        valid_to,
        coalesce(
            valid_from - 1
            != lag(valid_to) over (partition by person_key order by valid_from),
            true
        ) as starts_stay
    from periods
),

numbered as (
    select
        *,
        sum(starts_stay::integer) over (
            partition by person_key order by valid_from rows unbounded preceding
        ) as stay_number
    from flagged
),

stays as (
    select
        person_key,
        min(valid_from) as resident_from,
        -- null (still here) when the stay's last period is open
        case when count(valid_to) = count(*) then max(valid_to) end as resident_to
    from numbered
    group by person_key, stay_number
),

final as (
    select
        person_key,
        resident_from,
        resident_to,
        {{ first_week_from('resident_from') }} as first_week_number,
        {{ last_week_to('resident_to') }} as last_week_number,
        {{ newest_load() }} as loaded_through
    from stays
    where {{ rebuilt_months() }}
)

select * from final
