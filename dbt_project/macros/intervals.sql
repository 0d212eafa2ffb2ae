{#-
    The 95 % interval of a published value, by its unit's method (seed units:
    interval_method, scale). The functions are statsmodels' (pipeline/stats.py), registered
    in DuckDB by the profile's plugin (pipeline/dbt_plugin.py).

    share: Wilson's interval of numerator / denominator, times the unit's scale.
    count: the exact Poisson interval of the numerator, over the denominator as a known
           population, times the scale.
    count_change: the change in per cent of a count since a year before (0.2): the MOVER
           interval of the ratio of the two counts as Poisson counts, minus 1, times 100.
    share_difference, rate_ratio: a comparison of two groups (5.0's gap in percentage
           points, 5.6's ratio), whose model computed the interval from both groups'
           counts (macro comparison_bounds): `given` names its two columns.
    A model may give a row's range itself (`given`): a value no counts stand behind, made of
    published figures each rounded to the decimal the source publishes (2.5's country:
    the sum of two rounded percentages), has the range that rounding allows.
    Only where the value is what the counts say it is (value = numerator / denominator x
    scale): a row whose value comes from elsewhere (a published rate beside counts of
    another kind, an expected share) gets no interval rather than a wrong one. A row without
    a value (a share the source withheld beside the counts it published, a ratio of two
    groups with no events in either) gets none: an interval is a value's.
-#}
{% macro interval_bounds(method, scale, given, numerator='numerator', denominator='denominator', value='value') %}
    {%- set alpha = var('interval_alpha') -%}
    {%- set consistent -%}
        {{ denominator }} > 0
        and abs({{ value }} - {{ numerator }} / {{ denominator }} * {{ scale }})
        <= 1e-6 * greatest(1, abs({{ value }}))
    {%- endset -%}
    {%- for bound, column in [('low', 'ci_lower'), ('high', 'ci_upper')] %}
    case
        when {{ value }} is null then null
        when {{ method }} in ('share_difference', 'rate_ratio') or {{ given }}_{{ column[3:] }} is not null
            then {{ given }}_{{ column[3:] }}
        when {{ method }} = 'count_change'
            then {{ scale }} * (
                ci_rate_ratio_{{ bound }}({{ numerator }}, 1, {{ denominator }}, 1, {{ alpha }}) - 1
            )
        when not ({{ consistent }}) then null
        when {{ method }} = 'share'
            then ci_share_{{ bound }}({{ numerator }}, {{ denominator }}, {{ alpha }}) * {{ scale }}
        when {{ method }} = 'count'
            then ci_count_{{ bound }}({{ numerator }}, {{ alpha }}) / {{ denominator }} * {{ scale }}
    end as {{ column }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#-
    The 95 % interval of a comparison of two groups' counts, k1 of n1 against k0 of n0, in
    the unit's scale, as columns <prefix>_lower and <prefix>_upper:
    share: Newcombe's interval for k1/n1 - k0/n0 (two independent shares);
    count: the score interval for the difference of two Poisson rates;
    rate_ratio: the MOVER interval for the ratio (k1/n1) / (k0/n0) of two Poisson rates
    (statsmodels, pipeline/stats.py). fct_indicator_status compares a value with itself a
    year before; the models of 5.0, 5.3, 5.4 and 5.6 compare non-Western origin with the
    others (seed units: interval_method share_difference and rate_ratio).
-#}
{% macro comparison_bounds(method, scale, k1, n1, k0, n0, prefix='change_ci') %}
    {%- for bound, suffix in [('low', 'lower'), ('high', 'upper')] %}
    {{ comparison_bound(method, scale, k1, n1, k0, n0, bound) }} as {{ prefix }}_{{ suffix }}
    {{- ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{% macro comparison_bound(method, scale, k1, n1, k0, n0, bound) -%}
    {%- set args = [k1, n1, k0, n0, var('interval_alpha')] | join(', ') -%}
    case {{ method }}
        when 'share' then {{ scale }} * ci_share_diff_{{ bound }}({{ args }})
        when 'count' then {{ scale }} * ci_count_diff_{{ bound }}({{ args }})
        when 'rate_ratio' then {{ scale }} * ci_rate_ratio_{{ bound }}({{ args }})
    end
{%- endmacro %}

{#-
    The 95 % interval of a value's change since a year before (fct_indicator_status), as
    columns change_ci_lower and change_ci_upper, from relations `now` and `before` (value,
    ci_lower, ci_upper, effective_numerator, effective_denominator: macro effective_counts)
    and `now`'s interval_method, scale and
    compares_cells (seed units). A comparison of two groups (5.0's gap, 5.6's ratio: its
    unit compares cells) has no counts of its own: its change's interval is the MOVER one
    from the two years' own intervals (pipeline/stats.py difference_interval). Any other
    value's, from the two years' counts (comparison_bound).
-#}
{% macro change_bounds(now, before) %}
    {%- for bound, suffix in [('low', 'lower'), ('high', 'upper')] %}
    case
        -- (a range that rounding allows is no statistical interval to combine)
        when {{ now }}.compares_cells and {{ now }}.interval_method != 'rounding'
            then ci_diff_of_{{ bound }}(
                {{ now }}.value, {{ now }}.ci_lower, {{ now }}.ci_upper,
                {{ before }}.value, {{ before }}.ci_lower, {{ before }}.ci_upper
            )
        else {{ comparison_bound(
            now ~ '.interval_method', now ~ '.scale',
            now ~ '.effective_numerator', now ~ '.effective_denominator',
            before ~ '.effective_numerator', before ~ '.effective_denominator', bound
        ) }}
    end as change_ci_{{ suffix }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#- the interval a model computed itself, where it has the columns (`columns`: macro
    model_columns), and what that interval is (interval_method, a code of seed
    interval_methods, e.g. rounding; NULL: its unit's method); else none -#}
{% macro given_interval(columns) -%}
    {{ optional_columns(
        columns, [('ci_lower', 'double'), ('ci_upper', 'double'), ('interval_method', 'varchar')]
    ) }}
{%- endmacro %}

{#- A cell's counts as its interval takes them (`cell`: a relation with numerator,
    denominator and design_effect, fct_indicator_values' columns), as columns
    effective_numerator and effective_denominator: divided by the period's design effect
    where the indicator counts events (macro design_effect), else as they are. With
    `interval_given`, NULL where the cell has no interval (a period with too few events for
    a design effect; counts beside a value they do not make): no change is computed from
    counts whose uncertainty the cell does not state. -#}
{% macro effective_counts(cell, interval_given=false) -%}
    {%- for count in ['numerator', 'denominator'] %}
    {%- set taken = effective(cell ~ '.' ~ count, cell ~ '.design_effect') %}
    {%- if interval_given %}
    case
        when {{ cell }}.ci_lower is not null or {{ cell }}.ci_upper is not null then {{ taken }}
    end as effective_{{ count }}
    {%- else %}
    {{ taken }} as effective_{{ count }}
    {%- endif %}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#- A count as an interval takes it: divided by its period's design effect where it is a count
    of events (macro design_effect), as it is where `design_effect` is NULL. -#}
{% macro effective(count, design_effect) -%}
    {{ count }} / coalesce({{ design_effect }}, 1)
{%- endmacro %}

{#- `counts` (column expressions) each as macro effective takes it, as a list (for
    comparison_bounds' arguments); as they are where `design_effect` (a column) is none. -#}
{% macro effective_list(counts, design_effect=none) -%}
    {%- set taken = [] -%}
    {%- for count in counts -%}
        {%- do taken.append(effective(count, design_effect) if design_effect else count) -%}
    {%- endfor -%}
    {{ return(taken) }}
{%- endmacro %}
