with

source as (
    {{ current_rows(source('case_system', 'self_booking_deadlines')) }}
),

final as (
    select
        deadline_id,
        person_key,
        issued_date,
        deadline_date,
        meeting_id
    from source
)

select * from final
