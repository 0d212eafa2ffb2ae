-- 2.3 Andelen af langtidsledige borgere: of persons unemployed (in a target group counted as
-- ledig) in any week of the month, aged 16-66 (STAR's ages: the comparator is STAR's; seed
-- age_groups, source_system jobindsats), the share unemployed at least long_term_min_share
-- (80 %) of the long_term_window_weeks (52) weeks ending with the month's last week; per age
-- group and in all. The month's persons, not those of its last week: Jobindsats counts a
-- month's "personer" as the unique persons who received the benefit in it ("Antallet af
-- unikke personer, der har modtaget ydelse ... inden for den valgte periode", jobindsats.dk
-- driftsnyheder 12.10.2017, a03-121017), and y25i09's denominator is the month's gross
-- unemployed persons; the last week's stock left out the short spells that ended earlier in
-- the month and raised the share (helper-84; the sample's October 2026: 18.7 % on the last
-- week's persons, 17.1 % on the month's). The
-- window is the 12 months ending with the month ("mindst 80 pct. af de seneste 12
-- måneder") for every person of the month [I: the exact reference week is not established].
-- Only months whose 52 weeks lie inside the register, and only persons whose 52 weeks the
-- registers see: a person who moved in within them had weeks elsewhere that no register here
-- holds (Jobindsats follows people nationally), so is left out rather than counted short of
-- long-term, as 2.2 leaves out spells whose lookback is not seen. Computed on the
-- target-group periods, not on person-weeks. Ballerup from its register; the country and
-- every other municipality from Jobindsats y25i09 ("Andel langtidsledige personer ift.
-- bruttoledige personer": persons unemployed or activated at least 80 % of the last 12
-- months among the month's gross unemployed persons), in all only: its age hierarchy's
-- labels are not established (extracts.yml).
{%- set window = var('long_term_window_weeks') %}
-- Month-incremental (macro rebuilt_months): a month's window ends in it; later data changes
-- none of it.
{{
    config(
        materialized='incremental',
        incremental_strategy='replace_rebuilt_months',
        on_schema_change='fail',
        meta={'rebuild': {'month_column': 'period', 'months_ahead': 0}},
    )
}}

with

periods as (
    select * from {{ ref('int_target_group_periods') }}
    where is_ledig
),

calendar as (
    select * from {{ ref('int_calendar_months') }}
),

persons as (
    select * from {{ ref('stg_registers__persons') }}
),

age_groups as (
    select * from {{ ref('age_groups') }}
    where source_system = 'jobindsats' and not is_total
),

benchmark as (
    select * from {{ ref('stg_jobindsats__y25i09') }}
),

month_ends as (
    select
        month_date,
        first_week_number,
        last_week_number
    from calendar
    where
        last_week_number - {{ window }} + 1
        >= (select min(c.first_week_number) from calendar as c)
        and {{ rebuilt_months('month_date') }}
),

-- each person unemployed in a week of the month, with the last such week
unemployed as (
    select
        month_ends.month_date,
        month_ends.last_week_number,
        periods.person_key,
        max(least(periods.end_week_number, month_ends.last_week_number)) as last_unemployed_week
    from month_ends
    inner join periods
        on
            month_ends.last_week_number >= periods.start_week_number
            and month_ends.first_week_number <= periods.end_week_number
    group by month_ends.month_date, month_ends.last_week_number, periods.person_key
),

-- the unemployed whose whole window lies inside one stay here: the stay that holds their last
-- unemployed week of the month began by the window's first week and lasted to its last
-- (helper-87: one who moved away after that week but before the month's end had the
-- window's tail elsewhere, counted as weeks not unemployed). One with no stay in the persons
-- register is seen from the register's first week, as in int_benefit_spells; one with stays
-- whose week lies in none of them is not seen.
seen as (
    select unemployed.*
    from unemployed
    {{ join_stay_in_week(
        'unemployed.person_key', 'unemployed.last_unemployed_week', alias='residence'
    ) }}
    where
        stays.person_key is null
        or (
            residence.first_week_number <= unemployed.last_week_number - {{ window }} + 1
            and coalesce(residence.last_week_number, unemployed.last_week_number)
            >= unemployed.last_week_number
        )
),

weeks_in_window as (
    select
        unemployed.month_date,
        unemployed.person_key,
        sum(
            least(periods.end_week_number, unemployed.last_week_number)
            - greatest(periods.start_week_number, unemployed.last_week_number - {{ window }} + 1)
            + 1
        ) as n_unemployed_weeks
    from seen as unemployed
    inner join periods
        on
            unemployed.person_key = periods.person_key
            and unemployed.last_week_number >= periods.start_week_number
            and periods.end_week_number >= unemployed.last_week_number - {{ window }} + 1
    group by unemployed.month_date, unemployed.person_key
),

flagged as (
    select
        weeks_in_window.month_date as period,
        age_groups.age_group,
        weeks_in_window.n_unemployed_weeks
        >= {{ var('long_term_min_share') }} * {{ window }} as is_long_term
    from weeks_in_window
    inner join persons on weeks_in_window.person_key = persons.person_key
    inner join age_groups
        on
            {{ age_in_month('weeks_in_window.month_date', 'persons.birth_year') }}
            between age_groups.min_age and age_groups.max_age
),

counts as (
    {{ share_counts('flagged', 'alder', 'age_group', 'is_long_term') }}
),

ballerup as (
    {{ ballerup_share_rows('2.3', 'counts') }}
),

-- the share from the published counts where the table gives them: its percentage is
-- rounded to one decimal (17,1 where the counts give 17,0975), and a comparator taken as
-- exact would let rounding decide a verdict (helper-75)
other_areas as (
    select
        '2.3' as indicator_id,
        period_date as period,
        'month' as period_type,
        area_code,
        'total' as breakdown,
        'I alt' as breakdown_value,
        n_long_term as numerator,
        n_gross_unemployed as denominator,
        coalesce(
            100.0 * n_long_term / nullif(n_gross_unemployed, 0), pct_long_term
        ) as value,
        'pct' as unit
    from benchmark
    where area_code != {{ var('home_municipality') }}
),

final as (
    select * from ballerup
    union all
    select * from other_areas
)

select
    *,
    {{ is_small_cell() }} as is_suppressed,
    {{ newest_load() }} as loaded_through
from final
where {{ rebuilt_months('period') }}
