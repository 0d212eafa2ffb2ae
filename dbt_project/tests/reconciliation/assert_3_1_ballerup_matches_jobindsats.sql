-- 3.1 from Ballerup's person data agrees with Jobindsats Y10A01's Ballerup rows.
{% call reconcile_ballerup('ind_3_1__aktivitetsparate_virksomhedsrettet') %}
select
    period_date as period,
    case when is_total then 'total' else 'maalgruppe' end as breakdown,
    maalgruppe_code as breakdown_value,
    n_in_company as numerator,
    n_persons as denominator
from {{ ref('stg_jobindsats__y10a01') }}
where area_code = 151
{% endcall %}
