-- 2.4 from Ballerup's person data agrees with Jobindsats Y04A02's Ballerup rows.
{% call reconcile_ballerup('ind_2_4__forsikrede_virksomhedsrettet') %}
select
    period_date as period,
    case when is_total then 'total' else 'tilbudstype' end as breakdown,
    offer_type as breakdown_value,
    n_in_offer as numerator,
    n_insured_unemployed as denominator
from {{ ref('stg_jobindsats__y04a02') }}
where area_code = 151
{% endcall %}
