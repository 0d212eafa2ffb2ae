{#-
    A row of a grouping-sets aggregation (rollup, cube) as a breakdown's row of the indicator
    contract: `dimensions` lists (breakdown, column) pairs; a row grouped by a column is that
    breakdown's, with the column's value (the first such pair, where a row is grouped by
    several), and a row grouped by none is the total ('total', 'I alt'). Gives the columns
    breakdown and breakdown_value (grouped_breakdown_value: the value alone).
-#}
{% macro grouped_breakdown(dimensions) -%}
    case
        {%- for breakdown, column in dimensions %}
            when grouping({{ column }}) = 0 then '{{ breakdown }}'
        {%- endfor %}
            else 'total'
    end as breakdown,
    {{ grouped_breakdown_value(dimensions) }}
{%- endmacro %}

{% macro grouped_breakdown_value(dimensions) -%}
    case
        {%- for _, column in dimensions %}
            when grouping({{ column }}) = 0 then {{ column }}::varchar
        {%- endfor %}
            else 'I alt'
    end as breakdown_value
{%- endmacro %}

{#-
    Counts for a share, per value of one breakdown column and in all ('total', 'I alt'):
    period, breakdown, breakdown_value, n_base (rows) and n_flagged (rows where the flag holds).
    `relation` must have the columns `period`, `breakdown_column` and `flag_column`. One scan
    with grouping sets (period with rollup: per value and in all), not a union of two aggregations over the same rows.
    Where the rows are events, not persons (1.2's offers), `person_column` names the person of
    each: the persons behind the base, the flagged and the rest are counted too (n_base_persons,
    n_flagged_persons, n_rest_persons), for the small-cell rule (macro is_small_cell).
-#}
{% macro share_counts(relation, breakdown, breakdown_column, flag_column, person_column=none) %}
    select
        period,
        {{ grouped_breakdown([(breakdown, breakdown_column)]) }},
        count(*) as n_base,
        count(*) filter (where {{ flag_column }}) as n_flagged
        {%- if person_column %},
        count(distinct {{ person_column }}) as n_base_persons,
        count(distinct {{ person_column }}) filter (where {{ flag_column }}) as n_flagged_persons,
        -- the rest: n_base - n_flagged, a row whose flag is NULL too
        count(distinct {{ person_column }})
            filter (where {{ flag_column }} is not true) as n_rest_persons
        {%- endif %}
    from {{ relation }}
    group by period, rollup({{ breakdown_column }})
{% endmacro %}

{#-
    `counts` (as share_counts gives them) for the months of `months` (a relation with
    month_date), with a total row for every one of them: 0 of 0 where no row was counted in
    it, so that a month that could be measured and had nobody to measure shows as such, not
    as a gap (1.4, 1.5). A month outside `months` is left out, rows and total: it could not
    be measured whole (follow_up_months: the register's first months lack the cohorts of
    their early weeks; helper-84 found 1.4's May 2019 and 1.5's August 2019 published from
    them), as 2.2 and 5.3 leave it out.
-#}
{% macro with_every_month_total(counts, months) %}
    select
        counted.period,
        counted.breakdown,
        counted.breakdown_value,
        counted.n_base,
        counted.n_flagged
    from {{ counts }} as counted
    inner join {{ months }}
        on counted.period = {{ months }}.month_date
    where counted.breakdown != 'total'
    union all
    select
        {{ months }}.month_date as period,
        'total' as breakdown,
        'I alt' as breakdown_value,
        coalesce(counted.n_base, 0) as n_base,
        coalesce(counted.n_flagged, 0) as n_flagged
    from {{ months }}
    left join (select * from {{ counts }} where breakdown = 'total') as counted
        on {{ months }}.month_date = counted.period
{% endmacro %}
