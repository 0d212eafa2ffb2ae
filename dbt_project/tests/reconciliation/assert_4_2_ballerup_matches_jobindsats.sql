-- 4.2 from Ballerup's register agrees with Jobindsats Y06A02's Ballerup rows
-- (fuldtidspersoner published with two decimals).
{% call reconcile_ballerup('ind_4_2__unge_paa_uddannelseshjaelp', tolerance=0.005) %}
select
    period_date as period,
    'total' as breakdown,
    'I alt' as breakdown_value,
    fuldtidspersoner as numerator,
    n_residents as denominator
from {{ ref('stg_jobindsats__y06a02') }}
where area_code = 151
{% endcall %}
