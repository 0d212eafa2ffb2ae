{#-
    Counts for a share, per value of one breakdown column and in all ('total', 'I alt'):
    period, breakdown, breakdown_value, n_base (rows) and n_flagged (rows where the flag holds).
    `relation` must have the columns `period`, `breakdown_column` and `flag_column`. One scan
    with grouping sets (period with rollup: per value and in all), not a union of two aggregations over the same rows.
-#}
{% macro share_counts(relation, breakdown, breakdown_column, flag_column) %}
    select
        period,
        case
            when grouping({{ breakdown_column }}) = 1 then 'total' else '{{ breakdown }}'
        end as breakdown,
        case
            when grouping({{ breakdown_column }}) = 1 then 'I alt'
            else {{ breakdown_column }}::varchar
        end as breakdown_value,
        count(*) as n_base,
        count(*) filter (where {{ flag_column }}) as n_flagged
    from {{ relation }}
    group by period, rollup({{ breakdown_column }})
{% endmacro %}
