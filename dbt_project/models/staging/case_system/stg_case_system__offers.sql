with

source as (
    {{ current_rows(source('case_system', 'offers')) }}
),

final as (
    select
        offer_id,
        person_key,
        offer_type,
        start_date,
        end_date,
        placement_created_date
    from source
)

select * from final
