with

source as (
    {{ current_rows(source('case_system', 'visitations')) }}
),

final as (
    select
        visitation_id,
        person_key,
        visitation_category,
        valid_from as valid_from_date,
        valid_to as valid_to_date
    from source
)

select * from final
