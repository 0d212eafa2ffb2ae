-- Every week on a benefit has a target group: the target-group periods (benefit spells cut by
-- the visitations and the dated mapping) hold as many person-weeks per month and benefit
-- group as the register. A kontanthjælp or uddannelseshjælp week without a valid visitation
-- would be missing from every indicator by target group, so it stops the build here.
with

register as (
    select * from {{ ref('int_fuldtidspersoner') }}
),

target_groups as (
    select
        month_date,
        ydelse_group,
        sum(n_weeks) as n_person_weeks
    from {{ ref('int_person_months') }}
    group by month_date, ydelse_group
)

select
    register.month_date,
    register.ydelse_group,
    register.n_person_weeks as register_weeks,
    coalesce(target_groups.n_person_weeks, 0) as target_group_weeks
from register
left join target_groups
    on
        register.month_date = target_groups.month_date
        and register.ydelse_group = target_groups.ydelse_group
where register.n_person_weeks != coalesce(target_groups.n_person_weeks, 0)
