{#-
    Two groups compared over all strata, within each (5.4's share difference and 5.6's rate
    ratio over their target groups, so that a different mix of target groups does not make
    the difference): `function` of pipeline/stats.py (rate_ratio_within_strata,
    share_difference_within_strata; registered by pipeline/dbt_plugin.py) over the strata's
    counts in `relation`, one row per key and stratum with k1, n1, k0 and n0 (macro
    origin_pairs: group 1's events and base, the reference group's), as [estimate, lower,
    upper]; and the smallest count behind it, so that the small-cell rule hides it with its
    cells.
-#}
{% macro within_strata(function, relation, key, stratum) %}
    select
        {{ key }},
        {{ function }}(
            list(k1 order by {{ stratum }}),
            list(n1 order by {{ stratum }}),
            list(k0 order by {{ stratum }}),
            list(n0 order by {{ stratum }}),
            {{ var('interval_alpha') }}
        ) as estimate,
        {{ smallest_count(['sum(k1)', 'sum(n1)', 'sum(k0)', 'sum(n0)']) }} as smallest_count
    from {{ relation }}
    group by {{ key }}
{% endmacro %}
