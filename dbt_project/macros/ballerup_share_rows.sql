{#-
    The contract rows (DESIGN.md) of an indicator that is a share computed from Ballerup's own
    data: `counts` has period, breakdown, breakdown_value, n_base and n_flagged (as
    share_counts gives them); value = 100 * n_flagged / n_base. fct_indicator_values spells
    out and enforces the contract's columns for every indicator. With `persons` (the counts are
    of events: share_counts' person_column), the persons behind the numerator, the denominator
    and the complement too (numerator_persons, denominator_persons, complement_persons: macro
    events_columns).
-#}
{% macro ballerup_share_rows(indicator_id, counts, period_type='month', persons=false) %}
    select
        '{{ indicator_id }}' as indicator_id,
        period,
        '{{ period_type }}' as period_type,
        {{ var('home_municipality') }} as area_code,
        breakdown,
        breakdown_value,
        n_flagged::double as numerator,
        n_base::double as denominator,
        {{ pct('n_flagged', 'n_base') }} as value,
        'pct' as unit
        {%- if persons %},
        n_flagged_persons::double as numerator_persons,
        n_base_persons::double as denominator_persons,
        n_rest_persons::double as complement_persons
        {%- endif %}
    from {{ counts }}
{% endmacro %}
