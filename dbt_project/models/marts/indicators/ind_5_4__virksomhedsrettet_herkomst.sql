-- 5.4 Ledige med ikke-vestlig baggrund skal i lige så høj grad som de resterende ledige i
-- virksomhedsrettede tilbud, measured per target group (the strategy's remark): of persons
-- in a target group counted as ledig in the month, the share with a virksomhedsrettet offer
-- running in it, for non-Western origin and for the others within each target group
-- ('herkomst_maalgruppe'); the gap in percentage points per target group ('maalgruppe',
-- Newcombe's interval) and over all of them compared within them ('total', the figure the
-- goal sets to 0): the Mantel-Haenszel difference of a linear probability model with the
-- target group as stratum (pipeline/stats.py), so that a different mix of target groups
-- (non-Western unemployed are more often on kontanthjælp, whose offers differ from
-- dagpenge's) does not make the gap. The origins' shares over all target groups
-- ('herkomst') are shown as they are.
-- Month-incremental (macro rebuilt_months): a month's shares count that month only.
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
    where is_ledig and {{ rebuilt_months('month_date') }}
),

persons as (
    select * from {{ ref('stg_registers__persons') }}
),

herkomst_codes as (
    select * from {{ ref('herkomst_codes') }}
),

-- each person once a month, under the target group of the month (macro latest_target_group,
-- as 1.1, 3.1 and 5.6): the target groups add up to 'I alt'
unemployed as (
    select
        person_months.person_key,
        person_months.month_date as period,
        -- the group its ledige count under: the åbenlyst uddannelsesparate apart from the
        -- other uddannelsesparate, who are not ledige (seed maalgruppe_mapping)
        person_months.ledige_maalgruppe_code as maalgruppe_code,
        case
            when herkomst_codes.is_ikke_vestlig then 'ikke-vestlig' else 'øvrige'
        end as origin_group
    from person_months
    inner join persons on person_months.person_key = persons.person_key
    inner join herkomst_codes on persons.herkomst = herkomst_codes.herkomst
    {{ latest_target_group(
        ['person_months.person_key', 'person_months.month_date'], 'person_months.'
    ) }}
),

flagged as (
    select
        unemployed.*,
        {{ company_offer_in_month('unemployed.person_key', 'unemployed.period') }} as is_in_offer
    from unemployed
),

-- per target group and over all of them ('I alt'), in one aggregation
counts as (
    select
        period,
        origin_group,
        case
            when grouping(maalgruppe_code) = 1 then 'I alt' else maalgruppe_code
        end as maalgruppe_code,
        count(*) as n_base,
        count(*) filter (where is_in_offer) as n_flagged
    from flagged
    group by period, origin_group, rollup(maalgruppe_code)
),

target_group_counts as (
    select * from counts
    where maalgruppe_code != 'I alt'
),

-- each target group's counts, non-Western against the others
pairs as (
    {{ origin_pairs(
        'target_group_counts', ['period', 'maalgruppe_code'], 'n_flagged', 'n_base',
        group_column='origin_group', reference='øvrige'
    ) }}
),

-- per target group: the gap and Newcombe's interval
gaps as (
    {{ pairs_gap('pairs', ['period', 'maalgruppe_code']) }}
),

-- over all target groups, compared within each: its gap and interval as shares (-1..1)
within_target_groups as (
    {{ within_strata(
        'share_difference_within_strata', 'pairs', 'period', 'maalgruppe_code'
    ) }}
),

-- the gaps: per target group, and within target groups
comparisons as (
    select
        period,
        'maalgruppe' as breakdown,
        maalgruppe_code as breakdown_value,
        smallest_count,
        gap_points,
        ci_lower,
        ci_upper
    from gaps
    union all
    select
        period,
        'total' as breakdown,
        'I alt' as breakdown_value,
        smallest_count,
        -- to 10 decimals: the regression's float noise is no information
        round(100 * estimate[1], 10) as gap_points,
        round(100 * estimate[2], 10) as ci_lower,
        round(100 * estimate[3], 10) as ci_upper
    from within_target_groups
),

final as (
    select
        '5.4' as indicator_id,
        period,
        'month' as period_type,
        {{ var('home_municipality') }} as area_code,
        case when maalgruppe_code = 'I alt' then 'herkomst' else 'herkomst_maalgruppe' end
            as breakdown,
        case
            when maalgruppe_code = 'I alt' then origin_group
            else origin_group || ' / ' || maalgruppe_code
        end as breakdown_value,
        n_flagged::double as numerator,
        n_base::double as denominator,
        {{ pct('n_flagged', 'n_base') }} as value,
        'pct' as unit,
        null::double as ci_lower,
        null::double as ci_upper
    from counts
    union all
    select
        '5.4' as indicator_id,
        period,
        'month' as period_type,
        {{ var('home_municipality') }} as area_code,
        breakdown,
        breakdown_value,
        smallest_count::double as numerator,
        null as denominator,
        gap_points as value,
        'pct_points' as unit,
        ci_lower,
        ci_upper
    from comparisons
)

select
    *,
    {{ is_small_cell() }} as is_suppressed,
    {{ newest_load() }} as loaded_through
from final
where {{ rebuilt_months('period') }}
