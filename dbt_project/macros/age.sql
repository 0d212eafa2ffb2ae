{#-
    A person's age in the month of `day`: the calendar year minus the birth year (the persons
    register holds the birth year only). The one definition of age every model uses (the
    ages of 2.2, 2.3, 2.5, 3.3, 4.2, 5.0-5.2 and the population).
-#}
{% macro age_in_month(day, birth_year) -%}
    (year({{ day }}) - {{ birth_year }})
{%- endmacro %}
