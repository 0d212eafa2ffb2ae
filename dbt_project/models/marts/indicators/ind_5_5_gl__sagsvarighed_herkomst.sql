{{ config(enabled=var('enable_5_5_gl')) }}
-- 5.5-gl (retired) Varighed af afsluttede sager for ledige med ikke-vestlig baggrund skal svare
-- til den resterende gruppe af lediges sagsvarighed: the mean duration in weeks of
-- unemployment spells that ended in the month, for non-Western origin and the others; the
-- total row is the gap in weeks. The strategy dropped it because the case data is no longer
-- available; it is kept ready behind the dbt variable enable_5_5_gl (off by default) and
-- computes from the unemployment spells when switched on, together with its catalogue row
-- (status active, model_name, unit weeks; README, "How to read some rows").
with

spells as (
    select * from {{ ref('int_unemployment_spells') }}
    where end_week_number < follow_up_last_week_number
),

persons as (
    select * from {{ ref('stg_registers__persons') }}
),

herkomst_codes as (
    select * from {{ ref('herkomst_codes') }}
),

closed as (
    select
        {{ week_month(week_start_from_number('spells.end_week_number')) }} as period,
        case
            when herkomst_codes.is_ikke_vestlig then 'ikke-vestlig' else 'øvrige'
        end as origin_group,
        spells.end_week_number - spells.start_week_number + 1 as n_weeks
    from spells
    inner join persons on spells.person_key = persons.person_key
    inner join herkomst_codes on persons.herkomst = herkomst_codes.herkomst
),

durations as (
    select
        period,
        origin_group,
        count(*) as n_spells,
        sum(n_weeks) as n_weeks
    from closed
    group by period, origin_group
),

final as (
    select
        '5.5-gl' as indicator_id,
        period,
        'month' as period_type,
        {{ var('home_municipality') }} as area_code,
        'herkomst' as breakdown,
        origin_group as breakdown_value,
        n_weeks::double as numerator,
        n_spells::double as denominator,
        n_weeks / n_spells as value,
        'weeks' as unit
    from durations
    union all
    select
        '5.5-gl' as indicator_id,
        non_western.period,
        'month' as period_type,
        {{ var('home_municipality') }} as area_code,
        'total' as breakdown,
        'I alt' as breakdown_value,
        {{ smallest_count(['non_western.n_spells', 'other_origins.n_spells']) }}::double as numerator,
        null as denominator,
        non_western.n_weeks / non_western.n_spells - other_origins.n_weeks / other_origins.n_spells as value,
        'weeks' as unit
    from durations as non_western
    inner join durations as other_origins
        on non_western.period = other_origins.period and other_origins.origin_group = 'øvrige'
    where non_western.origin_group = 'ikke-vestlig'
)

select
    *,
    {{ is_small_cell() }} as is_suppressed
from final
