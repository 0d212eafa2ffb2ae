-- The seeds whose rows change with a reform (maalgruppe_mapping: the target groups of the
-- kontanthjælp reform; benefit_tables: the Jobindsats tables before and after it;
-- contact_requirements: L 66's meeting rule) repeat its date in valid_from and valid_to. Each
-- such boundary is a reform's date in seed reforms, the single dated list: a row begins on
-- a reform's effective_date, or ends the day before one. A reform's date corrected in
-- reforms.csv alone would otherwise have left these rows on the old date, and nothing said
-- so (helper-121, December 2026). The first valid_from of each seed (the start of its
-- series) and the open end 9999-12-31 are no boundaries. indicator_targets is not among
-- them: besides L 66's target for 1.5 and 4.4's from the kontanthjælp reform it holds
-- milestones of the strategy's own (4.3's 2020 and 2025 targets), which no reform dates.
with

reforms as (
    select effective_date from {{ ref('reforms') }}
),

boundaries as (
    select
        'maalgruppe_mapping' as seed,
        ydelse_group || ' / ' || coalesce(visitation_category, '') as seed_row,
        valid_from,
        valid_to
    from {{ ref('maalgruppe_mapping') }}
    union all
    select
        'benefit_tables' as seed,
        table_id as seed_row,
        valid_from,
        valid_to
    from {{ ref('benefit_tables') }}
    union all
    select
        'contact_requirements' as seed,
        maalgruppe_code as seed_row,
        valid_from,
        valid_to
    from {{ ref('contact_requirements') }}
),

series_starts as (
    select
        seed,
        min(valid_from) as first_day
    from boundaries
    group by seed
),

days as (
    select
        boundaries.seed,
        boundaries.seed_row,
        'valid_from' as side,
        boundaries.valid_from as reform_day
    from boundaries
    inner join series_starts on boundaries.seed = series_starts.seed
    where boundaries.valid_from > series_starts.first_day
    union all
    select
        seed,
        seed_row,
        'valid_to' as side,
        (valid_to + interval 1 day)::date as reform_day
    from boundaries
    where valid_to < date '9999-12-31'
)

select days.*
from days
where days.reform_day not in (select reforms.effective_date from reforms)
