-- The catalogue's mix_adjusted_by (the breakdown whose mix a change since the year before is
-- also shown at: fct_indicator_status.mix_*) names one of the indicator's own breakdowns
-- (its `breakdowns`, ';'-separated), and the indicator is a share of persons (unit pct):
-- fct_indicator_status computes it for shares only, so a typo or another unit would
-- otherwise give no figures and a report saying no group was shown. Every row returned is
-- such an entry.
with

catalogue as (
    select * from {{ ref('indicator_catalogue') }}
    where nullif(mix_adjusted_by, '') is not null
)

select
    indicator_id,
    mix_adjusted_by,
    breakdowns,
    unit
from catalogue
where
    unit != 'pct'
    or not list_contains(string_split(coalesce(breakdowns, ''), ';'), mix_adjusted_by)
