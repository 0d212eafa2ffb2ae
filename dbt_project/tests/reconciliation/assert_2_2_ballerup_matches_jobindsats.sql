-- 2.2 is computed twice for Ballerup: from its own register (spells) and by Jobindsats.
-- In every month both have, the counts must agree exactly.
with

person_path as (
    select * from {{ ref('ind_2_2__dagpenge_efter_13_uger') }}
    where area_code = 151
),

benchmark as (
    select * from {{ ref('stg_jobindsats__y14d03') }}
    where area_code = 151
)

select
    benchmark.period_date,
    benchmark.age_group,
    benchmark.n_new_spells,
    person_path.denominator,
    benchmark.n_still_on,
    person_path.numerator
from benchmark
inner join person_path
    on
        benchmark.period_date = person_path.period
        and benchmark.age_group = person_path.breakdown_value
where
    benchmark.n_new_spells != person_path.denominator
    or benchmark.n_still_on != person_path.numerator
