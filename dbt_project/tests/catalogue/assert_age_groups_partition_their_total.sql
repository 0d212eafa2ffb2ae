-- Each source's age groups (seed age_groups) partition its total: one total row, groups
-- that neither overlap nor leave a gap from the total's first age to its last. An overlap
-- would count a person twice in the total of 2.2, 2.3 and 3.3, which add their groups up;
-- a gap would leave ages out. Jobindsats' total is STAR's labour force, the ages the dbt
-- var age_bands.labour_force gives 2.5 (16-66, "i pct. af arbejdsstyrken 16-66 år"): both
-- say the same thing, and move together when the folkepension age does.
{%- set labour_force = var('age_bands')['labour_force'] %}
with

age_groups as (
    select * from {{ ref('age_groups') }}
),

totals as (
    select
        source_system,
        count(*) as n_totals,
        min(min_age) as min_age,
        max(max_age) as max_age
    from age_groups
    where is_total
    group by source_system
),

groups as (
    select
        source_system,
        age_group,
        min_age,
        max_age,
        lag(max_age) over (partition by source_system order by min_age) as previous_max_age,
        row_number() over (partition by source_system order by min_age) as n_from_first,
        row_number() over (partition by source_system order by min_age desc) as n_from_last
    from age_groups
    where not is_total
),

problems as (
    select
        source_system,
        null as age_group,
        'not one total row but ' || n_totals as problem
    from totals
    where n_totals != 1
    union all
    select
        age_groups.source_system,
        null as age_group,
        'no total row' as problem
    from age_groups
    left join totals on age_groups.source_system = totals.source_system
    where totals.source_system is null
    union all
    select
        groups.source_system,
        groups.age_group,
        case
            when groups.min_age > groups.max_age then 'its first age is after its last'
            when groups.previous_max_age >= groups.min_age then 'overlaps the group before it'
            when groups.previous_max_age + 1 < groups.min_age then 'leaves a gap before it'
            when groups.n_from_first = 1 and groups.min_age != totals.min_age
                then 'the first group does not start at the total''s first age'
            else 'the last group does not end at the total''s last age'
        end as problem
    from groups
    inner join totals on groups.source_system = totals.source_system
    where
        groups.min_age > groups.max_age
        or groups.previous_max_age + 1 != groups.min_age
        or (groups.n_from_first = 1 and groups.min_age != totals.min_age)
        or (groups.n_from_last = 1 and groups.max_age != totals.max_age)
    union all
    select
        source_system,
        'I alt' as age_group,
        'not the var labour_force ({{ labour_force[0] }}-{{ labour_force[1] }})' as problem
    from totals
    where
        source_system = 'jobindsats'
        and (min_age != {{ labour_force[0] }} or max_age != {{ labour_force[1] }})
)

select * from problems
