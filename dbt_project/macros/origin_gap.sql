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
    select
        {%- for key in keys %}
        non_western.{{ key }},
        {%- endfor %}
        {{ pct('non_western.' ~ numerator, 'non_western.' ~ denominator) }}
        - {{ pct('others.' ~ numerator, 'others.' ~ denominator) }} as gap_points,
        {{ smallest_count([
            'non_western.' ~ numerator, 'non_western.' ~ denominator,
            'others.' ~ numerator, 'others.' ~ denominator
        ]) }} as smallest_count,
        {{ comparison_bounds(
            "'share'", 100,
            'non_western.' ~ numerator, 'non_western.' ~ denominator,
            'others.' ~ numerator, 'others.' ~ denominator,
            prefix='ci'
        ) }}
    from {{ relation }} as non_western
    inner join {{ relation }} as others
        on
            {%- for key in keys %}
            non_western.{{ key }} = others.{{ key }}
            and
            {%- endfor %}
            others.{{ group_column }} = '{{ reference }}'
    where non_western.{{ group_column }} = 'ikke-vestlig'
{% endmacro %}
