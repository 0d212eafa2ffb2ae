-- The dated persons register: one row per person and period of unchanged residence,
-- labour-force, a-kasse and education status (valid_from to valid_to, both inclusive;
-- valid_to null while it holds). An extract holds the whole history of everyone who lived in
-- the municipality in its window and replaces the earlier extracts, so only the newest
-- delivery is read: a person who has moved away keeps the periods lived here.
with

newest as (
    {{ newest_extract_rows(source('registers', 'persons')) }}
),

final as (
    select
        person_key,
        gyldig_fra as valid_from,
        gyldig_til as valid_to,
        kommune_code as municipality_code,
        i_arbejdsstyrken as is_in_labour_force,
        er_forsikret as is_insured,
        har_erhvervskompetence as has_vocational_education,
        _delivery_key as snapshot_month
    from newest
)

select * from final
