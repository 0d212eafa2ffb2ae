-- Every indicator's cells in one long table, before secondary suppression
-- (int_indicator_suppression): the contract key, counts and value of each, is_hidden by the
-- primary rule of its model (macro is_small_cell), the persons behind an events model's
-- counts (not published) and its period's design effect (macro events_columns), whether it
-- is a share of persons (its complement is a count of persons too), whether it compares
-- cells (seed units:
-- compares_cells), whether it is a change since a year before (compares_year_before:
-- its denominator is the count of a year earlier), the interval a model computed itself
-- (a comparison of two groups: macro comparison_bounds), how many recent months its
-- sources still revise, and the model it came from (held to the catalogue's model_name by
-- the test assert_each_model_publishes_its_catalogue_indicator).
{%- set indicator_models = [
    'ind_0_1__ledighedsprocent_alder',
    'ind_0_2__udvikling_forsoergelse',
    'ind_1_1__selvforsoergelse_eller_virksomhedsrettet',
    'ind_1_2__placeringer_til_tiden',
    'ind_1_3__booket_samtale',
    'ind_1_4__tilbud_inden_13_uger',
    'ind_1_5__mindst_4_samtaler',
    'ind_1_6__virksomhedssamarbejde',
    'ind_2_1__placering_region_hovedstaden',
    'ind_2_2__dagpenge_efter_13_uger',
    'ind_2_3__langtidsledige',
    'ind_2_4__forsikrede_virksomhedsrettet',
    'ind_2_5__sygemeldte',
    'ind_2_6__delvis_raskmeldte',
    'ind_3_1__aktivitetsparate_virksomhedsrettet',
    'ind_3_2__fleksjobledighed',
    'ind_3_3__tilkendelser_foertidspension',
    'ind_4_1__erhvervskompetencegivende_uddannelse',
    'ind_4_2__unge_paa_uddannelseshjaelp',
    'ind_4_3__eud_soegning',
    'ind_4_4__uddannelseshjaelp_virksomhedsrettet',
    'ind_5_0__ledighed_herkomst',
    'ind_5_1__forsoergede_herkomst_maalgruppe',
    'ind_5_2__forsoergede_herkomst_maalgruppe_koen',
    'ind_5_3__fortsat_ydelse_herkomst',
    'ind_5_4__virksomhedsrettet_herkomst',
    'ind_5_6__sanktioner_herkomst',
] %}
{#- 5.5-gl is retired; its model is built only when its data returns (var enable_5_5_gl). -#}
{%- if var('enable_5_5_gl') %}
    {%- do indicator_models.append('ind_5_5_gl__sagsvarighed_herkomst') %}
{%- endif %}

with

{% for model in indicator_models %}
    {{ model }} as (
        select * from {{ ref(model) }}
    ),
{% endfor %}

unioned as (
    {% for model in indicator_models %}
        {%- set columns = model_columns(model) %}
        select
            indicator_id,
            '{{ model }}' as model_name,
            period,
            period_type,
            area_code,
            breakdown,
            breakdown_value,
            numerator,
            denominator,
            value,
            unit,
            is_suppressed as is_hidden,
            {{ given_interval(columns) }},
            {{ events_columns(model, columns) }},
            case
                when area_code = {{ var('home_municipality') }}
                    then {{ revision_months_of(model, 'home') }}
                    -- a month that reads the months after it (1.1): revised while they are
                    + case when period_type = 'month' then {{ months_ahead_of(model) }} else 0 end
                else {{ revision_months_of(model, 'other') }}
            end as revision_months
        from {{ model }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

units as (
    select * from {{ ref('units') }}
),

final as (
    select
        unioned.*,
        coalesce({{ is_share_of_persons('unioned.unit') }}, false) as is_share,
        units.compares_cells as is_comparison,
        units.compares_year_before as is_change
    from unioned
    left join units on unioned.unit = units.unit
)

select * from final
