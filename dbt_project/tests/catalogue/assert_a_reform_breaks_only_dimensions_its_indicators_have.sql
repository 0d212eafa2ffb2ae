-- A reform that breaks one dimension of an indicator ('5.1/maalgruppe' in seed reforms)
-- names an indicator of the catalogue and a dimension one of its breakdowns has (the
-- catalogue's `breakdowns`, each split on '_'): a typo ('5.1/malgruppe') would otherwise
-- break nothing, silently. Every row returned is such an entry.
with

breaks as (
    select * from {{ ref('int_reform_breaks') }}
    where dimension is not null
),

dimensions as (
    select
        indicator_id,
        unnest(string_split(replace(coalesce(breakdowns, ''), ';', '_'), '_')) as dimension
    from {{ ref('indicator_catalogue') }}
)

select
    breaks.reform_id,
    breaks.indicator_id,
    breaks.dimension
from breaks
where not exists (
    select 1
    from dimensions
    where
        dimensions.indicator_id = breaks.indicator_id
        and dimensions.dimension = breaks.dimension
)
