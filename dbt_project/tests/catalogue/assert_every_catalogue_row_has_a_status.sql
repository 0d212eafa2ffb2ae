-- The catalogue is the list of indicators: each has exactly one status row.
with

catalogue as (
    select * from {{ ref('indicator_catalogue') }}
),

status as (
    select * from {{ ref('fct_indicator_status') }}
)

select catalogue.indicator_id
from catalogue
left join status on catalogue.indicator_id = status.indicator_id
where status.indicator_id is null
