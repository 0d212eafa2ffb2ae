-- 3.3 from Ballerup's register agrees with Jobindsats Y15A01's Ballerup rows.
{% call reconcile_ballerup('ind_3_3__tilkendelser_foertidspension') %}
select
    period_date as period,
    case when is_age_total then 'total' else 'alder' end as breakdown,
    age_group as breakdown_value,
    n_awards as numerator,
    n_residents as denominator
from {{ ref('stg_jobindsats__y15a01') }}
where area_code = 151
{% endcall %}
