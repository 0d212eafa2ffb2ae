{#-
    The small-cell rule of publication (Jobindsats and DST do the same): a cell whose
    numerator or denominator is between 1 and small_cell_threshold - 1 is published without
    value and counts. The one place the rule is written; publish blanks what it flags.
-#}
{% macro is_small_cell(numerator='numerator', denominator='denominator') %}
    coalesce(
        {{ numerator }} between 1 and {{ var('small_cell_threshold') }} - 1
        or {{ denominator }} between 1 and {{ var('small_cell_threshold') }} - 1,
        false
    )
{%- endmacro %}
