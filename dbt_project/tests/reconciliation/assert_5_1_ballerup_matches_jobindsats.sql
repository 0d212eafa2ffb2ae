-- 5.1 from Ballerup's register agrees with Jobindsats Y01A05's Ballerup rows by origin
-- (fuldtidspersoner published with two decimals).
{% call reconcile_ballerup('ind_5_1__forsoergede_herkomst_maalgruppe', tolerance=0.005) %}
select
    period_date as period,
    case when herkomst = 'I alt' then 'total' else 'herkomst' end as breakdown,
    herkomst as breakdown_value,
    fuldtidspersoner as numerator,
    n_residents as denominator
from {{ ref('stg_jobindsats__y01a05') }}
where area_code = 151 and koen = 'I alt'
{% endcall %}
