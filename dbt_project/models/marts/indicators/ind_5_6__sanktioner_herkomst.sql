-- 5.6 Der skal være sammenlignelighed i sanktioneringsgraden på tværs af baggrund: sanctions
-- per 100 fuldtidspersoner in a target group of an active course, per origin within target
-- group ('herkomst_maalgruppe') and per origin ('herkomst', with Danish and Western origin
-- together, the reference of 5.0 and 5.3). The ratio of the non-Western rate to the
-- reference's is compared within target groups, as the goal says: per target group
-- ('maalgruppe', MOVER interval), and over all of them (the total row, target 1) as the rate
-- ratio within target groups of a Poisson regression (pipeline/stats.py), so that a
-- different mix of target groups does not make a difference (with no non-Western sanction in
-- any target group: 0, up to the exact conditional bound). A sanction counts in the
-- target group the person belonged to last in the sanction's month (a week belongs to the
-- month of its Thursday).
-- Counted per calendar year (period type year, as 3.3 and 5.3): sanctions of the year's 12
-- months per 100 fuldtidspersoner of the 12 months (their average over the months: a year's
-- fuldtidspersoner are the sum of each person's share of the year, "Summen af årsgraderne
-- giver antallet af fuldtidspersoner i året", DST's documentation of the variable GRADAAR,
-- dst.dk/da/Statistik/dokumentation/Times/moduldata-for-arbejdsmarked/gradaar), a rate per
-- year. A month's non-Western sanctions are a handful: in the sample every monthly total was
-- too small to publish. Calendar years, not the 12 months ending each month: windows that
-- overlap pin the months they share (macro full_calendar_years). A year is published where
-- all its 12 months are in the calendar.
-- It counts sanctions, not persons: one person may have several in a year. The persons behind
-- each rate's sanctions are counted too (numerator_persons), and a cell is small where they
-- are (macro is_small_cell, persons): 6 sanctions of 2 persons are theirs. Nor are one
-- person's sanctions independent events: the intervals take each count and its exposure
-- divided by the year's design effect (macro design_effect), the ratios' here and the rates'
-- in fct_indicator_values.
-- Month-incremental (macro rebuilt_months): a year's row (its period the year's first day)
-- covers the 11 months after it (months_ahead), so a load from any month of a year rebuilds
-- that year whole.
{{
    config(
        materialized='incremental',
        incremental_strategy='replace_rebuilt_months',
        on_schema_change='fail',
        meta={
            'rebuild': {'month_column': 'period', 'months_ahead': 11},
            'counts_events': true,
        },
    )
}}

with

ftp as (
    select * from {{ ref('int_fuldtidspersoner_by_origin') }}
    where is_active_course and {{ rebuilt_months('month_date') }}
),

person_months as (
    select * from {{ ref('int_person_months') }}
    where is_active_course and {{ rebuilt_months('month_date') }}
),

calendar as (
    select * from {{ ref('int_calendar_months') }}
),

-- the Decembers ending a calendar year all of whose months are in the calendar, of the
-- years rebuilt
window_ends as (
    select period
    from ({{ full_calendar_years('calendar', 'month_date') }}) as full_years
    where {{ rebuilt_months(calendar_year('period')) }}
),

sanctions as (
    select
        *,
        sanction_date - (isodow(sanction_date) - 1)::integer as sanction_week_start_date
    from {{ ref('stg_case_system__sanctions') }}
),

persons as (
    select * from {{ ref('stg_registers__persons') }}
),

herkomst_codes as (
    select * from {{ ref('herkomst_codes') }}
),

sanctions_in_target_group as (
    select
        person_months.month_date,
        persons.herkomst,
        person_months.maalgruppe_code,
        sanctions.sanction_id,
        sanctions.person_key
    from sanctions
    inner join person_months
        on
            sanctions.person_key = person_months.person_key
            and {{ week_month('sanctions.sanction_week_start_date') }}
            = person_months.month_date
    inner join persons on sanctions.person_key = persons.person_key
    {{ latest_target_group(['sanctions.sanction_id'], 'person_months.') }}
),

cells as (
    select
        month_date,
        herkomst,
        maalgruppe_code,
        sum(fuldtidspersoner) as fuldtidspersoner
    from ftp
    group by all
),

sanction_counts as (
    select
        month_date,
        herkomst,
        maalgruppe_code,
        count(*) as n_sanctions
    from sanctions_in_target_group
    group by all
),

by_cell_month as (
    select
        cells.month_date,
        cells.herkomst,
        cells.maalgruppe_code,
        cells.fuldtidspersoner,
        coalesce(sanction_counts.n_sanctions, 0) as n_sanctions
    from cells
    left join sanction_counts
        on
            cells.month_date = sanction_counts.month_date
            and cells.herkomst = sanction_counts.herkomst
            and cells.maalgruppe_code = sanction_counts.maalgruppe_code
),

-- each cell over each calendar year (month_date its first day): the sanctions, and the
-- fuldtidspersoner averaged over the 12 months
by_cell as (
    select
        {{ calendar_year('window_ends.period') }} as month_date,
        by_cell_month.herkomst,
        by_cell_month.maalgruppe_code,
        sum(by_cell_month.fuldtidspersoner) / 12 as fuldtidspersoner,
        sum(by_cell_month.n_sanctions) as n_sanctions
    from window_ends
    inner join by_cell_month
        on {{ in_rolling_year('by_cell_month.month_date', 'window_ends.period') }}
    group by all
),

-- the persons behind each rate's sanctions in each calendar year: per origin within target
-- group, per origin, and for Danish and Western together (within target group and in all)
sanctioned as (
    select
        {{ calendar_year('window_ends.period') }} as month_date,
        sanctions_in_target_group.herkomst,
        case
            when herkomst_codes.is_ikke_vestlig then 'ikke-vestlig' else 'dansk og vestlig'
        end as origin_group,
        sanctions_in_target_group.maalgruppe_code,
        sanctions_in_target_group.person_key
    from window_ends
    inner join sanctions_in_target_group
        on {{ in_rolling_year('sanctions_in_target_group.month_date', 'window_ends.period') }}
    inner join herkomst_codes on sanctions_in_target_group.herkomst = herkomst_codes.herkomst
),

-- each sanction under its own origin and, of Danish or Western origin, under both together
sanctioned_by_origin as (
    select
        month_date,
        herkomst as origin,
        maalgruppe_code,
        person_key
    from sanctioned
    union all
    select
        month_date,
        origin_group as origin,
        maalgruppe_code,
        person_key
    from sanctioned
    where origin_group = 'dansk og vestlig'
),

persons_behind as (
    select
        month_date,
        case
            when grouping(maalgruppe_code) = 0 then 'herkomst_maalgruppe' else 'herkomst'
        end as breakdown,
        origin || coalesce(' / ' || maalgruppe_code, '') as breakdown_value,
        count(distinct person_key) as n_persons
    from sanctioned_by_origin
    group by month_date, origin, rollup(maalgruppe_code)
),

by_origin as (
    select
        month_date,
        herkomst,
        sum(n_sanctions) as n_sanctions,
        sum(fuldtidspersoner) as fuldtidspersoner
    from by_cell
    group by month_date, herkomst
),

-- non-Western origin against Danish and Western origin together, per target group
by_group as (
    select
        by_cell.month_date,
        by_cell.maalgruppe_code,
        case
            when herkomst_codes.is_ikke_vestlig then 'ikke-vestlig' else 'dansk og vestlig'
        end as origin_group,
        sum(by_cell.n_sanctions) as n_sanctions,
        sum(by_cell.fuldtidspersoner) as fuldtidspersoner
    from by_cell
    inner join herkomst_codes on by_cell.herkomst = herkomst_codes.herkomst
    group by all
),

pairs as (
    {{ origin_pairs(
        'by_group', ['month_date', 'maalgruppe_code'], 'n_sanctions', 'fuldtidspersoner',
        group_column='origin_group', reference='dansk og vestlig'
    ) }}
),

-- the year's design effect of its sanctions, over every target group and origin
design_effects as (
    {{ design_effect('sanctioned', 'month_date') }}
),

-- the counts and exposures as the intervals take them: divided by the design effect (the
-- rates and ratios the same, their variance the clustered counts'; for the regression within
-- target groups the estimate the same and its interval wider by the factor's square root, a
-- quasi-Poisson scale). A year without one (too few sanctions) has no interval
-- (with_design_effect).
{%- set counts = ['pairs.k1', 'pairs.n1', 'pairs.k0', 'pairs.n0'] %}
{%- set taken = effective_list(counts, 'design_effects.design_effect') %}
effective_pairs as (
    select
        pairs.month_date,
        pairs.maalgruppe_code,
        design_effects.design_effect,
        {{ taken[0] }} as k1,
        {{ taken[1] }} as n1,
        {{ taken[2] }} as k0,
        {{ taken[3] }} as n0
    from pairs
    left join design_effects on pairs.month_date = design_effects.month_date
),

ratios_by_target_group as (
    select
        pairs.month_date,
        pairs.maalgruppe_code,
        case
            when pairs.k0 > 0 and pairs.n1 > 0 then (pairs.k1 / pairs.n1) / (pairs.k0 / pairs.n0)
        end as ratio,
        {{ smallest_count(counts) }} as smallest_count,
        {{ comparison_bounds(
            "'rate_ratio'", 1, taken[0], taken[1], taken[2], taken[3], prefix='ci'
        ) }}
    from pairs
    left join design_effects on pairs.month_date = design_effects.month_date
),

within_year as (
    {{ within_strata(
        'rate_ratio_within_strata', 'effective_pairs', 'month_date', 'maalgruppe_code'
    ) }}
),

-- the smallest count behind the ratio within target groups: of the counts themselves, not of
-- the effective ones the regression took
smallest_of_year as (
    select
        month_date,
        {{ smallest_count(['sum(k1)', 'sum(n1)', 'sum(k0)', 'sum(n0)']) }} as smallest_count
    from pairs
    group by month_date
),

within_target_groups as (
    select
        within_year.month_date,
        within_year.estimate,
        smallest_of_year.smallest_count
    from within_year
    inner join smallest_of_year on within_year.month_date = smallest_of_year.month_date
),

-- the rates: per origin within target group, per origin, and for the reference group
-- within each target group (what the ratios compare) and over all of them
rates as (
    select
        month_date,
        'herkomst_maalgruppe' as breakdown,
        herkomst || ' / ' || maalgruppe_code as breakdown_value,
        n_sanctions,
        fuldtidspersoner
    from by_cell
    union all
    select
        month_date,
        'herkomst_maalgruppe' as breakdown,
        origin_group || ' / ' || maalgruppe_code as breakdown_value,
        n_sanctions,
        fuldtidspersoner
    from by_group
    where origin_group = 'dansk og vestlig'
    union all
    select
        month_date,
        'herkomst' as breakdown,
        herkomst as breakdown_value,
        n_sanctions,
        fuldtidspersoner
    from by_origin
    union all
    select
        month_date,
        'herkomst' as breakdown,
        origin_group as breakdown_value,
        sum(n_sanctions) as n_sanctions,
        sum(fuldtidspersoner) as fuldtidspersoner
    from by_group
    where origin_group = 'dansk og vestlig'
    group by month_date, origin_group
),

rates_with_persons as (
    select
        rates.*,
        coalesce(persons_behind.n_persons, 0) as n_persons
    from rates
    left join persons_behind
        on
            rates.month_date = persons_behind.month_date
            and rates.breakdown = persons_behind.breakdown
            and rates.breakdown_value = persons_behind.breakdown_value
),

-- the ratios: per target group, and within target groups
comparisons as (
    select
        month_date,
        'maalgruppe' as breakdown,
        maalgruppe_code as breakdown_value,
        smallest_count,
        ratio,
        ci_lower,
        ci_upper
    from ratios_by_target_group
    union all
    select
        month_date,
        'total' as breakdown,
        'I alt' as breakdown_value,
        smallest_count,
        -- to 10 decimals: the regression's float noise (5.000000000000003) is no information
        round(estimate[1], 10) as ratio,
        round(estimate[2], 10) as ci_lower,
        round(estimate[3], 10) as ci_upper
    from within_target_groups
),

final as (
    select
        '5.6' as indicator_id,
        month_date as period,
        'year' as period_type,
        {{ var('home_municipality') }} as area_code,
        breakdown,
        breakdown_value,
        n_sanctions::double as numerator,
        fuldtidspersoner as denominator,
        case when fuldtidspersoner > 0 then 100.0 * n_sanctions / fuldtidspersoner end as value,
        'per_100' as unit,
        null::double as ci_lower,
        null::double as ci_upper,
        n_persons::double as numerator_persons,
        -- fuldtidspersoner: a count below the threshold is small whatever its persons
        null::double as denominator_persons,
        null::double as complement_persons
    from rates_with_persons
    union all
    select
        '5.6' as indicator_id,
        month_date as period,
        'year' as period_type,
        {{ var('home_municipality') }} as area_code,
        breakdown,
        breakdown_value,
        smallest_count::double as numerator,
        null as denominator,
        ratio as value,
        'ratio' as unit,
        ci_lower,
        ci_upper,
        null::double as numerator_persons,
        null::double as denominator_persons,
        null::double as complement_persons
    from comparisons
),

-- the year's design effect on each of its rows; a year without one has no interval
with_design_effect as (
    {{ with_design_effect('final', 'design_effects', 'period', 'month_date') }}
)

select
    *,
    {{ is_small_cell(persons=true) }} as is_suppressed,
    {{ newest_load() }} as loaded_through
from with_design_effect
where {{ rebuilt_months('period') }}
