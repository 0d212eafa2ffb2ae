-- The seed indicator_statuses' course sentences ('på kurs', 'ikke på kurs', 'usikker') say
-- how far ahead the goal is judged ("om 12 måneder"): the months of var
-- projection_horizon_months, which fct_indicator_outlook judges. A change of the var without
-- the seed's words fails here, and a seed without any course sentence too.
with

course as (
    select * from {{ ref('indicator_statuses') }}
    where kind = 'course'
),

wrong as (
    select
        status,
        sentence_da,
        'does not name the horizon' as problem
    from course
    -- an empty sentence names no horizon either (a comparison with NULL is no row)
    where
        coalesce(sentence_da, '')
        not like '%om ' || {{ var('projection_horizon_months') }} || ' måneder%'
),

missing as (
    select
        null as status,
        null as sentence_da,
        'no course sentence in the seed' as problem
    where not exists (select 1 from course)
)

select * from wrong
union all
select * from missing
