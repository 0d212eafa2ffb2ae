{#-
    Secondary suppression (fct_indicator_values). A count of 1 to small_cell_threshold - 1
    persons must not be derivable from anything published:
    - the complement of a share: denominator - numerator (persons not counted) is small;
    - a breakdown whose cells add up to its total: the total minus the shown cells gives the
      hidden cells' sum, so the hidden cells of such a breakdown must together hold no small
      numerator, denominator or complement. The next-smallest shown cells (by denominator)
      are hidden until they do.
    `is_safe_hidden(n, d, share)` is that test on the sums of the hidden cells.
-#}
{% macro is_safe_hidden(numerator, denominator, is_share) %}
    {%- set small = var('small_cell_threshold') -%}
    (
        coalesce({{ numerator }}, 0) not between 1 and {{ small }} - 1
        and coalesce({{ denominator }}, 0) not between 1 and {{ small }} - 1
        and (
            not {{ is_share }}
            or coalesce({{ denominator }}, 0) - coalesce({{ numerator }}, 0)
            not between 1 and {{ small }} - 1
        )
    )
{%- endmacro %}

{#- a share in whole persons: its complement is a count of persons too -#}
{% macro is_share_of_persons(unit='unit', numerator='numerator', denominator='denominator') %}
    (
        {{ unit }} = 'pct'
        and {{ numerator }} = round({{ numerator }})
        and {{ denominator }} = round({{ denominator }})
    )
{%- endmacro %}

{#-
    Two relations' rows that are the same area (indicator, period, period type, area), the
    same breakdown of it, or the same cell (and breakdown value): DESIGN.md's contract key.
-#}
{% macro same_key(left, right, level='cell') %}
    {%- set columns = ['indicator_id', 'period', 'period_type', 'area_code'] -%}
    {%- if level in ('breakdown', 'cell') %}{% do columns.append('breakdown') %}{% endif -%}
    {%- if level == 'cell' %}{% do columns.append('breakdown_value') %}{% endif -%}
    {%- for column in columns -%}
        {{ ' and ' if not loop.first }}{{ left }}.{{ column }} = {{ right }}.{{ column }}
    {%- endfor -%}
{%- endmacro %}
