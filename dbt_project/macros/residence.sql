{#-
    Whether the person lived in the home municipality on `day`, by the dated persons register:
    the rule int_population_months counts a month's residents by (on the month's first day,
    as FOLK1A counts "den 1. i kvartalet"). A numerator over residents uses it so that it
    counts the people its denominator counts: a person paid in a month they moved in or
    away before its first day is in neither.
-#}
{% macro is_resident_on(person_key, day) -%}
    exists(
        select 1
        from {{ ref('stg_registers__person_periods') }} as residence
        where
            residence.person_key = {{ person_key }}
            and residence.municipality_code = {{ var('home_municipality') }}
            and {{ covers_day('residence', day) }}
    )
{%- endmacro %}
