-- Payment periods: islands of consecutive weeks a person receives a benefit of one group
-- (gaps-and-islands over the person-weeks). They count paid weeks (fuldtidspersoner, target
-- groups, public support); STAR's spells (forløb), which bridge short breaks, are built on
-- them in int_benefit_spells.
--
-- Incremental (issue 16): a refresh recomputes only from the first week that a benefit
-- register delivery loaded since the last build touches (macro
-- benefit_register_changed_from_week: a new month, or a re-delivery and the one it
-- replaces). A period that ends two weeks or more before that week cannot change, as the
-- weeks before it did not; the periods that end later are deleted (strategy
-- replace_changed_weeks) and rebuilt from their own first week on. A new month at 30 M
-- person-weeks recomputes the new weeks and the periods still running, not ten years of
-- islands. Run with --full-refresh after a change to this definition (the refresh does so
-- by itself when the dbt project changed: pipeline/state.py).
{{
    config(
        materialized='incremental',
        incremental_strategy='replace_changed_weeks',
        on_schema_change='fail',
    )
}}
-- depends_on: {{ source('benefit_register', 'person_weeks') }}

with

person_weeks as (
    select * from {{ ref('stg_benefit_register__person_weeks') }}
),

{% if is_incremental() %}

    changed as (
        select {{ benefit_register_changed_from_week(this) }} as from_week
    ),

    -- the periods that reach into the changed weeks (or end the week before them), from
    -- their first week: their earlier weeks are rebuilt with them
    reopened as (
        select
            periods.person_key,
            periods.ydelse_group,
            periods.start_week_number
        from {{ this }} as periods
        inner join changed on periods.end_week_number >= changed.from_week - 1
    ),

    group_weeks as (
        select distinct
            person_weeks.person_key,
            person_weeks.ydelse_group,
            person_weeks.week_number
        from person_weeks
        inner join changed on person_weeks.week_number >= changed.from_week

        union

        select
            person_weeks.person_key,
            person_weeks.ydelse_group,
            person_weeks.week_number
        from person_weeks
        inner join changed on person_weeks.week_number < changed.from_week
        inner join reopened
            on
                person_weeks.person_key = reopened.person_key
                and person_weeks.ydelse_group = reopened.ydelse_group
                and person_weeks.week_number >= reopened.start_week_number
    ),

{% else %}

group_weeks as (
    select distinct
        person_key,
        ydelse_group,
        week_number
    from person_weeks
),

{% endif %}

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

loaded as (
    select max(loaded_at) as loaded_through
    from {{ source('ingest', 'load_log') }}
    where raw_table = 'benefit_register_person_weeks' and status = 'loaded'
),

final as (
    select
        islands.person_key,
        islands.ydelse_group,
        min(islands.week_number) as start_week_number,
        max(islands.week_number) as end_week_number,
        count(*) as n_weeks,
        any_value(loaded.loaded_through) as loaded_through
    from islands
    cross join loaded
    group by islands.person_key, islands.ydelse_group, islands.island_key
)

select * from final
