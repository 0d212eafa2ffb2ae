{#-
    The gap between non-Western origin and a reference group in a share (5.0, 5.3, 5.4): for
    each key of `relation` (one row per key and origin group, with the share's `numerator`
    and `denominator`), the non-Western share minus the reference group's in percentage
    points, the smallest count behind the two (the gap row's numerator, so that the small-cell
    rule hides it with its cells), and Newcombe's 95 % interval for the difference of two
    shares as ci_lower and ci_upper. The reference is the goal's: 'dansk og vestlig' where
    the goal says "på niveau med" Danish and Western origin (5.0, 5.3), 'øvrige' where it
    says "de resterende" (5.4).
-#}
{% macro origin_gap(relation, keys, numerator, denominator, group_column, reference) %}
    {{ pairs_gap(
        '(' ~ origin_pairs(relation, keys, numerator, denominator, group_column, reference)
        ~ ') as pairs',
        keys
    ) }}
{% endmacro %}

{#- origin_gap's columns from pairs already made (macro origin_pairs: keys, k1, n1, k0, n0).
    With `design_effect` (a column of `pairs`: counts of events, macro design_effect), the
    interval takes the counts divided by it (macro effective); the gap and its smallest count
    are the counts' own. -#}
{% macro pairs_gap(pairs, keys, design_effect=none) %}
    {%- set counts = ['k1', 'n1', 'k0', 'n0'] -%}
    {%- set taken = effective_list(counts, design_effect) %}
    select
        {%- for key in keys %}
        {{ key }},
        {%- endfor %}
        {{ pct('k1', 'n1') }} - {{ pct('k0', 'n0') }} as gap_points,
        {{ smallest_count(counts) }} as smallest_count,
        {{ comparison_bounds(
            "'share'", 100, taken[0], taken[1], taken[2], taken[3], prefix='ci'
        ) }}
    from {{ pairs }}
{% endmacro %}

{#-
    Non-Western origin's counts beside the reference group's, one row per key of `relation`
    (one row per key and origin group): the keys, k1 and n1 (non-Western's `numerator` and
    `denominator`), k0 and n0 (the reference's). What origin_gap compares in a share, and
    what 5.4 and 5.6 compare within target groups (macro within_strata).
-#}
{% macro origin_pairs(relation, keys, numerator, denominator, group_column, reference) %}
    select
        {%- for key in keys %}
        non_western.{{ key }},
        {%- endfor %}
        non_western.{{ numerator }} as k1,
        non_western.{{ denominator }} as n1,
        other_origins.{{ numerator }} as k0,
        other_origins.{{ denominator }} as n0
    from {{ relation }} as non_western
    inner join {{ relation }} as other_origins
        on
            {%- for key in keys %}
            non_western.{{ key }} = other_origins.{{ key }}
            and
            {%- endfor %}
            other_origins.{{ group_column }} = '{{ reference }}'
    where non_western.{{ group_column }} = 'ikke-vestlig'
{% endmacro %}
