-- Each indicator published for the comparable municipalities too (dim_comparable_municipality):
-- in the period the indicator's status is for (fct_indicator_status: the home
-- municipality's latest final published total), the comparison group's
-- median and range, and where the home municipality stands among them (1 = the best by the
-- indicator's direction; no rank for an indicator without one). Published totals only: a
-- suppressed cell is left out and the count of those ranked says so. A rank of point values
-- is no verdict: how many of the group lie inside the home municipality's 95 % interval says
-- how little of it the uncertainty decides (a value published rounded, 2.5's sum of rounded
-- percentages, counts where the range its rounding allows reaches into it: helper-110 found
-- 2.5's 'ingen af de 5' with a neighbour's 2,2, which may be up to 2,3, against Ballerup's
-- 2,21-2,61), and how many of the group's values their source still revises says that they
-- may move.
with

cells as (
    select * from {{ ref('fct_indicator_values') }}
    where breakdown = 'total' and not is_suppressed and value is not null
),

indicators as (
    select * from {{ ref('dim_indicator') }}
),

comparable as (
    select * from {{ ref('dim_comparable_municipality') }}
),

home_latest as (
    select
        indicator_id,
        period_type,
        period
    from {{ ref('fct_indicator_status') }}
    where period is not null
),

group_cells as (
    select
        cells.indicator_id,
        cells.period,
        cells.area_code,
        cells.value,
        cells.ci_lower,
        cells.ci_upper,
        cells.interval_method,
        cells.is_provisional,
        cells.area_code = {{ var('home_municipality') }} as is_home
    from cells
    inner join home_latest
        on
            cells.indicator_id = home_latest.indicator_id
            and cells.period_type = home_latest.period_type
            and cells.period = home_latest.period
    where
        cells.area_code = {{ var('home_municipality') }}
        or cells.area_code in (select comparable.area_code from comparable)
),

home_intervals as (
    select
        indicator_id,
        ci_lower as home_ci_lower,
        ci_upper as home_ci_upper
    from group_cells
    where is_home
),

ranked as (
    select
        group_cells.*,
        home_intervals.home_ci_lower,
        home_intervals.home_ci_upper,
        case
            when indicators.direction = 'higher_is_better'
                then rank() over (
                    partition by group_cells.indicator_id order by group_cells.value desc
                )
            when indicators.direction = 'lower_is_better'
                then rank() over (
                    partition by group_cells.indicator_id order by group_cells.value asc
                )
        end as rank_in_group
    from group_cells
    inner join indicators on group_cells.indicator_id = indicators.indicator_id
    left join home_intervals on group_cells.indicator_id = home_intervals.indicator_id
),

final as (
    select
        indicator_id,
        any_value(period) as period,
        max(value) filter (where is_home) as home_value,
        count(*) filter (where not is_home) as n_comparable,
        median(value) filter (where not is_home) as comparable_median,
        min(value) filter (where not is_home) as comparable_min,
        max(value) filter (where not is_home) as comparable_max,
        max(rank_in_group) filter (where is_home) as home_rank,
        count(*) filter (where rank_in_group is not null) as n_ranked,
        count(*) filter (where not is_home and is_provisional) as n_comparable_provisional,
        -- none where the home value has no interval (a published figure without counts)
        case
            when any_value(home_ci_lower) is not null
                then count(*) filter (
                    where
                    not is_home
                    and case
                        when interval_method = 'rounding'
                            then ci_lower <= home_ci_upper and ci_upper >= home_ci_lower
                        else value between home_ci_lower and home_ci_upper
                    end
                )
        end as n_comparable_within_home_interval
    from ranked
    group by indicator_id
    having count(*) filter (where not is_home) > 0
)

select * from final
