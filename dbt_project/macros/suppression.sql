{#-
    A share in whole persons (unit pct, whole numerator and denominator): its complement,
    denominator - numerator, is a count of persons too, which secondary suppression
    (pipeline/suppression.py, model int_indicator_suppression) must not let be small. Whole
    within var small_cell_tolerance: a sum of fuldtidspersoner that comes to a whole number
    (2.5's 549) is 548.9999999999999 in one build and 549.0 in the next (DuckDB adds in no
    fixed order), and an exact comparison made it a share of persons in one and not the
    other, so that two builds of the same data hid different cells.
-#}
{% macro is_share_of_persons(unit='unit', numerator='numerator', denominator='denominator') %}
    {%- set tolerance = var('small_cell_tolerance') %}
    (
        {{ unit }} = 'pct'
        and abs({{ numerator }} - round({{ numerator }})) < {{ tolerance }}
        and abs({{ denominator }} - round({{ denominator }})) < {{ tolerance }}
    )
{%- endmacro %}
