-- The catalogue's breakdowns (';'-separated) are the breakdowns its indicator is published
-- by, no more and no fewer: the workbook's definitions sheet prints them as "Opdelinger",
-- and an analyst reads them to know which rows to expect. Compared with what
-- fct_indicator_values publishes for every area (the total is every indicator's, and not
-- listed); an indicator with no rows (retired, or switched off by its dbt variable) is
-- not compared.
with

catalogue as (
    select * from {{ ref('indicator_catalogue') }}
),

published as (
    select distinct
        indicator_id,
        breakdown
    from {{ ref('fct_indicator_values') }}
),

listed as (
    select
        catalogue.indicator_id,
        unnest(string_split(catalogue.breakdowns, ';')) as breakdown
    from catalogue
    where catalogue.breakdowns is not null
),

expected as (
    select
        listed.indicator_id,
        listed.breakdown
    from listed
    where listed.indicator_id in (select published.indicator_id from published)
),

found as (
    select
        indicator_id,
        breakdown
    from published
    where breakdown != 'total'
)

select
    coalesce(expected.indicator_id, found.indicator_id) as indicator_id,
    coalesce(expected.breakdown, found.breakdown) as breakdown,
    case
        when found.breakdown is null then 'in the catalogue, not published'
        else 'published, not in the catalogue'
    end as problem
from expected
full outer join found
    on
        expected.indicator_id = found.indicator_id
        and expected.breakdown = found.breakdown
where expected.breakdown is null or found.breakdown is null
