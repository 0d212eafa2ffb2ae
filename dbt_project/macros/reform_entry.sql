{#- An entry of seed reforms' `affects`: an indicator ('1.4': its total and every breakdown)
    or an indicator and one dimension ('5.1/maalgruppe': only its breakdowns by that
    dimension). Its indicator (null for an empty entry, as in '1.5;;2.2', which the
    not_null test of int_reform_breaks names), and its dimension (null for a whole
    indicator). -#}
{% macro reform_entry_indicator(entry) -%}
    nullif(split_part({{ entry }}, '/', 1), '')
{%- endmacro %}

{% macro reform_entry_dimension(entry) -%}
    nullif(split_part({{ entry }}, '/', 2), '')
{%- endmacro %}

{#- Whether a reform break with dimension `dimension` (int_reform_breaks: null for the whole
    indicator) breaks the series of breakdown `breakdown` ('total', 'maalgruppe',
    'herkomst_maalgruppe'): a whole-indicator break breaks every breakdown, a dimension's
    those whose name holds it. fct_indicator_values.series_since_reform_id and
    fct_indicator_status's changes ask it alike. -#}
{% macro reform_breaks_breakdown(breakdown, dimension) -%}
    ({{ dimension }} is null or list_contains(string_split({{ breakdown }}, '_'), {{ dimension }}))
{%- endmacro %}
