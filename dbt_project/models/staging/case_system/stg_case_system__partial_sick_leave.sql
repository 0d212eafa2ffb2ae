with

source as (
    {{ current_rows(source('case_system', 'partial_sick_leave')) }}
),

final as (
    select
        partial_sick_leave_id,
        person_key,
        start_date,
        end_date,
        hours_per_week
    from source
)

select * from final
