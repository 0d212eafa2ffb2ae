-- 2.5's denominator, Ballerup's labour force aged 16-64 from its persons register, agrees
-- with StatBank RAS100's Ballerup row (its numerator is reconciled with Y01A02 already).
{% call reconcile_ballerup('ind_2_5__sygemeldte') %}
select
    period_date as period,
    'total' as breakdown,
    'I alt' as breakdown_value,
    null::double as numerator,
    n_labour_force as denominator
from {{ ref('stg_statbank__ras100') }}
where area_code = 151 and is_age_total
{% endcall %}
