-- An indicator whose model counts events (config meta counts_events: 1.2's offers, 5.3's
-- spells, 5.6's sanctions) names what it counts in the catalogue's counted_da, which the
-- report and the workbook print beside the count a status is judged by ("mindste antal: 70
-- ..."): not 'personer', which would say that 70 spells were 70 persons (helper-91, December
-- 2026). Every row returned is such an entry.
with

catalogue as (
    select * from {{ ref('indicator_catalogue') }}
),

events as (
    {{ events_models() }}
)

select
    catalogue.indicator_id,
    catalogue.model_name,
    catalogue.counted_da
from catalogue
inner join events on catalogue.model_name = events.model_name
where lower(trim(catalogue.counted_da)) = 'personer'
