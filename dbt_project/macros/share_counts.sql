{#-
    Counts for a share, per value of one breakdown column and in all ('total', 'I alt'):
    period, breakdown, breakdown_value, n_base (rows) and n_flagged (rows where the flag holds).
    `relation` must have the columns `period`, `breakdown_column` and `flag_column`.
-#}
{% macro share_counts(relation, breakdown, breakdown_column, flag_column) %}
    select
        period,
        '{{ breakdown }}' as breakdown,
        {{ breakdown_column }}::varchar as breakdown_value,
        count(*) as n_base,
        count(*) filter (where {{ flag_column }}) as n_flagged
    from {{ relation }}
    group by period, {{ breakdown_column }}
    union all
    select
        period,
        'total' as breakdown,
        'I alt' as breakdown_value,
        count(*) as n_base,
        count(*) filter (where {{ flag_column }}) as n_flagged
    from {{ relation }}
    group by period
{% endmacro %}
