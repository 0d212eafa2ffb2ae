-- Fuldtidspersoner per benefit group are computed twice for Ballerup: from its register and
-- by Jobindsats (each benefit's A02 table, "Antal fuldtidspersoner" published as a whole
-- number). In every month both have, they agree to that rounding. Each table counts the
-- register's groups seed benefit_tables gives it (register_groups): from July 2025 y60a02's
-- kontanthjælp includes the former uddannelseshjælp.
with

register as (
    select * from {{ ref('int_fuldtidspersoner') }}
),

benefit_tables as (
    select
        table_id,
        ydelse_group,
        valid_from,
        valid_to,
        unnest(string_split(register_groups, ';')) as register_group
    from {{ ref('benefit_tables') }}
),

benchmark as (
    select * from {{ ref('stg_jobindsats__fuldtidspersoner') }}
    where area_code = {{ var('home_municipality') }}
),

register_as_published as (
    select
        register.month_date,
        benefit_tables.table_id,
        sum(register.fuldtidspersoner) as fuldtidspersoner
    from register
    inner join benefit_tables
        on
            register.ydelse_group = benefit_tables.register_group
            and register.month_date between benefit_tables.valid_from and benefit_tables.valid_to
    group by register.month_date, benefit_tables.table_id
)

select
    benchmark.period_date,
    benchmark.table_id,
    benchmark.fuldtidspersoner as published,
    register_as_published.fuldtidspersoner as computed
from benchmark
inner join register_as_published
    on
        benchmark.period_date = register_as_published.month_date
        and benchmark.table_id = register_as_published.table_id
where abs(benchmark.fuldtidspersoner - register_as_published.fuldtidspersoner) > 0.5
