-- Each catalogue indicator's standing: Ballerup's latest value against its comparator and
-- target, the gap in the direction that counts as better (positive = better), the status,
-- and the change since the same period a year before.
with

catalogue as (
    select * from {{ ref('indicator_catalogue') }}
),

targets as (
    select * from {{ ref('indicator_targets') }}
),

indicator_values as (
    select * from {{ ref('fct_indicator_values') }}
    where breakdown = 'total'
),

-- Suppressed cells are left out here, or a gap or a change would give them away.
ballerup as (
    select * from indicator_values
    where area_code = 151 and not is_suppressed
),

latest as (
    select
        indicator_id,
        max(period) as period
    from ballerup
    where value is not null
    group by indicator_id
),

latest_values as (
    select
        latest.indicator_id,
        latest.period,
        ballerup.period_type,
        ballerup.value,
        ballerup.unit,
        ballerup.is_suppressed
    from latest
    inner join ballerup
        on
            latest.indicator_id = ballerup.indicator_id
            and latest.period = ballerup.period
),

a_year_before as (
    select
        latest_values.indicator_id,
        ballerup.value
    from latest_values
    inner join ballerup
        on
            latest_values.indicator_id = ballerup.indicator_id
            and ballerup.period = latest_values.period - interval 1 year
),

comparators as (
    select
        latest_values.indicator_id,
        indicator_values.value as comparator_value
    from latest_values
    inner join catalogue on latest_values.indicator_id = catalogue.indicator_id
    inner join indicator_values
        on
            latest_values.indicator_id = indicator_values.indicator_id
            and latest_values.period = indicator_values.period
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
        latest_values.period,
        latest_values.period_type,
        latest_values.value,
        latest_values.unit,
        comparators.comparator_value,
        targets.target_operator,
        targets.target_value,
        targets.target_tolerance,
        latest_values.value - a_year_before.value as change_from_year_before
    from catalogue
    left join latest_values on catalogue.indicator_id = latest_values.indicator_id
    left join comparators on catalogue.indicator_id = comparators.indicator_id
    left join a_year_before on catalogue.indicator_id = a_year_before.indicator_id
    left join targets
        on
            catalogue.indicator_id = targets.indicator_id
            and coalesce(latest_values.period, current_date)
            between targets.valid_from and targets.valid_to
),

gaps as (
    select
        *,
        case
            when target_operator = '<=' then target_value - value
            when target_operator = '>=' then value - target_value
            when target_operator = '=' then target_tolerance - abs(value - target_value)
            when comparator_value is not null and direction = 'lower_is_better'
                then comparator_value - value
            when comparator_value is not null and direction = 'higher_is_better'
                then value - comparator_value
        end as gap
    from joined
),

final as (
    select
        indicator_id::varchar as indicator_id,
        sort_order::integer as sort_order,
        period::date as period,
        period_type::varchar as period_type,
        value::double as value,
        unit::varchar as unit,
        comparator::varchar as comparator,
        comparator_area_code::integer as comparator_area_code,
        comparator_value::double as comparator_value,
        target_operator::varchar as target_operator,
        target_value::double as target_value,
        direction::varchar as direction,
        replaced_by::varchar as replaced_by,
        round(gap, 4)::double as gap,
        (
            case
                when catalogue_status = 'retired' then 'udgået'
                when gap is null then 'ingen sammenligning'
                when gap >= 0 then 'opfyldt'
                else 'ikke opfyldt'
            end
        )::varchar as status,
        round(change_from_year_before, 4)::double as change_from_year_before,
        (model_name is not null)::boolean as is_computed
    from gaps
)

select * from final
