-- The catalogue's mix_adjusted_by (the breakdown whose mix a change since the year before is
-- also shown at: fct_indicator_status.mix_*) names one of the indicator's own breakdowns
-- (its `breakdowns`, ';'-separated), and the indicator's unit is a share of persons (seed
-- units: interval_method share, what fct_indicator_status computes the mix for): a typo or
-- another unit would otherwise give no figures and a report saying no group was shown.
-- Every row returned is such an entry.
with

catalogue as (
    select * from {{ ref('indicator_catalogue') }}
    where mix_adjusted_by is not null
),

units as (
    select * from {{ ref('units') }}
)

select
    catalogue.indicator_id,
    catalogue.mix_adjusted_by,
    catalogue.breakdowns,
    catalogue.unit
from catalogue
left join units on catalogue.unit = units.unit
where
    units.interval_method is distinct from 'share'
    or not list_contains(
        string_split(coalesce(catalogue.breakdowns, ''), ';'), catalogue.mix_adjusted_by
    )
