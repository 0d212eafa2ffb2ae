-- New unemployment spells (ny ledighed): new benefit spells whose target group on the first
-- day counts as unemployed (ledig). The target group comes from the benefit group and the
-- visitation category valid that day, through the dated mapping seed, so spells before and
-- after the 2026 reform (L 66) get the target groups of their own time.
with

benefit_spells as (
    select * from {{ ref('int_benefit_spells') }}
),

visitations as (
    select * from {{ ref('stg_case_system__visitations') }}
),

mapping as (
    select * from {{ ref('maalgruppe_mapping') }}
),

spells as (
    select * from benefit_spells
    where is_new_spell
),

register_window as (
    select max(end_week_number) as last_week_number from benefit_spells
),

with_visitation as (
    select
        spells.person_key,
        spells.ydelse_group,
        spells.start_week_number,
        spells.end_week_number,
        spells.start_date,
        spells.end_date,
        visitations.visitation_category
    from spells
    left join visitations
        on
            spells.person_key = visitations.person_key
            and spells.start_date >= visitations.valid_from_date
            and spells.start_date <= coalesce(visitations.valid_to_date, date '9999-12-31')
    qualify row_number() over (
        partition by spells.person_key, spells.ydelse_group, spells.start_week_number
        order by visitations.valid_from_date desc
    ) = 1
),

final as (
    select
        with_visitation.person_key,
        with_visitation.ydelse_group,
        with_visitation.start_week_number,
        with_visitation.end_week_number,
        with_visitation.start_date,
        with_visitation.end_date,
        mapping.maalgruppe_code,
        mapping.maalgruppe_name,
        register_window.last_week_number as register_last_week_number
    from with_visitation
    cross join register_window
    inner join mapping
        on
            with_visitation.ydelse_group = mapping.ydelse_group
            and with_visitation.visitation_category is not distinct from
            mapping.visitation_category
            and with_visitation.start_date between mapping.valid_from and mapping.valid_to
    where mapping.is_ledig
)

select * from final
