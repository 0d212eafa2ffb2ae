-- Payment periods: islands of consecutive weeks a person receives a benefit of one group
-- (gaps-and-islands over the person-weeks). They count paid weeks (fuldtidspersoner, target
-- groups, public support); STAR's spells (forløb), which bridge short breaks, are built on
-- them in int_benefit_spells. Only the weeks on public support: DREAM also records weeks
-- that are none (SU, barselsdagpenge, folkepension, udvandret, død and others; seed
-- ydelse_groups), which no indicator counts.
--
-- Incremental (issue 16): a refresh recomputes only from the first week that a benefit
-- register delivery loaded since the last build touches (macro
-- benefit_register_changed_from: a new month, or a re-delivery and the one it
-- replaces). A period that ends two weeks or more before that week cannot change, as the
-- weeks before it did not; the periods that end later are deleted (strategy
-- replace_changed_weeks) and rebuilt: their weeks before the changed one as one block, the
-- changed weeks read again. A new month at 30 M person-weeks reads the month's weeks and
-- the periods still running, not ten years of person-weeks. Run with --full-refresh after
-- a change to this definition (the refresh does so by itself when the dbt project changed:
-- pipeline/state.py).
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
    where is_public_support
),

{% if is_incremental() %}

    changed as (
        {{ benefit_register_changed_from(this) }}
    ),

    -- a period that reaches the week before the first changed week keeps its weeks before
    -- that week (consecutive, and unchanged): one block, standing in that last week, that
    -- the changed weeks may continue
    kept_blocks as (
        select
            periods.person_key,
            periods.ydelse_group,
            changed.from_week - 1 as week_number,
            periods.start_week_number
        from {{ this }} as periods
        inner join changed
            on
                periods.end_week_number >= changed.from_week - 1
                and periods.start_week_number < changed.from_week
    ),

    -- the weeks from the first changed one (year_week: the raw column, so that DuckDB
    -- reads only the row groups of those weeks)
    changed_weeks as (
        select distinct
            person_key,
            ydelse_group,
            week_number
        from person_weeks
        where year_week >= (select changed.from_year_week from changed)
    ),

    group_weeks as (
        select * from kept_blocks

        union all

        select
            person_key,
            ydelse_group,
            week_number,
            week_number as start_week_number
        from changed_weeks
    ),

{% else %}

    -- every person-week as it is: two codes of one group in a week share their rank below,
    -- so no distinct is needed (it took 4 of the 11 s this model took at 30 M person-weeks)
    group_weeks as (
        select
            person_key,
            ydelse_group,
            week_number,
            week_number as start_week_number
        from person_weeks
    ),

{% endif %}

-- consecutive weeks share week_number minus their rank; dense_rank gives a week that comes
-- twice (two codes of one group) one rank, so an island's weeks are end - start + 1
islands as (
    select
        person_key,
        ydelse_group,
        week_number,
        start_week_number,
        week_number - dense_rank() over (
            partition by person_key, ydelse_group order by week_number
        ) as island_key
    from group_weeks
),

loaded as (
    {{ loaded_through(['benefit_register_person_weeks']) }}
),

final as (
    select
        islands.person_key,
        islands.ydelse_group,
        min(islands.start_week_number) as start_week_number,
        max(islands.week_number) as end_week_number,
        (max(islands.week_number) - min(islands.start_week_number) + 1)::bigint as n_weeks,
        any_value(loaded.loaded_through) as loaded_through
    from islands
    cross join loaded
    group by islands.person_key, islands.ydelse_group, islands.island_key
)

select * from final
