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
    The verdict from an interval's gaps (columns `worst` and `best`: gap_worst and gap_best,
    or a figure's one gap as both where it has no interval), as `when` branches of a case: `met` when the whole interval is on the better side (a target is met on its
    mark, at least 80 %; a comparator must be beaten), `missed` when it is all on the worse
    side, else `level`. The status of a value and the course of a projection both say it.
-#}
{% macro verdict_branches(met, missed, level, worst='gap_worst', best='gap_best') -%}
    when target_operator is not null and {{ worst }} >= 0 then '{{ met }}'
    when target_operator is null and {{ worst }} > 0 then '{{ met }}'
    when {{ best }} < 0 then '{{ missed }}'
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

{#-
    A change since the year before as a word of seed indicator_statuses (kind change), from
    its value, interval, the persons behind it and whether a reform lies between the two
    periods: forbedret / forværret by the indicator's direction (steget / faldet without
    one) only when the interval leaves out 0. The change of the total and the change at the
    mix of a breakdown's groups (catalogue mix_adjusted_by) are both said by it.
-#}
{% macro change_verdict(change, lower, upper, persons, across_reform) -%}
    case
        -- across a reform the year before is not comparable, shown or hidden
        when {{ across_reform }} and value is not null then 'ikke sammenlignelig'
        when {{ change }} is null then null
        when {{ persons }} < {{ var('min_persons_for_verdict') }} then 'for få til en vurdering'
        when {{ lower }} is null or {{ upper }} is null then 'ikke vurderet'
        when {{ lower }} <= 0 and {{ upper }} >= 0 then 'ingen sikker ændring'
        when direction = 'higher_is_better' and {{ lower }} > 0 then 'forbedret'
        when direction = 'higher_is_better' then 'forværret'
        when direction = 'lower_is_better' and {{ upper }} < 0 then 'forbedret'
        when direction = 'lower_is_better' then 'forværret'
        when {{ lower }} > 0 then 'steget'
        else 'faldet'
    end
{%- endmacro %}

{#-
    Whether a reform that breaks the indicator's series (int_reform_breaks, as reform_breaks)
    began a series after the year before's period began (series_from: when every person a
    figure counts entered after it) and took effect before the status period ended: the two
    periods do not measure the same thing: the series of `breakdown` (a column or
    literal: the total's, or a breakdown's whose mix a change is shown at), by the rule
    fct_indicator_values dates its series by (macro reform_breaks_breakdown).
-#}
{% macro reform_since_year_before(breakdown="'total'") -%}
    exists(
        select 1
        from reform_breaks
        where
            reform_breaks.indicator_id = catalogue.indicator_id
            and {{ reform_breaks_breakdown(breakdown, 'reform_breaks.dimension') }}
            and reform_breaks.series_from
            > {{ period_first_day('latest_values.period', 'latest_values.period_type') }}
            - interval 1 year
            and reform_breaks.effective_date
            < {{ period_end('latest_values.period', 'latest_values.period_type') }}
    )
{%- endmacro %}
