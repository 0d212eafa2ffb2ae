{#- The column is given on every row and lies between min_value and max_value, both
    included: a projection's horizon runs from 1 to var projection_horizon_months. -#}
{% test within_range(model, column_name, min_value, max_value) %}
    select *
    from {{ model }}
    where
        {{ column_name }} is null
        or {{ column_name }} < {{ min_value }}
        or {{ column_name }} > {{ max_value }}
{% endtest %}
