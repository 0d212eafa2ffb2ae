with

source as (
    {{ current_rows(source('registers', 'eud_applications')) }}
),

final as (
    select
        person_key,
        application_year,
        grade,
        first_priority
    from source
)

select * from final
