-- 4.1 from Ballerup's persons register agrees with StatBank HFUDD11's Ballerup rows (in all
-- and by sex; the sample aggregates its persons as DST does).
{% call reconcile_ballerup('ind_4_1__erhvervskompetencegivende_uddannelse') %}
select
    period_date as period,
    case when koen = 'I alt' then 'total' else 'koen' end as breakdown,
    koen as breakdown_value,
    n_vocational as numerator,
    n_persons as denominator
from {{ ref('stg_statbank__hfudd11') }}
where area_code = {{ var('home_municipality') }}
{% endcall %}
