-- One row per person, ISO week and benefit code; the week decoded to dates, the code to its
-- group and whether the group is public support or self-support (seeds ydelse_codes,
-- ydelse_groups).
with

source as (
    {{ current_rows(source('benefit_register', 'person_weeks')) }}
),

ydelse_codes as (
    select * from {{ ref('ydelse_codes') }}
),

ydelse_groups as (
    select * from {{ ref('ydelse_groups') }}
),

weeks as (
    select
        source.*,
        {{ iso_week_start('source.aar_uge') }} as week_start_date
    from source
),

final as (
    select
        weeks.person_key,
        weeks.aar_uge as year_week,
        weeks.week_start_date,
        {{ week_number('weeks.week_start_date') }} as week_number,
        {{ week_month('weeks.week_start_date') }} as month_date,
        weeks.ydelse_code,
        ydelse_codes.ydelse_group,
        ydelse_groups.is_public_support,
        ydelse_groups.is_self_support,
        weeks.kommune_code as municipality_code
    from weeks
    left join ydelse_codes on weeks.ydelse_code = ydelse_codes.ydelse_code
    left join ydelse_groups on ydelse_codes.ydelse_group = ydelse_groups.ydelse_group
)

select * from final
