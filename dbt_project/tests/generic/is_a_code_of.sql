{#-
    Every value of the column is a code of `code_list` in dim_catalogue_code (seeds
    catalogue_codes and units): a code the list does not have would reach the report and the
    workbook without a name. With `separator`, the column holds several codes (dim_indicator's
    breakdowns, ';'-separated) and each is checked. Empty is not checked.
-#}
{% test is_a_code_of(model, column_name, code_list, separator=none) %}
with

values_given as (
    select
        {% if separator %}
            trim(unnest(string_split({{ column_name }}, '{{ separator }}')))
        {% else %}
            {{ column_name }}
        {% endif %} as code
    from {{ model }}
    where {{ column_name }} is not null
)

select code
from values_given
where
    code != ''
    and code not in (
        select codes.code
        from {{ ref('dim_catalogue_code') }} as codes
        where codes.code_list = '{{ code_list }}'
    )
{% endtest %}
