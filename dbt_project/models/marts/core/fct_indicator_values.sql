-- Every indicator's values in one long table, at the contract grain of DESIGN.md:
-- one row per indicator, period, area and breakdown value, each with its 95 % interval
-- by the method of its unit (seeds units and interval_methods; pipeline/stats.py) or the
-- range its model gave with the method that made it (2.5's country: rounding), hidden
-- where a small count could be read or derived (int_indicator_suppression), and marked
-- provisional in the months its sources still revise (macros/revisions.sql), and with the
-- reform whose break its series is on the far side of (int_reform_breaks).
with

suppressed as (
    -- its bookkeeping (which year's solution a row is) is the model's own
    select * exclude (suppression_fingerprint) from {{ ref('int_indicator_suppression') }}
),

units as (
    select * from {{ ref('units') }}
),

reform_breaks as (
    select * from {{ ref('int_reform_breaks') }}
),

calendar as (
    select * from {{ ref('int_calendar_months') }}
),

-- A count of events is taken divided by its period's design effect (macro design_effect:
-- 1.2's offers, 5.3's spells, 5.6's sanctions cluster in persons): its value the same, its
-- interval the clustered count's. A method its model gave is the row's (none: a period with
-- too few events for a design effect, which gets no interval).
with_effective_counts as (
    select
        *,
        {{ effective_counts('suppressed') }}
    from suppressed
),

with_intervals as (
    select
        cells.* exclude (ci_lower, ci_upper, interval_method),
        coalesce(cells.interval_method, units.interval_method) as interval_method,
        {{ interval_bounds(
            'coalesce(cells.interval_method, units.interval_method)', 'units.scale',
            given='cells.ci', numerator='cells.effective_numerator',
            denominator='cells.effective_denominator', value='cells.value'
        ) }}
    from with_effective_counts as cells
    left join units on cells.unit = units.unit
),

-- The latest months its sources still revise (macro revision_months_of) are provisional:
-- counted from the newest period of that period type of the home municipality's rows and,
-- apart, of the other areas' (the benchmark tables, which may end months earlier than the
-- home municipality's own register: their newest months are the ones still revised). A
-- benchmark whose newest period lies before a reform that breaks the indicator has ended
-- there (4.2's y38a02 in June 2025, at the kontanthjælp reform, replaced by y60a02): it is
-- not revised. One that only lags (a delivery missed) is still revised. A year (period type
-- year) is provisional only while its December is one of those months too, counted from the
-- register's newest month: 3.3's 2025, counted from its 12 months, is the newest year but
-- reads no month of 2026, so it is final once its December is.
indicator_breaks as (
    select
        indicator_id,
        max(effective_date) as last_break
    from reform_breaks
    where dimension is null
    group by indicator_id
),

with_newest as (
    select
        with_intervals.*,
        indicator_breaks.last_break,
        max(with_intervals.period) over (
            partition by
                with_intervals.indicator_id,
                with_intervals.period_type,
                with_intervals.area_code = {{ var('home_municipality') }}
        ) as newest_period
    from with_intervals
    left join indicator_breaks on with_intervals.indicator_id = indicator_breaks.indicator_id
),

with_revisions as (
    select
        * exclude (interval_method),
        -- what the interval is: where a row has one, the method its model gave (2.5's
        -- country: rounding) or else its unit's (seed interval_methods)
        case
            when ci_lower is not null or ci_upper is not null then interval_method
        end as interval_method,
        period > newest_period - to_months(revision_months)
        and (
            period_type != 'year'
            or period + interval 11 month
            > (select max(calendar.month_date) from calendar) - to_months(revision_months)
        )
        and not coalesce(
            area_code != {{ var('home_municipality') }} and newest_period < last_break, false
        ) as is_provisional
    from with_newest
),

-- The reforms that break each breakdown of an indicator: those of the whole indicator, and
-- those of one dimension its breakdown has ('5.1/maalgruppe' breaks 'herkomst_maalgruppe',
-- not 'herkomst' or the total).
breakdown_breaks as (
    select
        reform_breaks.reform_id,
        reform_breaks.effective_date,
        reform_breaks.series_from,
        breakdowns.indicator_id,
        breakdowns.breakdown
    from (
        select distinct
            indicator_id,
            breakdown
        from with_revisions
    ) as breakdowns
    inner join reform_breaks
        on
            breakdowns.indicator_id = reform_breaks.indicator_id
            and {{ reform_breaks_breakdown('breakdowns.breakdown', 'reform_breaks.dimension') }}
),

-- The series a row belongs to: the reform whose break it is the latest past (series_from:
-- for a reform dated by entry, the first period whose figure counts only persons who entered
-- on or after it, the reform's date later by the indicator's counted_from_months; for one
-- dated by measurement, its date; int_reform_breaks), as fct_indicator_status judges a change
-- across a break and the report dates it; null before the first. Rows of different series
-- do not measure the same thing; a period reaching across a reform dated by entry (a year, a
-- rolling year, 2.3's 52 weeks, a follow-up's cohorts) belongs to the series before. Two
-- reforms can break a series in the other order than they took effect: 1.5 passes L 66's
-- second part (a rule of the month measured) in July 2026 and its first (its cohorts of 26
-- weeks all begun after 1 February) in August, two breaks, the later of them the first
-- part's.
with_series as (
    select
        with_revisions.*,
        breakdown_breaks.reform_id as series_since_reform_id
    from with_revisions
    asof left join breakdown_breaks
        on
            with_revisions.indicator_id = breakdown_breaks.indicator_id
            and with_revisions.breakdown = breakdown_breaks.breakdown
            and {{ period_first_day('with_revisions.period', 'with_revisions.period_type') }}
            >= breakdown_breaks.series_from
),

final as (
    select
        indicator_id::varchar as indicator_id,
        period::date as period,
        period_type::varchar as period_type,
        area_code::integer as area_code,
        breakdown::varchar as breakdown,
        breakdown_value::varchar as breakdown_value,
        numerator::double as numerator,
        denominator::double as denominator,
        value::double as value,
        ci_lower::double as ci_lower,
        ci_upper::double as ci_upper,
        interval_method::varchar as interval_method,
        design_effect::double as design_effect,
        unit::varchar as unit,
        is_suppressed::boolean as is_suppressed,
        is_provisional::boolean as is_provisional,
        series_since_reform_id::varchar as series_since_reform_id
    from with_series
)

select * from final
