-- One row per reform in force and indicator whose series it breaks (seed reforms: its date,
-- its law and the source of each row). A reform still expected breaks nothing until its row
-- says it is in force. fct_indicator_values marks each row with the series it belongs to;
-- fct_indicator_status calls a change across one of these 'ikke sammenlignelig'.
with

reforms as (
    select * from {{ ref('reforms') }}
),

final as (
    select
        reform_id,
        effective_date,
        unnest(string_split(affects, ';')) as indicator_id
    from reforms
    where status = 'in_force' and nullif(affects, '') is not null
)

select * from final
