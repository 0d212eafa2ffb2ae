{#-
    A person's age in the month of `day`: the calendar year minus the birth year (the persons
    register holds the birth year only). The one definition of age every model uses (the
    ages of 2.2, 2.3, 2.5, 3.3, 4.2, 5.0-5.2 and the population).
-#}
{% macro age_in_month(day, birth_year) -%}
    (year({{ day }}) - {{ birth_year }})
{%- endmacro %}

{#-
    True when `age` lies in one of the age bands of var age_bands (e.g. 'labour_force':
    16-66), first and last year included: each band's ages are written once, in the var
    (the StatBank requests for them, FOLK1A's ALDER in extracts.yml, are held to it by
    tests/test_catalogue.py).
-#}
{% macro in_age_band(age, band) -%}
    {%- set ages = var('age_bands')[band] -%}
    {{ age }} between {{ ages[0] }} and {{ ages[1] }}
{%- endmacro %}

{#- The number of ages in a band (12 for 18-29). -#}
{% macro age_band_size(band) -%}
    {%- set ages = var('age_bands')[band] -%}
    {{ ages[1] - ages[0] + 1 }}
{%- endmacro %}
