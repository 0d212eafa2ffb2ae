-- Spells of public support: islands of consecutive weeks on any benefit, whatever the group
-- (a move from dagpenge to kontanthjælp continues the spell). A spell that ends before the
-- last week it can be followed to (the register's last week, or the last week of the stay
-- for a person who moved away) ended with a move to self-support; one that ends with the
-- stay has not ended as far as anyone here can tell.
with

spells as (
    select * from {{ ref('int_benefit_spells') }}
),

ordered as (
    select
        person_key,
        start_week_number,
        end_week_number,
        follow_up_last_week_number,
        max(end_week_number) over (
            partition by person_key
            order by start_week_number, end_week_number
            rows between unbounded preceding and 1 preceding
        ) as previous_max_end_week_number
    from spells
),

numbered as (
    select
        *,
        sum(
            case
                when
                    previous_max_end_week_number is null
                    or start_week_number > previous_max_end_week_number + 1
                    then 1
                else 0
            end
        ) over (
            partition by person_key
            order by start_week_number, end_week_number
            rows unbounded preceding
        ) as island_number
    from ordered
),

final as (
    select
        numbered.person_key,
        min(numbered.start_week_number) as start_week_number,
        max(numbered.end_week_number) as end_week_number,
        max(numbered.end_week_number) < min(numbered.follow_up_last_week_number) as has_ended
    from numbered
    group by numbered.person_key, numbered.island_number
)

select * from final
