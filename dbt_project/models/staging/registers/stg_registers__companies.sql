-- The newest snapshot of each company (p-unit).
with

source as (
    {{ current_rows(source('registers', 'companies')) }}
),

final as (
    select
        p_number,
        kommune_code as municipality_code,
        n_employees,
        _delivery_key as snapshot_month
    from source
    qualify row_number() over (partition by p_number order by _delivery_key desc) = 1
)

select * from final
