{#-
    Rows where an indicator's Ballerup figures, computed from person data, disagree with the
    benchmark extract's Ballerup rows (the caller's query: period, breakdown,
    breakdown_value, numerator, denominator), beyond `tolerance` (the publisher's rounding). Rows missing on
    either side count as disagreements when the other side has a non-empty denominator: the
    two must cover the same periods and cells.
-#}
{% macro reconcile_ballerup(indicator_model, tolerance=0) %}
with

benchmark as (
    {{ caller() }}
),

computed as (
    select * from {{ ref(indicator_model) }}
    where
        area_code = {{ var('home_municipality') }}
        and breakdown in (select distinct b.breakdown from benchmark as b)
),

published as (
    select * from benchmark
    where period between (select min(c.period) from computed as c)
    and (select max(c.period) from computed as c)
)

select
    coalesce(published.period, computed.period) as period,
    coalesce(published.breakdown, computed.breakdown) as breakdown,
    coalesce(published.breakdown_value, computed.breakdown_value) as breakdown_value,
    published.numerator as published_numerator,
    computed.numerator as computed_numerator,
    published.denominator as published_denominator,
    computed.denominator as computed_denominator
from published
full outer join computed
    on
        published.period = computed.period
        and published.breakdown = computed.breakdown
        and published.breakdown_value = computed.breakdown_value
where
    (published.period is null and computed.denominator > 0)
    or (computed.period is null and published.denominator > 0)
    or abs(published.numerator - computed.numerator) > {{ tolerance }}
    or abs(published.denominator - computed.denominator) > {{ tolerance }}
{% endmacro %}
