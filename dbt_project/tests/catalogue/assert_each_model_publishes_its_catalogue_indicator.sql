-- Each indicator model writes its own indicator id into its rows ('2.4' as indicator_id):
-- a model copied from another that kept the other's id would publish its cells under the
-- wrong indicator, and pass every test whose grain it does not collide with. Every id a
-- model's cells carry (int_indicator_cells, which unions them and names the model) is the
-- id the catalogue gives that model.
with

cells as (
    select distinct
        indicator_id,
        model_name
    from {{ ref('int_indicator_cells') }}
),

catalogue as (
    select * from {{ ref('indicator_catalogue') }}
)

select
    cells.model_name,
    cells.indicator_id as published_as,
    (
        select string_agg(named.indicator_id, ', ')
        from catalogue as named
        where named.model_name = cells.model_name
    ) as catalogue_indicator_id
from cells
left join catalogue
    on
        cells.indicator_id = catalogue.indicator_id
        and cells.model_name = catalogue.model_name
where catalogue.indicator_id is null
