{#- The value follows from the counts by the row's unit (macro unit_formula_mismatches). -#}
{% test value_follows_unit(model, numerator='numerator', denominator='denominator', tolerance=none) %}
{{ unit_formula_mismatches(model, numerator, denominator, tolerance) }}
{% endtest %}
