{#- Helpers of fct_indicator_status. -#}

{#- the gap of a value x: how far x is on the better side of the target or comparator -#}
{% macro gap_at(x) -%}
    case
        when target_operator = '<=' then target_value - {{ x }}
        when target_operator = '>=' then {{ x }} - target_value
        when target_operator = '=' then target_tolerance - abs({{ x }} - target_value)
        when comparator_value is not null and direction = 'lower_is_better'
            then comparator_value - {{ x }}
        when comparator_value is not null and direction = 'higher_is_better'
            then {{ x }} - comparator_value
    end
{% endmacro %}

{#- the persons behind a value, by its unit's interval method (seed interval_methods) -#}
{% macro persons_behind(rows, methods) -%}
    case {{ methods }}.persons_behind
        when 'denominator' then {{ rows }}.denominator
        when 'numerator' then {{ rows }}.numerator
        else least({{ rows }}.numerator, {{ rows }}.denominator)
    end
{% endmacro %}
