with

source as (
    {{ current_rows(source('case_system', 'company_cooperation')) }}
),

final as (
    select
        cooperation_id,
        p_number,
        contact_date,
        cooperation_type
    from source
)

select * from final
