-- 5.2 (and so 5.1, which sums the same cells) from Ballerup's register agrees with Jobindsats
-- Y01A05's Ballerup rows by origin and sex (fuldtidspersoner published with two decimals).
{% call reconcile_ballerup('ind_5_2__forsoergede_herkomst_maalgruppe_koen', tolerance=0.005) %}
select
    period_date as period,
    case when herkomst = 'I alt' then 'total' else 'herkomst_koen' end as breakdown,
    case when herkomst = 'I alt' then 'I alt' else herkomst || ' / ' || koen end
        as breakdown_value,
    fuldtidspersoner as numerator,
    n_residents as denominator
from {{ ref('stg_jobindsats__y01a05') }}
where
    area_code = 151
    and ((herkomst = 'I alt' and koen = 'I alt') or (herkomst != 'I alt' and koen != 'I alt'))
{% endcall %}
