-- The seed interval_methods' words for a statistical interval (name_da, method_da, method)
-- say its level ("95 %"): 1 - var interval_alpha, the level every interval is computed at
-- (macro intervals, within_strata, fct_indicator_status, fct_indicator_forecast). A change of
-- the var without the seed's words fails here, as the report's and the workbook's own words
-- follow the var (pipeline/report/formats.py LEVEL). 'rounding' is no statistical interval,
-- 'none' no interval at all.
with

methods as (
    select * from {{ ref('interval_methods') }}
    where interval_method not in ('rounding', 'none')
),

level as (
    select round(100 * (1 - {{ var('interval_alpha') }}))::integer || ' %' as words
),

wrong as (
    select
        methods.interval_method,
        'does not name the level ' || level.words as problem
    from methods
    cross join level
    -- an empty text names no level either (contains() of NULL is no row)
    where
        not contains(coalesce(methods.name_da, ''), level.words)
        or not contains(coalesce(methods.method_da, ''), level.words)
        or not contains(coalesce(methods.method, ''), level.words)
),

missing as (
    select
        null as interval_method,
        'no statistical interval method in the seed' as problem
    where not exists (select 1 from methods)
)

select * from wrong
union all
select * from missing
