{#- An entry of seed reforms' `affects`: an indicator ('1.4': its total and every breakdown)
    or an indicator and one dimension ('5.1/maalgruppe': only its breakdowns by that
    dimension). Its indicator, and its dimension (null for a whole indicator). -#}
{% macro reform_entry_indicator(entry) -%}
    split_part({{ entry }}, '/', 1)
{%- endmacro %}

{% macro reform_entry_dimension(entry) -%}
    nullif(split_part({{ entry }}, '/', 2), '')
{%- endmacro %}
