{#- Every interval holds its value: ci_lower <= value <= ci_upper, both or neither given,
    and none without a value (a comparison with NULL would let such a row pass unseen). -#}
{% test value_within_interval(model) %}
    select *
    from {{ model }}
    where
        (ci_lower is null) != (ci_upper is null)
        or (value is null and ci_lower is not null)
        or ci_lower > value + 1e-9
        or ci_upper < value - 1e-9
{% endtest %}
