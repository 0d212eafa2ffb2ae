{#-
    The 95 % interval of a published value, by its unit's method (seed units:
    interval_method, scale). The functions are statsmodels' (pipeline/stats.py), registered
    in DuckDB by the profile's plugin (pipeline/dbt_plugin.py).

    share: Wilson's interval of numerator / denominator, times the unit's scale.
    count: the exact Poisson interval of the numerator, over the denominator as a known
           population, times the scale.
    Only where the value is what the counts say it is (value = numerator / denominator x
    scale): a row whose value comes from elsewhere (a published rate beside counts of
    another kind, an expected share) gets no interval rather than a wrong one.
-#}
{% macro interval_bounds(method, scale, numerator='numerator', denominator='denominator', value='value') %}
    {%- set alpha = var('interval_alpha') -%}
    {%- set consistent -%}
        {{ denominator }} > 0
        and abs({{ value }} - {{ numerator }} / {{ denominator }} * {{ scale }})
        <= 1e-6 * greatest(1, abs({{ value }}))
    {%- endset -%}
    case
        when not ({{ consistent }}) then null
        when {{ method }} = 'share'
            then ci_share_low({{ numerator }}, {{ denominator }}, {{ alpha }}) * {{ scale }}
        when {{ method }} = 'count'
            then ci_count_low({{ numerator }}, {{ alpha }}) / {{ denominator }} * {{ scale }}
    end as ci_lower,
    case
        when not ({{ consistent }}) then null
        when {{ method }} = 'share'
            then ci_share_high({{ numerator }}, {{ denominator }}, {{ alpha }}) * {{ scale }}
        when {{ method }} = 'count'
            then ci_count_high({{ numerator }}, {{ alpha }}) / {{ denominator }} * {{ scale }}
    end as ci_upper
{%- endmacro %}
