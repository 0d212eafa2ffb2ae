{#-
    An indicator model's rows hold the contract's rules, in one data test beside the model
    (one node, not three: issue 16): the grain (no two rows share period, area, breakdown
    and breakdown value), a share counting no more than its base (unit pct), and the value
    following from the counts by its unit (macro unit_formula_mismatches, as the test
    value_follows_unit). Each failing row says which rule it breaks. fct_indicator_values,
    the union of the models, has the same rules as separate tests.
-#}
{% test indicator_rows_hold(model, tolerance=0.05) %}
select
    period,
    area_code,
    breakdown,
    breakdown_value,
    'two or more rows share period, area, breakdown and breakdown value' as problem
from {{ model }}
group by period, area_code, breakdown, breakdown_value
having count(*) > 1
union all
select
    period,
    area_code,
    breakdown,
    breakdown_value,
    'the numerator is above the denominator of a share' as problem
from {{ model }}
where unit = 'pct' and numerator > denominator
union all
select
    period,
    area_code,
    breakdown,
    breakdown_value,
    'the value does not follow from the counts by its unit' as problem
from ({{ unit_formula_mismatches(model, tolerance=tolerance) }}) as mismatches
{% endtest %}
