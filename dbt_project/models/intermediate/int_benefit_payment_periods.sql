-- Payment periods: islands of consecutive weeks a person receives a benefit of one group
-- (gaps-and-islands over the person-weeks). They count paid weeks (fuldtidspersoner, target
-- groups, public support); STAR's spells (forløb), which bridge short breaks, are built on
-- them in int_benefit_spells.
with

person_weeks as (
    select * from {{ ref('stg_benefit_register__person_weeks') }}
),

group_weeks as (
    select distinct
        person_key,
        ydelse_group,
        week_number
    from person_weeks
),

islands as (
    select
        person_key,
        ydelse_group,
        week_number,
        week_number - row_number() over (
            partition by person_key, ydelse_group order by week_number
        ) as island_key
    from group_weeks
),

final as (
    select
        person_key,
        ydelse_group,
        min(week_number) as start_week_number,
        max(week_number) as end_week_number,
        count(*) as n_weeks
    from islands
    group by person_key, ydelse_group, island_key
)

select * from final
