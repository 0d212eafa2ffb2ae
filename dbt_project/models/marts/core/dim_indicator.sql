-- The indicator catalogue with its focus area and the target in force today.
with

catalogue as (
    select
        *,
        -- the headline: the strategy's text unless the catalogue says what is measured
        coalesce(nullif(headline_da, ''), strategy_text) as headline,
        -- areas shown beside the comparator, not judged against (0.1: Region Hovedstaden)
        coalesce(string_split(nullif(also_compared_area_codes, ''), ';'), []) as also_compared,
        nullif(counted_da, '') as counted
    from {{ ref('indicator_catalogue') }}
),

focus_areas as (
    select * from {{ ref('focus_areas') }}
),

units as (
    select * from {{ ref('units') }}
),

interval_methods as (
    select * from {{ ref('interval_methods') }}
),

roles as (
    select * from {{ ref('indicator_roles') }}
),

targets as (
    select * from {{ ref('indicator_targets') }}
    where current_date between valid_from and valid_to
),

final as (
    select
        catalogue.indicator_id::varchar as indicator_id,
        catalogue.sort_order::integer as sort_order,
        catalogue.focus_area_code::integer as focus_area_code,
        focus_areas.focus_area_label::varchar as focus_area_label,
        focus_areas.focus_area_name::varchar as focus_area_name,
        focus_areas.goal_text::varchar as goal_text,
        catalogue.role::varchar as indicator_role,
        roles.name_da::varchar as indicator_role_da,
        roles.is_key_figure::boolean as is_key_figure,
        catalogue.strategy_text::varchar as strategy_text,
        catalogue.strategy_remark::varchar as strategy_remark,
        catalogue.headline::varchar as headline_da,
        catalogue.definition::varchar as definition,
        catalogue.definition_da::varchar as definition_da,
        catalogue.unit::varchar as unit,
        catalogue.direction::varchar as direction,
        catalogue.comparator::varchar as comparator,
        catalogue.comparator_area_code::integer as comparator_area_code,
        catalogue.also_compared::integer[] as also_compared_area_codes,
        targets.target_operator::varchar as target_operator,
        targets.target_value::double as target_value,
        targets.target_text::varchar as target_text,
        catalogue.status::varchar as status,
        catalogue.replaced_by::varchar as replaced_by,
        catalogue.breakdowns::varchar as breakdowns,
        catalogue.mix_adjusted_by::varchar as mix_adjusted_by,
        catalogue.compared_within::varchar as compared_within,
        catalogue.counted_from_months::integer as counted_from_months,
        catalogue.period_type::varchar as period_type,
        catalogue.model_name::varchar as model_name,
        catalogue.note::varchar as note,
        catalogue.note_da::varchar as note_da,
        catalogue.counted::varchar as counted_da,
        interval_methods.persons_behind::varchar as count_behind,
        interval_methods.method_da::varchar as interval_method_da,
        coalesce(units.interval_method, 'none')::varchar as interval_method,
        coalesce(units.compares_cells, false)::boolean as compares_groups,
        coalesce(units.compares_year_before, false)::boolean as is_change_since_year_before
    from catalogue
    left join focus_areas on catalogue.focus_area_code = focus_areas.focus_area_code
    left join units on catalogue.unit = units.unit
    left join interval_methods
        on coalesce(units.interval_method, 'none') = interval_methods.interval_method
    left join roles on catalogue.role = roles.role
    left join targets on catalogue.indicator_id = targets.indicator_id
)

select * from final
