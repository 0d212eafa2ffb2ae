{#- Helpers of fct_indicator_status. -#}

{#-
    The gap of a value x: how far x is on the better side of the target, or of the
    comparator's value c (comparator_value, or one end of its range)
-#}
{% macro gap_at(x, c='comparator_value') -%}
    case
        when target_operator = '<=' then target_value - {{ x }}
        when target_operator = '>=' then {{ x }} - target_value
        when target_operator = '=' then target_tolerance - abs({{ x }} - target_value)
        when {{ c }} is not null and direction = 'lower_is_better'
            then {{ c }} - {{ x }}
        when {{ c }} is not null and direction = 'higher_is_better'
            then {{ x }} - {{ c }}
    end
{% endmacro %}

{#-
    The gap at the worst and at the best point of an interval [low, high], against the worst
    and the best point of the comparator's range [comparator_lower, comparator_upper] (the
    range its published, rounded figures allow; its value where it has none); where the
    target is a band (=) and the interval holds its mark, the best is the band's whole
    tolerance.
-#}
{% macro worst_gap(low, high) -%}
    least(
        {%- for x in [low, high] %}{% for c in ['comparator_lower', 'comparator_upper'] %}
        {{ gap_at(x, c) }}{{ ',' if not (loop.last and x == high) }}
        {%- endfor %}{% endfor %}
    )
{%- endmacro %}

{% macro best_gap(low, high) -%}
    case
        when target_operator = '=' and target_value between {{ low }} and {{ high }}
            then target_tolerance
        else greatest(
            {%- for x in [low, high] %}{% for c in ['comparator_lower', 'comparator_upper'] %}
            {{ gap_at(x, c) }}{{ ',' if not (loop.last and x == high) }}
            {%- endfor %}{% endfor %}
        )
    end
{%- endmacro %}

{#-
    The verdict from an interval's gaps (columns gap_worst and gap_best), as `when` branches
    of a case: `met` when the whole interval is on the better side (a target is met on its
    mark, at least 80 %; a comparator must be beaten), `missed` when it is all on the worse
    side, else `level`. The status of a value and the course of a projection both say it.
-#}
{% macro verdict_branches(met, missed, level) -%}
    when target_operator is not null and gap_worst >= 0 then '{{ met }}'
    when target_operator is null and gap_worst > 0 then '{{ met }}'
    when gap_best < 0 then '{{ missed }}'
    else '{{ level }}'
{%- endmacro %}

{#- the persons behind a value, by its interval method (seed interval_methods); none where
    no persons stand behind it (a range that rounding allows) -#}
{% macro persons_behind(rows, methods) -%}
    case {{ methods }}.persons_behind
        when 'denominator' then {{ rows }}.denominator
        when 'numerator' then {{ rows }}.numerator
        when 'none' then null
        else least({{ rows }}.numerator, {{ rows }}.denominator)
    end
{% endmacro %}
