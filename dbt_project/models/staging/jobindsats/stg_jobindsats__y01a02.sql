-- Y01A02: fuldtidspersoner on public support by area, month and benefit group.
with

observations as (
    select * from {{ ref('stg_jobindsats__observations') }}
),

ydelse_codes as (
    select * from {{ ref('ydelse_codes') }}
),

final as (
    select
        observations.area_code,
        observations.period_date,
        ydelse_codes.ydelse_group,
        observations.value as fuldtidspersoner
    from observations
    inner join ydelse_codes
        on json_extract_string(observations.dimensions, '$._ygrp') = ydelse_codes.ydelse_name
    where observations.table_id = 'Y01A02' and observations.measure = 'Y01A02_FTP'
)

select * from final
