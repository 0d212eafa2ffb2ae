-- One row per reform in force and indicator whose series it breaks (seed reforms: its date,
-- its law and the source of each row). A reform still expected breaks nothing until its row
-- says it is in force. An entry of `affects` is an indicator ('1.4': its total and every
-- breakdown) or an indicator and one dimension ('5.1/maalgruppe': only the breakdowns by
-- that dimension, whose groups the reform changes while the total stays comparable; macros
-- reform_entry_*).
-- fct_indicator_values marks each row with the series it belongs to; fct_indicator_status
-- calls a change of the total across a whole-indicator break 'ikke sammenlignelig'.
-- series_from: for a reform dated by entry (seed reforms, dated_by), the first day of the first
-- period whose figure counts only persons who entered it on or after the reform: the reform's
-- date, later by the indicator's counted_from_months (seed indicator_catalogue: a follow-up's
-- cohorts, 2.3's window of 52 weeks), as a rolling year straddling a reform is of the series
-- before it; for one dated by measurement (a rule applied to the period measured: L 66's
-- meetings of 1.5 by the month of week 26), the reform's date.
with

reforms as (
    select * from {{ ref('reforms') }}
),

catalogue as (
    select * from {{ ref('indicator_catalogue') }}
),

entries as (
    select
        reform_id,
        effective_date,
        dated_by,
        unnest(string_split(affects, ';')) as entry
    from reforms
    where status = 'in_force' and nullif(affects, '') is not null
),

by_indicator as (
    select
        reform_id,
        effective_date,
        dated_by,
        {{ reform_entry_indicator('entry') }} as indicator_id,
        {{ reform_entry_dimension('entry') }} as dimension
    from entries
),

final as (
    select
        by_indicator.reform_id,
        by_indicator.effective_date,
        by_indicator.indicator_id,
        by_indicator.dimension,
        case by_indicator.dated_by
            when 'measurement' then by_indicator.effective_date
            else (
                by_indicator.effective_date
                + to_months(coalesce(catalogue.counted_from_months, 0))
            )::date
        end as series_from
    from by_indicator
    left join catalogue on by_indicator.indicator_id = catalogue.indicator_id
)

select * from final
