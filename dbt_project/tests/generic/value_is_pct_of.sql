{#-
    value = 100 * numerator / denominator, to the precision the value is published with
    (benchmark sources round to one decimal). Rows without counts are not checked.
-#}
{% test value_is_pct_of(model, numerator='numerator', denominator='denominator', tolerance=0.05) %}
select *
from {{ model }}
where unit = 'pct'
    and {{ denominator }} > 0
    and {{ numerator }} is not null
    and abs(value - 100.0 * {{ numerator }} / {{ denominator }}) > {{ tolerance }} + 1e-9
{% endtest %}
