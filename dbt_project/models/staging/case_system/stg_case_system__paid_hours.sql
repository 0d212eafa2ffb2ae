with

source as (
    {{ current_rows(source('case_system', 'paid_hours')) }}
),

final as (
    select
        paid_hours_id,
        person_key,
        month_date,
        hours
    from source
)

select * from final
