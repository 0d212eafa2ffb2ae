-- The words a status or a change can take, in the order, symbol and colour class the report
-- and the workbook show them, with the Danish sentence that says what each means (and, for a
-- verdict, the sentences for a figure published without its counts, compared directly or
-- known to its rounding) and the phrase a focus area's summary says of its indicators with it.
with

statuses as (
    select * from {{ ref('indicator_statuses') }}
),

final as (
    select
        status::varchar as status,
        kind::varchar as kind,
        sort_order::integer as sort_order,
        symbol::varchar as symbol,
        css_class::varchar as css_class,
        sentence_da::varchar as sentence_da,
        sentence_plain_da::varchar as sentence_plain_da,
        sentence_rounding_da::varchar as sentence_rounding_da,
        summary_da::varchar as summary_da,
        description::varchar as description
    from statuses
)

select * from final
