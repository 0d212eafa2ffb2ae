{#-
    The small-cell rule of publication (Jobindsats and DST do the same): a cell whose
    numerator or denominator is above 0 and below small_cell_threshold is published without
    value and counts. Not "between 1 and threshold - 1": fuldtidspersoner are fractions, and
    0.2 of them is one person's one week in the month (4.5 may be as few as 5 persons). The one
    place the rule is written in SQL; publish blanks what it flags, and
    pipeline/suppression.py's is_small is the same band for the cells it derives. Sums of
    fractions carry rounding noise that differs between builds (5.0 may be 4.999999999): a
    value within var small_cell_tolerance (suppression.TOLERANCE reads it too) of 0 or of the
    threshold counts as that value, so that the same data hide the same cells in every build.
-#}
{% macro is_small_cell(numerator='numerator', denominator='denominator') %}
    {%- set low = var('small_cell_tolerance') %}
    {%- set high = var('small_cell_threshold') - low %}
    coalesce(
        ({{ numerator }} > {{ low }} and {{ numerator }} < {{ high }})
        or ({{ denominator }} > {{ low }} and {{ denominator }} < {{ high }}),
        false
    )
{%- endmacro %}
