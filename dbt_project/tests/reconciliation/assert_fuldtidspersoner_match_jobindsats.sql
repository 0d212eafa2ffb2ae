-- Fuldtidspersoner per benefit group are computed twice for Ballerup: from its register and
-- by Jobindsats (Y01A02, published with two decimals). In every month both have, they agree.
with

register as (
    select * from {{ ref('int_fuldtidspersoner') }}
),

benchmark as (
    select * from {{ ref('stg_jobindsats__y01a02') }}
    where area_code = 151
)

select
    benchmark.period_date,
    benchmark.ydelse_group,
    benchmark.fuldtidspersoner as published,
    register.fuldtidspersoner as computed
from benchmark
inner join register
    on
        benchmark.period_date = register.month_date
        and benchmark.ydelse_group = register.ydelse_group
where abs(benchmark.fuldtidspersoner - register.fuldtidspersoner) > 0.005
