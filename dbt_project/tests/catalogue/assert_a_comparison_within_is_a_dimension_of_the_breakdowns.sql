-- The catalogue's compared_within (the dimension within whose groups an indicator's total
-- compares its groups: 5.4's and 5.6's target groups) is a dimension of one of the
-- indicator's own breakdowns (its `breakdowns`, ';'-separated, each of dimensions '_'
-- apart), so that the groups it is compared within are published beside it: a typo would
-- otherwise put the report's sentence under every breakdown table. Every row returned is
-- such an entry.
with

catalogue as (
    select * from {{ ref('indicator_catalogue') }}
    where compared_within is not null
)

select
    indicator_id,
    compared_within,
    breakdowns
from catalogue
where
    -- every dimension of every breakdown: 'a_b;c' -> [a, b, c]
    not list_contains(
        string_split(replace(coalesce(breakdowns, ''), ';', '_'), '_'), compared_within
    )
