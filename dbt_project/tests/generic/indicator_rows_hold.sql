{#-
    An indicator model's rows hold the contract's rules, in one data test beside the model
    (one node, not three: issue 16): the grain (no two rows share period type, period, area,
    breakdown and breakdown value: pipeline/publish.py's CELL_KEY without the indicator, one
    per model), a share counting no more than its base (unit pct), and the value
    following from the counts by its unit (macro unit_formula_mismatches, as the test
    value_follows_unit). Each failing row says which rule it breaks. fct_indicator_values,
    the union of the models, has the same rules as separate tests.
-#}
{% test indicator_rows_hold(model, tolerance=none) %}
{%- set rules = [
    ('duplicated', 'two or more rows share period type, period, area, breakdown and its value'),
    ('above_base', 'the numerator is above the denominator of a share'),
    ('mismatched', 'the value does not follow from the counts by its unit'),
] %}
with

duplicated as (
    select period, area_code, breakdown, breakdown_value
    from {{ model }}
    group by period_type, period, area_code, breakdown, breakdown_value
    having count(*) > 1
),

above_base as (
    select * from {{ model }}
    where unit = 'pct' and numerator > denominator
),

mismatched as (
    {{ unit_formula_mismatches(model, tolerance=tolerance) }}
)

{% for cte, problem in rules %}
    select period, area_code, breakdown, breakdown_value, '{{ problem }}' as problem
    from {{ cte }}
    {% if not loop.last %}union all{% endif %}
{% endfor %}
{% endtest %}
