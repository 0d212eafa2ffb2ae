{#-
    The contract rows (DESIGN.md) of an indicator that is a share computed from Ballerup's own
    data: `counts` has period, breakdown, breakdown_value, n_base and n_flagged (as
    share_counts gives them); value = 100 * n_flagged / n_base. fct_indicator_values spells
    out and enforces the contract's columns for every indicator.
-#}
{% macro ballerup_share_rows(indicator_id, counts, period_type='month') %}
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
    from {{ counts }}
{% endmacro %}
