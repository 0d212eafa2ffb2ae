{#-
    One benchmark table out of the long layout: one row per area, period and combination of
    `dimensions` (a mapping of dimension name in the source to column name), with one column
    per measure (`measures` maps measure name to column name).
-#}
{% macro pivot_observations(observations, table_id, dimensions, measures) %}
    select
        area_code,
        period_date,
        period_type,
        {%- for key, column in dimensions.items() %}
            json_extract_string(dimensions, '$.{{ key }}') as {{ column }},
        {%- endfor %}
        {%- for measure, column in measures.items() %}
            max(value) filter (where measure = '{{ measure }}') as {{ column }}
            {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ observations }}
    where table_id = '{{ table_id }}' and area_code is not null
    group by all
{% endmacro %}
