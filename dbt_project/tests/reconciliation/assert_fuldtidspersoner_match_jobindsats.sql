-- Fuldtidspersoner per benefit group are computed twice for Ballerup: from its register and
-- by Jobindsats (each benefit's A02 table, "Antal fuldtidspersoner" published as a whole
-- number). They agree to that rounding in every month the extract covers (its first to its
-- last month, for Ballerup): a table missing a month the register has fuldtidspersoner in, or
-- a published month the register has none in, is a disagreement too, as in the macro
-- reconcile_ballerup; a published row without the number (Jobindsats leaves small counts
-- out) is not compared. Each table counts the register's groups seed benefit_tables gives it
-- (register_groups): from July 2025 y60a02's kontanthjælp includes the former
-- uddannelseshjælp.
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
    where
        register.month_date
        between (select min(b.period_date) from benchmark as b)
        and (select max(b.period_date) from benchmark as b)
    group by register.month_date, benefit_tables.table_id
)

select
    benchmark.fuldtidspersoner as published,
    register_as_published.fuldtidspersoner as computed,
    coalesce(benchmark.period_date, register_as_published.month_date) as period_date,
    coalesce(benchmark.table_id, register_as_published.table_id) as table_id
from benchmark
full outer join register_as_published
    on
        benchmark.period_date = register_as_published.month_date
        and benchmark.table_id = register_as_published.table_id
where
    (benchmark.table_id is null and register_as_published.fuldtidspersoner > 0.5)
    or (register_as_published.table_id is null and benchmark.fuldtidspersoner > 0.5)
    or abs(benchmark.fuldtidspersoner - register_as_published.fuldtidspersoner) > 0.5
