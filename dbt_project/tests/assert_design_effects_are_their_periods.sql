-- An events model's design effect (macro design_effect: 1.2's offers, 5.3's spells, 5.6's
-- sanctions, the models with config meta counts_events: macro events_models) is its
-- period's: one value on every row of an indicator's period, on the steps of var
-- design_effect_step and above 1 (1 would say that no person had a second event); empty only
-- for a period with too few events, whose rows then have no interval; never given to an
-- indicator that counts persons; and no events indicator's change adjusted for its mix,
-- which would take its counts as independent. A
-- design effect per cell would give back how many of the cell's persons had more than one
-- event (the macro's header). Every row returned is one indicator and period that breaks a
-- rule, with the rule.
with

events as (
    {{ events_models() }}
),

indicator_values as (
    select * from {{ ref('fct_indicator_values') }}
),

catalogue as (
    select * from {{ ref('indicator_catalogue') }}
),

cells as (
    select
        indicator_values.indicator_id,
        indicator_values.period,
        indicator_values.design_effect,
        indicator_values.ci_lower,
        indicator_values.ci_upper,
        catalogue.model_name in (select events.model_name from events) as counts_events
    from indicator_values
    inner join catalogue on indicator_values.indicator_id = catalogue.indicator_id
),

periods as (
    select
        indicator_id,
        period,
        bool_or(counts_events) as counts_events,
        count(distinct design_effect) as n_design_effects,
        count(design_effect) as n_with,
        count(*) as n_cells,
        min(design_effect) as lowest,
        max(design_effect) as highest,
        count(ci_lower) + count(ci_upper) as n_bounds
    from cells
    group by indicator_id, period
),

judged as (
    select
        indicator_id,
        period,
        case
            when not counts_events and n_with > 0 then 'a design effect on a count of persons'
            when n_design_effects > 1 or n_with not in (0, n_cells)
                then 'more than one design effect in the period'
            when lowest < 1 + {{ var('design_effect_step') }}
                then 'a design effect below the step above 1'
            when
                highest / {{ var('design_effect_step') }}
                != round(highest / {{ var('design_effect_step') }})
                then 'a design effect off its steps'
            when counts_events and n_with = 0 and n_bounds > 0
                then 'an interval without a design effect'
        end as problem
    from periods
),

-- a mix-adjusted change (fct_indicator_status) takes its cells' counts as independent
mixed_events as (
    select
        indicator_id,
        null::date as period,
        'a mix-adjusted change of counts of events' as problem
    from catalogue
    where
        mix_adjusted_by is not null
        and model_name in (select events.model_name from events)
)

select * from judged
where problem is not null
union all
select * from mixed_events
