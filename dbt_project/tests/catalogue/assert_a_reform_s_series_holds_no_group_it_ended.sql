-- A row of a reform's series (fct_indicator_values.series_since_reform_id) counts no target
-- group that ended before the reform (seed maalgruppe_mapping: its last valid_to before the
-- reform's date): the kontanthjælp reform's series of 1.5 began in July 2025 while its rows
-- still counted uddannelseshjælp's groups, taken at the start of spells up to 26 weeks
-- earlier (helper-84; seed reforms, dated_by, and the catalogue's counted_from_months).
with

groups as (
    select
        maalgruppe_code as code,
        valid_to
    from {{ ref('maalgruppe_mapping') }}
    union all
    select
        ledige_maalgruppe_code as code,
        valid_to
    from {{ ref('maalgruppe_mapping') }}
    where ledige_maalgruppe_code is not null
),

ended as (
    select
        code,
        max(valid_to) as last_day
    from groups
    group by code
),

reforms as (
    select * from {{ ref('dim_reform') }}
),

values_after as (
    select
        v.indicator_id,
        v.period,
        v.area_code,
        v.breakdown_value,
        r.reform_id,
        r.effective_date
    from {{ ref('fct_indicator_values') }} as v
    inner join reforms as r on v.series_since_reform_id = r.reform_id
)

select
    values_after.*,
    ended.code
from values_after
inner join ended
    on
        values_after.effective_date > ended.last_day
        and list_contains(string_split(values_after.breakdown_value, ' / '), ended.code)
