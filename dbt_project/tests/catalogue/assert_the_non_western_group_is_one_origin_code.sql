-- The non-Western group is one origin code, 'ikke-vestlig', the one seed herkomst_codes
-- flags is_ikke_vestlig: 5.3, 5.4 and 5.6 group persons by the flag, while 5.0 and the
-- comparisons of macro origin_pairs name the group by that code. Both mean the same group
-- only while the flag marks exactly that code; finer codes from DST (immigrants and
-- descendants apart) would need 5.0 and origin_pairs to sum the flagged codes first.
with

codes as (
    select * from {{ ref('herkomst_codes') }}
)

select
    herkomst,
    is_ikke_vestlig,
    'flagged non-Western but not the code ikke-vestlig, or the reverse' as problem
from codes
where is_ikke_vestlig is distinct from (herkomst = 'ikke-vestlig')
union all
select
    'ikke-vestlig' as herkomst,
    null as is_ikke_vestlig,
    'no origin code ikke-vestlig' as problem
where not exists (
    select 1 from codes
    where herkomst = 'ikke-vestlig'
)
