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
    {%- for bound, column in [('low', 'ci_lower'), ('high', 'ci_upper')] %}
    case
        when not ({{ consistent }}) then null
        when {{ method }} = 'share'
            then ci_share_{{ bound }}({{ numerator }}, {{ denominator }}, {{ alpha }}) * {{ scale }}
        when {{ method }} = 'count'
            then ci_count_{{ bound }}({{ numerator }}, {{ alpha }}) / {{ denominator }} * {{ scale }}
    end as {{ column }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#-
    The 95 % interval of the change k1/n1 - k0/n0 since a year before, in the unit's scale:
    share: Newcombe's interval for two independent shares; count: the score interval for
    two Poisson rates (statsmodels, pipeline/stats.py).
-#}
{% macro change_interval_bounds(method, scale, k1, n1, k0, n0) %}
    {%- set args = [k1, n1, k0, n0, var('interval_alpha')] | join(', ') -%}
    {%- for bound, column in [('low', 'change_ci_lower'), ('high', 'change_ci_upper')] %}
    case {{ method }}
        when 'share' then {{ scale }} * ci_share_diff_{{ bound }}({{ args }})
        when 'count' then {{ scale }} * ci_count_diff_{{ bound }}({{ args }})
    end as {{ column }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}
