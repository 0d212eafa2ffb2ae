-- One row per reform in force and indicator whose series it breaks (seed reforms: its date,
-- its law and the source of each row). A reform still expected breaks nothing until its row
-- says it is in force. An entry of `affects` is an indicator ('1.4': its total and every
-- breakdown) or an indicator and one dimension ('5.1/maalgruppe': only the breakdowns by
-- that dimension, whose groups the reform changes while the total stays comparable; macros
-- reform_entry_*).
-- fct_indicator_values marks each row with the series it belongs to; fct_indicator_status
-- calls a change of the total across a whole-indicator break 'ikke sammenlignelig'.
with

reforms as (
    select * from {{ ref('reforms') }}
),

entries as (
    select
        reform_id,
        effective_date,
        unnest(string_split(affects, ';')) as entry
    from reforms
    where status = 'in_force' and nullif(affects, '') is not null
),

final as (
    select
        reform_id,
        effective_date,
        {{ reform_entry_indicator('entry') }} as indicator_id,
        {{ reform_entry_dimension('entry') }} as dimension
    from entries
)

select * from final
