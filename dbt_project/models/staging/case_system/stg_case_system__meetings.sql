with

source as (
    {{ current_rows(source('case_system', 'meetings')) }}
),

final as (
    select
        meeting_id,
        person_key,
        meeting_date,
        booked_date,
        booking_type,
        is_held
    from source
)

select * from final
