{#-
    The design effect of a count of events clustered in persons, per period: one row per
    `period_column` of `events` (one row per event, with its person in `person_column`), with
    design_effect. A person's several offers or sanctions in a period are not independent
    events, and an interval that took them so would be too narrow for a verdict.

    The factor is the design-weighted mean cluster size sum(m^2) / sum(m) over the persons'
    counts m in the period: Kish's design effect of a clustered sample, 1 + (m - 1) rho with
    m that weighted mean (Kish, "Survey Sampling", 1965; R's DMAR::design_effect computes it
    so), at the intra-cluster correlation rho = 1, the largest it can be. For a count of
    events it is also the with-replacement variance estimate of a sum of persons' counts,
    sum(m^2), over the Poisson one, sum(m). 1 where every person has one event.

    It is pooled over the whole period (every cell of the indicator: a cell holds part of a
    person's events, so the period's factor is at least its cells'), not computed per cell:
    a cell's own factor, with its published counts and bounds, would give back sum m(m - 1)
    of that cell, how many of its persons had more than one event (helper-89, December 2026).
    The pooled factor is rounded up to steps of var design_effect_step and is at least 1, so
    that it tells sum m(m - 1) of the period only to a band of step x events; a period with
    fewer than var design_effect_min_events events gets none (NULL): its values then get no
    interval (interval_method none), rather than one that could be too narrow or tell too
    much. Models give it on every row (column design_effect); fct_indicator_values and
    fct_indicator_status take each count and its denominator divided by it: the value is the
    same, its variance the clustered count's.
-#}
{% macro design_effect(events, period_column, person_column='person_key') %}
    {%- set step = var('design_effect_step') -%}
    select
        {{ period_column }},
        case
            when sum(n_events) >= {{ var('design_effect_min_events') }}
                then greatest(
                    1.0, ceil(sum(n_events * n_events) / sum(n_events) / {{ step }}) * {{ step }}
                )
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
