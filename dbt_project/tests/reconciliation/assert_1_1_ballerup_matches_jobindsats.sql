-- 1.1 from Ballerup's person data agrees with Jobindsats Y30A01's Ballerup rows.
{% call reconcile_ballerup('ind_1_1__selvforsoergelse_eller_virksomhedsrettet') %}
select
    period_date as period,
    case when is_total then 'total' else 'maalgruppe' end as breakdown,
    maalgruppe_code as breakdown_value,
    n_moved as numerator,
    n_persons as denominator
from {{ ref('stg_jobindsats__y30a01') }}
where area_code = 151
{% endcall %}
