-- Fuldtidspersoner per benefit group are computed twice for Ballerup: from its register and
-- by Jobindsats (each benefit's A02 table, "Antal fuldtidspersoner" published as a whole
-- number). In every month both have, they agree to that rounding. From July 2025
-- uddannelseshjælp has no table of its own (seed benefit_tables): Jobindsats counts it in
-- kontanthjælp (y60a02), so the register's uddannelseshjælp is added to its kontanthjælp.
with

register as (
    select * from {{ ref('int_fuldtidspersoner') }}
),

benefit_tables as (
    select * from {{ ref('benefit_tables') }}
),

benchmark as (
    select * from {{ ref('stg_jobindsats__fuldtidspersoner') }}
    where area_code = {{ var('home_municipality') }}
),

register_as_published as (
    select
        register.month_date,
        case
            when benefit_tables.table_id is null and register.ydelse_group = 'uddannelseshjaelp'
                then 'kontanthjaelp'
            else register.ydelse_group
        end as ydelse_group,
        sum(register.fuldtidspersoner) as fuldtidspersoner
    from register
    left join benefit_tables
        on
            register.ydelse_group = benefit_tables.ydelse_group
            and register.month_date between benefit_tables.valid_from and benefit_tables.valid_to
    group by all
)

select
    benchmark.period_date,
    benchmark.ydelse_group,
    benchmark.fuldtidspersoner as published,
    register_as_published.fuldtidspersoner as computed
from benchmark
inner join register_as_published
    on
        benchmark.period_date = register_as_published.month_date
        and benchmark.ydelse_group = register_as_published.ydelse_group
where abs(benchmark.fuldtidspersoner - register_as_published.fuldtidspersoner) > 0.5
