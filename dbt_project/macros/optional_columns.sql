{#- The names of a model's columns, read from the warehouse once (empty while parsing). -#}
{% macro model_columns(model) -%}
    {{ return(adapter.get_columns_in_relation(ref(model)) | map(attribute='name') | list
        if execute else []) }}
{%- endmacro %}

{#-
    Select-list items for columns a model may or may not have: each of `wanted` ((name,
    type) pairs) as itself where it is among `columns` (macro model_columns), else NULL of
    its type under its name, so that every model's rows union with the same columns.
-#}
{% macro optional_columns(columns, wanted) -%}
    {%- for column, type in wanted -%}
        {{ column if column in columns else 'null::' ~ type ~ ' as ' ~ column }}
        {{- ', ' if not loop.last }}
    {%- endfor -%}
{%- endmacro %}
