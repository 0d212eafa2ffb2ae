with

source as (
    {{ current_rows(source('case_system', 'sanctions')) }}
),

final as (
    select
        sanction_id,
        person_key,
        sanction_date,
        sanction_type
    from source
)

select * from final
