-- y30r21 "Forventet og faktisk antal og andel fuldtidspersoner på offentlig forsørgelse":
-- STAR's benchmark of each municipality's actual share of its residents on public support
-- against the share expected from its framework conditions (the ministry's rammevilkår
-- model), per benefit group and rolling year (QMAT: the 12 months ending the period's month).
with

observations as (
    select * from {{ ref('stg_jobindsats__observations') }}
),

pivoted as (
    {{ pivot_observations(
        'observations', 'y30r21',
        {'_ygrp_y30r21': 'ydelsesgruppe'},
        {'expected_ftp': 'expected_ftp', 'actual_ftp': 'actual_ftp', 'diff_ftp': 'diff_ftp',
         'expected_pct': 'expected_pct', 'actual_pct': 'actual_pct', 'diff_pct': 'diff_pct',
         'rank': 'rank_national'}
    ) }}
),

final as (
    select
        area_code,
        period_date,
        ydelsesgruppe,
        expected_ftp,
        actual_ftp,
        diff_ftp,
        expected_pct,
        actual_pct,
        diff_pct,
        rank_national::integer as rank_national
    from pivoted
)

select * from final
