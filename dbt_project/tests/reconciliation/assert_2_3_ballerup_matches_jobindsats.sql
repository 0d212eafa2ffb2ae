-- 2.3 from Ballerup's register agrees with Jobindsats Y07A01's Ballerup rows.
{% call reconcile_ballerup('ind_2_3__langtidsledige') %}
select
    period_date as period,
    case when is_age_total then 'total' else 'alder' end as breakdown,
    age_group as breakdown_value,
    n_long_term as numerator,
    n_unemployed as denominator
from {{ ref('stg_jobindsats__y07a01') }}
where area_code = 151
{% endcall %}
