{#-
    The small-cell rule of publication (Jobindsats and DST do the same): a cell whose
    numerator or denominator is above 0 and below small_cell_threshold is published without
    value and counts. Not "between 1 and threshold - 1": fuldtidspersoner are fractions, and
    0.2 of them is one person's one week in the month (4.5 may be as few as 5 persons). The one
    place the rule is written in SQL; publish blanks what it flags, and
    pipeline/suppression.py's is_small is the same band for the cells it derives.
-#}
{% macro is_small_cell(numerator='numerator', denominator='denominator') %}
    coalesce(
        ({{ numerator }} > 0 and {{ numerator }} < {{ var('small_cell_threshold') }})
        or ({{ denominator }} > 0 and {{ denominator }} < {{ var('small_cell_threshold') }}),
        false
    )
{%- endmacro %}
