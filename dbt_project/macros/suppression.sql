{#-
    A share in whole persons (unit pct, whole numerator and denominator): its complement,
    denominator - numerator, is a count of persons too, which secondary suppression
    (pipeline/suppression.py, model int_indicator_suppression) must not let be small.
-#}
{% macro is_share_of_persons(unit='unit', numerator='numerator', denominator='denominator') %}
    (
        {{ unit }} = 'pct'
        and {{ numerator }} = round({{ numerator }})
        and {{ denominator }} = round({{ denominator }})
    )
{%- endmacro %}
