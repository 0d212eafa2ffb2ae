-- Spells of public support: islands of consecutive weeks on any benefit, whatever the group
-- (a move from dagpenge to kontanthjælp continues the spell). A spell that ends before the
-- register's last week ended with a move to self-support (or out of the register).
with

spells as (
    select * from {{ ref('int_benefit_spells') }}
),

register_window as (
    select max(end_week_number) as last_week_number from spells
),

ordered as (
    select
        person_key,
        start_week_number,
        end_week_number,
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
        max(numbered.end_week_number) < any_value(register_window.last_week_number)
            as has_ended
    from numbered
    cross join register_window
    group by numbered.person_key, numbered.island_number
)

select * from final
