-- Every indicator's values in one long table, at the contract grain of DESIGN.md:
-- one row per indicator, period, area and breakdown value.
{%- set indicator_models = [
    'ind_0_1__ledighedsprocent_alder',
    'ind_0_2__udvikling_forsoergelse',
    'ind_1_2__placeringer_til_tiden',
    'ind_1_3__booket_samtale',
    'ind_1_4__tilbud_inden_13_uger',
    'ind_1_5__mindst_4_samtaler',
    'ind_1_6__virksomhedssamarbejde',
    'ind_2_1__placering_region_hovedstaden',
    'ind_2_2__dagpenge_efter_13_uger',
    'ind_3_2__fleksjobledighed',
    'ind_4_4__uddannelseshjaelp_virksomhedsrettet',
] %}

with

{% for model in indicator_models %}
    {{ model }} as (
        select * from {{ ref(model) }}
    ),
{% endfor %}

unioned as (
    {% for model in indicator_models %}
        select
            indicator_id,
            period,
            period_type,
            area_code,
            breakdown,
            breakdown_value,
            numerator,
            denominator,
            value,
            unit
        from {{ model }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
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
        unit::varchar as unit,
        coalesce(
            numerator between 1 and {{ var('small_cell_threshold') }} - 1
            or denominator between 1 and {{ var('small_cell_threshold') }} - 1,
            false
        ) as is_suppressed
    from unioned
)

select * from final
