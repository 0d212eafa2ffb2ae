-- The benefits a reform pays as another from its date (seed ydelse_groups, with the reform's
-- date from seed reforms): uddannelseshjælp as kontanthjælp from 1 July 2025. Read by
-- int_benefit_spells (a successor's spell carries on its predecessor's) and by
-- int_uddannelseshjaelp_months (uddannelseshjælp's scope on both sides of the reform).
with

ydelse_groups as (
    select * from {{ ref('ydelse_groups') }}
    where paid_as_from_reform is not null
),

reforms as (
    select * from {{ ref('reforms') }}
),

final as (
    select
        ydelse_groups.ydelse_group as from_group,
        ydelse_groups.paid_as_group as to_group,
        reforms.reform_id,
        reforms.effective_date,
        {{ first_week_from('reforms.effective_date') }} as first_week_number
    from ydelse_groups
    inner join reforms on ydelse_groups.paid_as_from_reform = reforms.reform_id
)

select * from final
