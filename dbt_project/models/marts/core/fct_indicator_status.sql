-- Each catalogue indicator's standing: Ballerup's latest value against its comparator and
-- target, the gap in the direction that counts as better (positive = better), the status,
-- and the change since the same period a year before.
--
-- A verdict needs the value's whole 95 % interval on one side: opfyldt or ikke opfyldt;
-- an indicator of a focus area without a goal has no verdict: 'til orientering';
-- an interval that holds the target or comparator is 'ikke afgjort'. Fewer persons behind the
-- value than var min_persons_for_verdict: 'for få til en vurdering'. The change since a
-- year before likewise: forbedret or forværret only when its interval (Newcombe's for two
-- shares, the score interval for two rates, MOVER from the two years' intervals for a gap or
-- ratio of two groups: 5.0's "og faldende") leaves out 0, else 'ingen sikker ændring';
-- across a reform that changes what the indicator measures (seed reforms), 'ikke
-- sammenlignelig'. Where the
-- catalogue names a breakdown in mix_adjusted_by (1.1's target groups, as its remark asks),
-- the change is also shown at the status period's mix of that breakdown's groups: the share
-- over the groups shown in both periods against the share their shares a year before give at
-- this period's mix (direct standardisation, pipeline/stats.py share_at_mix_of_group_1),
-- judged like the change. Only published cells enter it, so it discloses nothing the
-- breakdown does not. The comparator
-- (the country: hundreds of thousands of persons) is taken as known, except for the
-- rounding of published figures where its model gives that range (2.5). A value without a
-- statistical interval gets no verdict, 'ikke vurderet', as a difference cannot be told from
-- an uncertainty that cannot be computed (DESIGN.md, "Numbers the committee can trust"): a
-- counted value whose interval cannot be computed, and a figure published without its counts,
-- 2.1's rank of published shares, known only to the range its ties span (interval_method
-- 'rounding'; helper-85: 'ikke opfyldt' at 2.5 % against the tenth's 2.3 %, inside even the
-- narrowest interval Ballerup's labour force would give), or to nothing ('none'). Where that
-- range or the plain comparison alone cannot decide, 'ikke afgjort'. The words and their
-- sentences: seed indicator_statuses.
{%- set min_persons = var('min_persons_for_verdict') %}

with

catalogue as (
    select * from {{ ref('indicator_catalogue') }}
),

-- the strategy's goals: a focus area without one (Overordnet: the overall indicators the
-- committee asked to follow) gives its indicators' comparators for orientation only
focus_areas as (
    select * from {{ ref('focus_areas') }}
),

-- the reforms in force and the indicators whose series each breaks
reform_breaks as (
    select * from {{ ref('int_reform_breaks') }}
),

targets as (
    select * from {{ ref('indicator_targets') }}
),

units as (
    select * from {{ ref('units') }}
),

interval_methods as (
    select * from {{ ref('interval_methods') }}
),

statuses as (
    select * from {{ ref('indicator_statuses') }}
),

-- each indicator's rows of its catalogue period type: the status period, the year before
-- and the comparator are matched on the period alone, which is one period only within one
-- type (a rolling year and a month dated alike are not; helper-75)
values_of_type as (
    select indicator_values.*
    from {{ ref('fct_indicator_values') }} as indicator_values
    inner join catalogue
        on
            indicator_values.indicator_id = catalogue.indicator_id
            and indicator_values.period_type = catalogue.period_type
),

indicator_values as (
    select * from values_of_type
    where breakdown = 'total'
),

-- Suppressed cells are left out here, or a gap or a change would give them away.
ballerup as (
    select * from indicator_values
    where area_code = {{ var('home_municipality') }} and not is_suppressed
),

-- Ballerup's published breakdown cells (not hidden)
breakdown_values as (
    select * from values_of_type
    where
        breakdown != 'total'
        and area_code = {{ var('home_municipality') }}
        and not is_suppressed
),

-- indicators whose every Ballerup value (total) is hidden: too few persons to show or judge
all_hidden as (
    select indicator_id
    from indicator_values
    where area_code = {{ var('home_municipality') }}
    group by indicator_id
    having bool_and(is_suppressed)
),

-- the status period: the latest month the sources no longer revise (the latest of all only
-- when none is final), chosen among all of Ballerup's values, hidden or not. Chosen among the
-- shown ones only, a hidden month would hand the status to an earlier month by its value:
-- 1.5's month is hidden when 1-4 persons missed their samtaler, i.e. when its share is near
-- 100 % (helper-57). A hidden status period is shown hidden, and not judged ('skjult').
latest as (
    select
        indicator_id,
        coalesce(max(period) filter (where not is_provisional), max(period)) as period
    from indicator_values
    where area_code = {{ var('home_municipality') }} and (value is not null or is_suppressed)
    group by indicator_id
),

-- the status period's cell, shown or hidden: its period type, whether it is still revised and
-- whether it is hidden (its value, interval, persons and change then stay out of the status:
-- latest_values holds shown cells only)
status_cells as (
    select
        latest.indicator_id,
        latest.period,
        indicator_values.period_type,
        indicator_values.is_provisional,
        indicator_values.is_suppressed
    from latest
    inner join indicator_values
        on
            latest.indicator_id = indicator_values.indicator_id
            and latest.period = indicator_values.period
            and indicator_values.area_code = {{ var('home_municipality') }}
),

latest_values as (
    select
        latest.indicator_id,
        latest.period,
        ballerup.period_type,
        ballerup.value,
        ballerup.is_provisional,
        ballerup.numerator,
        ballerup.denominator,
        {{ effective_counts('ballerup', interval_given=true) }},
        ballerup.ci_lower,
        ballerup.ci_upper,
        ballerup.unit,
        units.scale,
        coalesce(units.compares_cells, false) as compares_cells,
        -- the row's own: the method its model gave (2.1's rank: the range of its ties,
        -- rounding) or else its unit's
        coalesce(ballerup.interval_method, units.interval_method) as interval_method,
        {{ persons_behind('ballerup', 'interval_methods') }} as persons
    from latest
    inner join ballerup
        on
            latest.indicator_id = ballerup.indicator_id
            and latest.period = ballerup.period
    left join units on ballerup.unit = units.unit
    left join interval_methods
        on
            coalesce(ballerup.interval_method, units.interval_method)
            = interval_methods.interval_method
),

a_year_before as (
    select
        latest_values.indicator_id,
        ballerup.value,
        ballerup.numerator,
        ballerup.denominator,
        {{ effective_counts('ballerup', interval_given=true) }},
        ballerup.ci_lower,
        ballerup.ci_upper,
        {{ persons_behind('ballerup', 'interval_methods') }} as persons
    from latest_values
    inner join ballerup
        on
            latest_values.indicator_id = ballerup.indicator_id
            and ballerup.period = latest_values.period - interval 1 year
    left join interval_methods on latest_values.interval_method = interval_methods.interval_method
),

-- the change's interval (macro change_bounds): a share's from both years' counts (Newcombe),
-- a rate's likewise, each as its interval takes it (macro effective_counts), a comparison's of
-- two groups (5.0's gap) from both years' intervals (MOVER)
changes as (
    select
        a_year_before.indicator_id,
        latest_values.value - a_year_before.value as change_from_year_before,
        least(latest_values.persons, a_year_before.persons) as change_persons,
        {{ change_bounds('latest_values', 'a_year_before') }}
    from a_year_before
    inner join latest_values on a_year_before.indicator_id = latest_values.indicator_id
),

-- the status period's and the year before's published cells of the breakdown whose mix the
-- change is also shown at (catalogue mix_adjusted_by), for the groups shown in both: a
-- hidden cell stays out of every figure computed from the cells
mix_cells as (
    select
        latest_values.indicator_id,
        this_period.breakdown_value,
        this_period.numerator as k1,
        this_period.denominator as n1,
        year_before.numerator as k0,
        year_before.denominator as n0
    from latest_values
    inner join catalogue
        on
            latest_values.indicator_id = catalogue.indicator_id
            and latest_values.interval_method = 'share'
    inner join breakdown_values as this_period
        on
            latest_values.indicator_id = this_period.indicator_id
            and latest_values.period = this_period.period
            and latest_values.period_type = this_period.period_type
            and catalogue.mix_adjusted_by = this_period.breakdown
    inner join breakdown_values as year_before
        on
            this_period.indicator_id = year_before.indicator_id
            and this_period.period_type = year_before.period_type
            and this_period.breakdown = year_before.breakdown
            and this_period.breakdown_value = year_before.breakdown_value
            and year_before.period = this_period.period - interval 1 year
            -- the same series: a group a reform redefined between the years is not the same
            and this_period.series_since_reform_id
            is not distinct from year_before.series_since_reform_id
),

-- [difference, lower, upper, share, expected share, persons compared, share and persons a
-- year before], shares 0-1
at_mix as (
    select
        mix_cells.indicator_id,
        share_at_mix_of_group_1(
            list(mix_cells.k1 order by mix_cells.breakdown_value),
            list(mix_cells.n1 order by mix_cells.breakdown_value),
            list(mix_cells.k0 order by mix_cells.breakdown_value),
            list(mix_cells.n0 order by mix_cells.breakdown_value),
            {{ var('interval_alpha') }}
        ) as estimate
    from mix_cells
    group by mix_cells.indicator_id
),

mix_changes as (
    select
        at_mix.indicator_id,
        latest_values.scale * at_mix.estimate[1] as mix_change,
        latest_values.scale * at_mix.estimate[2] as mix_change_ci_lower,
        latest_values.scale * at_mix.estimate[3] as mix_change_ci_upper,
        latest_values.scale * at_mix.estimate[4] as mix_value,
        latest_values.scale * at_mix.estimate[5] as mix_expected,
        at_mix.estimate[6] as mix_n_counted,
        at_mix.estimate[8] as mix_n_counted_year_before,
        latest_values.scale * at_mix.estimate[7] as mix_value_year_before,
        -- the fewer of the two years' persons: too few in either year, no verdict
        least(at_mix.estimate[6], at_mix.estimate[8]) as mix_persons_judged
    from at_mix
    inner join latest_values on at_mix.indicator_id = latest_values.indicator_id
),

-- the comparator's value, and the range its source's rounding allows where its model gives
-- one (interval_method rounding) for a value no counts stand behind (a sum of published
-- percentages, each rounded: 2.5's country); else its value is taken as known
comparators as (
    select
        latest.indicator_id,
        indicator_values.value as comparator_value,
        case
            when indicator_values.interval_method = 'rounding'
                then indicator_values.ci_lower
            else indicator_values.value
        end as comparator_lower,
        case
            when indicator_values.interval_method = 'rounding'
                then indicator_values.ci_upper
            else indicator_values.value
        end as comparator_upper,
        coalesce(indicator_values.is_provisional, false) as is_comparator_provisional
    from latest
    inner join catalogue on latest.indicator_id = catalogue.indicator_id
    inner join indicator_values
        on
            latest.indicator_id = indicator_values.indicator_id
            and latest.period = indicator_values.period
            and catalogue.comparator_area_code = indicator_values.area_code
),

joined as (
    select
        catalogue.indicator_id,
        catalogue.sort_order,
        catalogue.status as catalogue_status,
        catalogue.replaced_by,
        catalogue.comparator,
        catalogue.comparator_area_code,
        catalogue.direction,
        catalogue.model_name,
        status_cells.period,
        status_cells.period_type,
        latest_values.value,
        latest_values.ci_lower,
        latest_values.ci_upper,
        latest_values.persons,
        latest_values.unit,
        comparators.comparator_value,
        comparators.comparator_lower,
        comparators.comparator_upper,
        targets.target_operator,
        targets.target_value,
        targets.target_tolerance,
        changes.change_from_year_before,
        changes.change_ci_lower,
        changes.change_ci_upper,
        changes.change_persons,
        catalogue.mix_adjusted_by,
        mix_changes.mix_change,
        mix_changes.mix_change_ci_lower,
        mix_changes.mix_change_ci_upper,
        mix_changes.mix_value,
        mix_changes.mix_expected,
        mix_changes.mix_value_year_before,
        mix_changes.mix_n_counted,
        mix_changes.mix_n_counted_year_before,
        mix_changes.mix_persons_judged,
        -- a reform between the two periods that breaks the total or that breakdown's groups
        {{ reform_since_year_before('catalogue.mix_adjusted_by') }} as is_mix_change_across_reform,
        -- a reform after the year before's period began and before this one ended: the two
        -- periods do not measure the same thing
        {{ reform_since_year_before() }} as is_change_across_reform,
        focus_areas.goal_text is not null as has_goal,
        -- the value's period still revised; the comparator's in that period
        coalesce(status_cells.is_provisional, false) as is_value_provisional,
        coalesce(comparators.is_comparator_provisional, false) as is_comparator_provisional,
        all_hidden.indicator_id is not null as is_all_hidden,
        coalesce(status_cells.is_suppressed, false) as is_value_hidden,
        -- the method the status used: its interval's; none where no counts stand behind
        -- the value (a published rate or rank) or its unit has no interval, so the plain
        -- comparison judges it; NULL where counts stand behind it but no interval could be
        -- computed (pipeline/stats.py: e.g. everybody or nobody flagged in every group)
        case
            when status_cells.is_suppressed then null
            when latest_values.ci_lower is not null then latest_values.interval_method
            when latest_values.numerator is null or latest_values.interval_method = 'none'
                then 'none'
        end as interval_method
    from catalogue
    left join focus_areas on catalogue.focus_area_code = focus_areas.focus_area_code
    left join status_cells on catalogue.indicator_id = status_cells.indicator_id
    left join latest_values on catalogue.indicator_id = latest_values.indicator_id
    left join all_hidden on catalogue.indicator_id = all_hidden.indicator_id
    left join comparators on catalogue.indicator_id = comparators.indicator_id
    left join changes on catalogue.indicator_id = changes.indicator_id
    left join mix_changes on catalogue.indicator_id = mix_changes.indicator_id
    left join targets
        on
            catalogue.indicator_id = targets.indicator_id
            and coalesce(status_cells.period, current_date)
            between targets.valid_from and targets.valid_to
),

gaps as (
    select
        *,
        {{ gap_at('value') }} as gap,
        -- the gap at the interval's worst and best points
        {{ worst_gap('ci_lower', 'ci_upper') }} as gap_worst,
        {{ best_gap('ci_lower', 'ci_upper') }} as gap_best
    from joined
),

judged as (
    select
        *,
        case
            when catalogue_status = 'retired' then 'udgået'
            when is_all_hidden then 'for få til en vurdering'
            -- the status period's value is hidden: not shown, so not judged
            when is_value_hidden then 'skjult'
            -- no direction to judge it by (3.3), but the country's figure beside it
            when direction = 'none' and comparator_value is not null then 'til orientering'
            when gap is null then 'ingen sammenligning'
            when not has_goal then 'til orientering'
            when persons < {{ min_persons }} then 'for få til en vurdering'
            -- a figure published without its counts (2.1): no statistical interval, so no
            -- verdict; undecided where the range rounding allows ('rounding') or the plain
            -- comparison ('none': no range, the gap itself) cannot decide it either
            when interval_method in ('none', 'rounding')
                then case
                    {{ verdict_branches(
                        'ikke vurderet', 'ikke vurderet', 'ikke afgjort',
                        'coalesce(gap_worst, gap)', 'coalesce(gap_best, gap)'
                    ) }}
                end
            -- counted, but no interval: no verdict the uncertainty cannot carry
            when interval_method is null then 'ikke vurderet'
            {{ verdict_branches('opfyldt', 'ikke opfyldt', 'ikke afgjort') }}
        end as status,
        {{ change_verdict(
            'change_from_year_before', 'change_ci_lower', 'change_ci_upper', 'change_persons',
            'is_change_across_reform'
        ) }} as change_status,
        case when mix_adjusted_by is not null then {{ change_verdict(
            'mix_change', 'mix_change_ci_lower', 'mix_change_ci_upper', 'mix_persons_judged',
            'is_mix_change_across_reform'
        ) }} end as mix_change_status
    from gaps
),

worded as (
    select
        judged.* exclude (change_from_year_before, change_ci_lower, change_ci_upper),
        changes_said.sentence_da as change_text,
        mix_said.sentence_da as mix_change_text,
        -- the status's period still revised: Ballerup's value, or its comparator's then
        judged.is_value_provisional or judged.is_comparator_provisional as is_provisional,
        -- ikke sammenlignelig (a reform between the two years changes what is measured): no
        -- change is published, as no change at a mix is (its groups' cells are not matched)
        case
            when coalesce(judged.change_status, '') != 'ikke sammenlignelig'
                then judged.change_from_year_before
        end as change_from_year_before,
        case
            when coalesce(judged.change_status, '') != 'ikke sammenlignelig'
                then judged.change_ci_lower
        end as change_ci_lower,
        case
            when coalesce(judged.change_status, '') != 'ikke sammenlignelig'
                then judged.change_ci_upper
        end as change_ci_upper,
        -- the verdict's sentence for what it rests on: a plain comparison, the range the
        -- rounding of published figures allows, or else a statistical interval
        case
            when judged.interval_method = 'none' and verdicts.sentence_plain_da is not null
                then verdicts.sentence_plain_da
            when judged.interval_method = 'rounding' and verdicts.sentence_rounding_da is not null
                then verdicts.sentence_rounding_da
            else verdicts.sentence_da
        end as status_text
    from judged
    left join statuses as verdicts
        on judged.status = verdicts.status and verdicts.kind = 'verdict'
    left join statuses as changes_said
        on judged.change_status = changes_said.status and changes_said.kind = 'change'
    left join statuses as mix_said
        on judged.mix_change_status = mix_said.status and mix_said.kind = 'change'
),

final as (
    select
        indicator_id::varchar as indicator_id,
        sort_order::integer as sort_order,
        period::date as period,
        period_type::varchar as period_type,
        value::double as value,
        is_provisional::boolean as is_provisional,
        is_value_provisional::boolean as is_value_provisional,
        is_comparator_provisional::boolean as is_comparator_provisional,
        is_value_hidden::boolean as is_value_hidden,
        ci_lower::double as ci_lower,
        ci_upper::double as ci_upper,
        persons::double as n_counted,
        interval_method::varchar as interval_method,
        unit::varchar as unit,
        comparator::varchar as comparator,
        comparator_area_code::integer as comparator_area_code,
        comparator_value::double as comparator_value,
        comparator_lower::double as comparator_lower,
        comparator_upper::double as comparator_upper,
        target_operator::varchar as target_operator,
        target_value::double as target_value,
        target_tolerance::double as target_tolerance,
        direction::varchar as direction,
        has_goal::boolean as has_goal,
        replaced_by::varchar as replaced_by,
        status::varchar as status,
        status_text::varchar as status_text,
        change_ci_lower::double as change_ci_lower,
        change_ci_upper::double as change_ci_upper,
        change_status::varchar as change_status,
        change_text::varchar as change_text,
        mix_adjusted_by::varchar as mix_adjusted_by,
        mix_change_ci_lower::double as mix_change_ci_lower,
        mix_change_ci_upper::double as mix_change_ci_upper,
        mix_n_counted::double as mix_n_counted,
        mix_n_counted_year_before::double as mix_n_counted_year_before,
        mix_change_status::varchar as mix_change_status,
        mix_change_text::varchar as mix_change_text,
        round(gap, 4)::double as gap,
        round(change_from_year_before, 4)::double as change_from_year_before,
        round(mix_value, 4)::double as mix_value,
        round(mix_expected, 4)::double as mix_expected,
        round(mix_value_year_before, 4)::double as mix_value_year_before,
        -- + 0.0: a difference of 0 up to the float's last bit is 0, not -0
        (round(mix_change, 4) + 0.0)::double as mix_change,
        (model_name is not null)::boolean as is_computed
    from worded
)

select * from final
