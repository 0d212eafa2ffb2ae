-- 4.1 from Ballerup's persons register agrees with StatBank HFUDD25's Ballerup rows.
{% call reconcile_ballerup('ind_4_1__erhvervskompetencegivende_uddannelse') %}
select
    period_date as period,
    case
        when koen = 'I alt' and herkomst = 'I alt' then 'total'
        when herkomst = 'I alt' then 'koen'
        else 'herkomst'
    end as breakdown,
    case when herkomst = 'I alt' then koen else herkomst end as breakdown_value,
    n_vocational as numerator,
    n_persons as denominator
from {{ ref('stg_statbank__hfudd25') }}
where area_code = 151 and (koen = 'I alt' or herkomst = 'I alt')
{% endcall %}
