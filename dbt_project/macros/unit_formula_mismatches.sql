{#-
    The rows of `relation` whose value does not follow from its counts by its unit (seed
    units): scale * numerator / denominator for a share or a rate (100 for pct, 10,000 for
    per_10000, 100 for per_100), scale * (numerator / denominator - 1) for a change from a
    year before (units.compares_year_before). The home municipality's rows are computed here
    from its counts, to the floating-point error (1e-9); another area's value may be a
    benchmark source's own, rounded to the decimals it publishes (var published_pct_decimals:
    half a unit of the last decimal). `tolerance`, where given, replaces both. Rows without
    counts or without a
    value (a share the source withheld beside its counts: shown as published, with no
    interval), and units computed from finer cells (units.compares_cells) or without a scale
    (count, rank), are not checked. Used by the data tests value_follows_unit and
    indicator_rows_hold.
-#}
{% macro unit_formula_mismatches(relation, numerator='numerator', denominator='denominator', tolerance=none) %}
select m.*
from {{ relation }} as m
inner join {{ ref('units') }} as u on m.unit = u.unit
where not u.compares_cells
    and u.scale is not null
    and m.{{ denominator }} > 0
    and m.{{ numerator }} is not null
    and m.value is not null
    and abs(
        m.value - u.scale * (
            m.{{ numerator }} / m.{{ denominator }}
            - case when u.compares_year_before then 1 else 0 end
        )
    ) > {% if tolerance is not none -%}
        {{ tolerance }} + 1e-9
    {%- else -%}
        case
            when m.area_code = {{ var('home_municipality') }} then 1e-9
            else 0.5 * 10 ** (-{{ var('published_pct_decimals') }}) + 1e-9
        end
    {%- endif %}
{% endmacro %}
