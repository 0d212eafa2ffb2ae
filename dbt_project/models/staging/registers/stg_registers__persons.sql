-- The newest snapshot of each person's attributes.
with

source as (
    {{ current_rows(source('registers', 'persons')) }}
),

final as (
    select
        person_key,
        foedselsaar as birth_year,
        koen,
        herkomst,
        kommune_code as municipality_code,
        i_arbejdsstyrken as is_in_labour_force,
        er_forsikret as is_insured,
        har_erhvervskompetence as has_vocational_education,
        _delivery_key as snapshot_month
    from source
    qualify row_number() over (partition by person_key order by _delivery_key desc) = 1
)

select * from final
