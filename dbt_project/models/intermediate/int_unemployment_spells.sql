-- New unemployment spells (ny ledighed): new benefit spells whose target group in the first
-- week counts as unemployed (ledig), under the group its ledige count in (the seed's
-- ledige_maalgruppe_code). The target group comes from macros/with_maalgruppe.sql:
-- the benefit group and the visitation valid on the first week's Thursday, through the dated
-- mapping seed, so spells before and after the kontanthjælp reform (1 July 2025) get the
-- target groups of their own time. The Thursday, as for every paid week
-- (int_target_group_periods): the week of Monday 30 June 2025 is July's, paid as the new
-- kontanthjælp, whose target groups start on 1 July.
with

benefit_spells as (
    select * from {{ ref('int_benefit_spells') }}
),

spells as (
    select
        person_key,
        ydelse_group,
        start_week_number,
        end_week_number,
        followed_to_week_number,
        start_date,
        end_date,
        {{ week_thursday('start_date') }} as start_thursday,
        follow_up_last_week_number
    from benefit_spells
    where is_new_spell
),

with_target_group as (
    {{ with_maalgruppe(
        'spells', 'start_thursday', ['person_key', 'ydelse_group', 'start_week_number']
    ) }}
),

final as (
    select
        with_target_group.person_key,
        with_target_group.ydelse_group,
        with_target_group.start_week_number,
        with_target_group.end_week_number,
        with_target_group.followed_to_week_number,
        with_target_group.start_date,
        with_target_group.end_date,
        -- the group its ledige count under: åbenlyst uddannelsesparate apart from the
        -- other uddannelsesparate, who are not ledige (seed maalgruppe_mapping)
        with_target_group.ledige_maalgruppe_code as maalgruppe_code,
        with_target_group.ledige_maalgruppe_name as maalgruppe_name,
        with_target_group.is_job_ready,
        with_target_group.follow_up_last_week_number
    from with_target_group
    where with_target_group.is_ledig
)

select * from final
