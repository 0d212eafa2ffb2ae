-- Target-group periods: the parts of each payment period (paid weeks) during which the
-- person belongs to one target group (målgruppe). A week's target group is the mapping seed's
-- row valid on the week's Thursday for its benefit group and, for kontanthjælp and
-- uddannelseshjælp, for the visitation category valid that Thursday; so payment periods that
-- cross the kontanthjælp reform (1 July 2025, seed reforms) or a re-visitation are split where
-- the group changes. `ledige_maalgruppe_code` is the group the unemployment indicators count
-- the week's ledige under (seed maalgruppe_mapping). Weeks of a group that needs a visitation
-- but has none get no target group (the coverage test on int_person_months catches a
-- register the case system does not cover).
with

payment_periods as (
    select * from {{ ref('int_benefit_payment_periods') }}
),

visitations as (
    select * from {{ ref('stg_case_system__visitations') }}
),

mapping as (
    select * from {{ ref('maalgruppe_mapping') }}
),

-- A date range covers the weeks whose Thursday falls inside it (macros/periods.sql).
visitation_weeks as (
    select
        person_key,
        visitation_category,
        {{ first_week_from('valid_from_date') }} as first_week_number,
        {{ last_week_to("coalesce(valid_to_date, date '9999-12-31')") }} as last_week_number
    from visitations
),

mapping_weeks as (
    select
        ydelse_group,
        visitation_category,
        maalgruppe_code,
        maalgruppe_name,
        is_ledig,
        is_active_course,
        is_job_ready,
        ledige_maalgruppe_code,
        {{ first_week_from('valid_from') }} as first_week_number,
        {{ last_week_to('valid_to') }} as last_week_number
    from mapping
),

without_visitation as (
    select
        payment_periods.person_key,
        payment_periods.ydelse_group,
        null::varchar as visitation_category,
        mapping_weeks.maalgruppe_code,
        mapping_weeks.maalgruppe_name,
        mapping_weeks.is_ledig,
        mapping_weeks.is_active_course,
        mapping_weeks.is_job_ready,
        mapping_weeks.ledige_maalgruppe_code,
        greatest(payment_periods.start_week_number, mapping_weeks.first_week_number)
            as start_week_number,
        least(payment_periods.end_week_number, mapping_weeks.last_week_number)
            as end_week_number
    from payment_periods
    inner join mapping_weeks
        on
            payment_periods.ydelse_group = mapping_weeks.ydelse_group
            and mapping_weeks.visitation_category is null
            and payment_periods.end_week_number >= mapping_weeks.first_week_number
            and payment_periods.start_week_number <= mapping_weeks.last_week_number
),

with_visitation as (
    select
        payment_periods.person_key,
        payment_periods.ydelse_group,
        visitation_weeks.visitation_category,
        mapping_weeks.maalgruppe_code,
        mapping_weeks.maalgruppe_name,
        mapping_weeks.is_ledig,
        mapping_weeks.is_active_course,
        mapping_weeks.is_job_ready,
        mapping_weeks.ledige_maalgruppe_code,
        greatest(
            payment_periods.start_week_number,
            visitation_weeks.first_week_number,
            mapping_weeks.first_week_number
        ) as start_week_number,
        least(
            payment_periods.end_week_number,
            visitation_weeks.last_week_number,
            mapping_weeks.last_week_number
        ) as end_week_number
    from payment_periods
    inner join visitation_weeks
        on
            payment_periods.person_key = visitation_weeks.person_key
            and payment_periods.end_week_number >= visitation_weeks.first_week_number
            and payment_periods.start_week_number <= visitation_weeks.last_week_number
    inner join mapping_weeks
        on
            payment_periods.ydelse_group = mapping_weeks.ydelse_group
            and visitation_weeks.visitation_category = mapping_weeks.visitation_category
            and mapping_weeks.first_week_number
            <= least(payment_periods.end_week_number, visitation_weeks.last_week_number)
            and mapping_weeks.last_week_number
            >= greatest(payment_periods.start_week_number, visitation_weeks.first_week_number)
),

final as (
    select * from without_visitation
    union all
    select * from with_visitation
)

select * from final
where start_week_number <= end_week_number
