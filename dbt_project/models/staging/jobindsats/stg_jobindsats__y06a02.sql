-- Y06A02: fuldtidspersoner aged 18-29 on uddannelseshjælp and residents aged 18-29, by area
-- and month (4.2).
with

observations as (
    select * from {{ ref('stg_jobindsats__observations') }}
),

final as (
    {{ pivot_observations(
        'observations', 'Y06A02', {},
        {'Y06A02_BEF': 'n_residents', 'Y06A02_FTP': 'fuldtidspersoner', 'Y06A02_ANDEL': 'share_pct'}
    ) }}
)

select * from final
