-- Fuldtidspersoner on each benefit group by area and month, from STAR's "Antal personer og
-- fuldtidspersoner" table of the group (seed benefit_tables: which table, from and to when;
-- the kontanthjælp reform of 1 July 2025 moves kontanthjælp from y36a02 to y60a02 and folds
-- uddannelseshjælp, y38a02, into it). Also the published share of the labour force (16-66 år).
with

observations as (
    select * from {{ ref('stg_jobindsats__observations') }}
),

benefit_tables as (
    select * from {{ ref('benefit_tables') }}
),

final as (
    select
        observations.area_code,
        observations.period_date,
        benefit_tables.ydelse_group,
        observations.table_id,
        max(observations.value) filter (where observations.measure = 'n_persons') as n_persons,
        max(observations.value) filter (
            where observations.measure = 'fuldtidspersoner'
        ) as fuldtidspersoner,
        max(observations.value) filter (
            where observations.measure = 'pct_labour_force'
        ) as pct_labour_force
    from observations
    inner join benefit_tables
        on
            observations.table_id = benefit_tables.table_id
            and observations.period_date
            between benefit_tables.valid_from and benefit_tables.valid_to
    where observations.area_code is not null
    group by all
)

select * from final
