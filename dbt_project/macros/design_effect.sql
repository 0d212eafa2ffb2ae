{#-
    The design effect of a count of events clustered in persons, per period: one row per
    `period_column` of `events` (one row per event, with its person in `person_column`), with
    design_effect. A person's several offers or sanctions in a period are not independent
    events, and an interval that took them so would be too narrow for a verdict.

    The factor is the design-weighted mean cluster size sum(m^2) / sum(m) over the persons'
    counts m in the period: Kish's design effect of a clustered sample, 1 + (m - 1) rho with
    m that weighted mean (Kish, "Survey Sampling", 1965; R's DMAR::design_effect computes it
    so), at the intra-cluster correlation rho = 1. For a count of events it is the
    with-replacement variance estimate of a sum of persons' counts, sum(m^2), over the
    Poisson one, sum(m). 1 where every person has one event.

    It is pooled over the whole period (every cell of the indicator), not computed per cell:
    a cell's own factor, with its published counts and bounds, would give back sum m(m - 1)
    of that cell, how many of its persons had more than one event (helper-89, December 2026).
    It is published as the step of var design_effect_step above it (1.25 for 1 to 1.24...,
    1.5 for 1.25 to 1.49...), never 1 itself: 1 would say that no person had a second event,
    and a month revised from 1 to 1.25 by one more offer would say that exactly one did
    (helper-90). So it tells the period's sum m(m - 1) only to a band of step x events (even
    numbers: at 40 events and steps of 0.25, 5 possible values); a period with fewer than
    var design_effect_min_events events gets none (NULL): its values then get no interval
    (interval_method none), rather than one that could be too narrow or tell too much.
    Models give it on every row (column design_effect); fct_indicator_values and
    fct_indicator_status take each count and its denominator divided by it: the value is the
    same, its variance the clustered count's.

    What it does not cover (README, Statuses and uncertainty): the pooled factor is an
    events-weighted average of its cells', so a cell whose persons' events cluster more than
    the period's (one offer type, one origin group) keeps an interval too narrow; and for a
    share (1.2) rho = 1 is the largest only where a person's chance of being on time does
    not depend on how many offers the person has. Either would need a factor per cell or a
    cluster-robust one, which would tell how the events are spread over the persons.
-#}
{% macro design_effect(events, period_column, person_column='person_key') %}
    {%- set step = var('design_effect_step') -%}
    select
        {{ period_column }},
        case
            when sum(n_events) >= {{ var('design_effect_min_events') }}
                then (
                    floor(sum(n_events * n_events) / sum(n_events) / {{ step }}) + 1
                ) * {{ step }}
        end as design_effect
    from (
        select
            {{ period_column }},
            {{ person_column }},
            count(*)::double as n_events
        from {{ events }}
        group by {{ period_column }}, {{ person_column }}
    ) as events_per_person
    group by {{ period_column }}
{% endmacro %}

{#-
    An events model's `rows` (period in `period_column`, and ci_lower and ci_upper where
    `intervals`: the comparisons it computes itself) with its period's design effect from
    `design_effects` (macro design_effect, keyed by `key`): design_effect, and where the
    period has none, no interval (ci_lower and ci_upper NULL, interval_method none).
-#}
{% macro with_design_effect(rows, design_effects, period_column, key, intervals=true) %}
    select
        {{ rows }}.*{{ ' exclude (ci_lower, ci_upper)' if intervals }},
        {{ design_effects }}.design_effect,
        {%- if intervals %}
        {%- for column in ['ci_lower', 'ci_upper'] %}
        case
            when {{ design_effects }}.design_effect is not null then {{ rows }}.{{ column }}
        end as {{ column }},
        {%- endfor %}
        {%- endif %}
        case when {{ design_effects }}.design_effect is null then 'none' end as interval_method
    from {{ rows }}
    left join {{ design_effects }}
        on {{ rows }}.{{ period_column }} = {{ design_effects }}.{{ key }}
{% endmacro %}

{#- The names of the models that count events (config meta counts_events), as a relation of
    one row each (model_name): for the tests that hold them to their rules. -#}
{% macro events_models() %}
    {%- set names = [] -%}
    {%- if execute -%}
        {%- for node in graph.nodes.values() -%}
            {%- if node.resource_type == 'model' and node.config.meta.get('counts_events') -%}
                {%- do names.append(node.name) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif %}
    select null::varchar as model_name
    where false
    {%- for name in names %}
    union all
    select '{{ name }}' as model_name
    {%- endfor %}
{% endmacro %}
