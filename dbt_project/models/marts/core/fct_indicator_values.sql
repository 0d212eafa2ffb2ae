-- Every indicator's values in one long table, at the contract grain of DESIGN.md:
-- one row per indicator, period, area and breakdown value, each with its 95 % interval
-- by the method of its unit (seeds units and interval_methods; pipeline/stats.py), and
-- marked provisional in the months its sources still revise (macros/revisions.sql).
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
            unit,
            is_suppressed,
            {{ revision_months_of(model) }} as revision_months
        from {{ model }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

-- Suppression (macros/suppression.sql). First each cell alone: the model's small-cell flag,
-- or a share whose complement (persons not counted) is small.
cells as (
    select
        * exclude (is_suppressed),
        {{ is_share_of_persons() }} as is_share,
        is_suppressed or coalesce(
            {{ is_share_of_persons() }}
            and not {{ is_safe_hidden('numerator', 'denominator', 'true') }},
            false
        ) as is_hidden
    from unioned
),

totals as (
    select
        indicator_id,
        period,
        period_type,
        area_code,
        numerator as total_numerator,
        denominator as total_denominator
    from cells
    where breakdown = 'total'
),

-- breakdowns whose cells add up to their total, with what their hidden cells hold together
partitions as (
    select
        cells.indicator_id,
        cells.period,
        cells.period_type,
        cells.area_code,
        cells.breakdown,
        bool_and(cells.is_share) as is_share,
        sum(cells.numerator) filter (where cells.is_hidden) as hidden_numerator,
        sum(cells.denominator) filter (where cells.is_hidden) as hidden_denominator
    from cells
    inner join totals
        on {{ same_key('cells', 'totals', 'area') }}
    where cells.breakdown != 'total'
    group by all
    having
        bool_or(cells.is_hidden)
        and count(cells.numerator) = count(*)
        and count(cells.denominator) = count(*)
        and abs(sum(cells.numerator) - any_value(totals.total_numerator)) < 1e-9
        and abs(sum(cells.denominator) - any_value(totals.total_denominator)) < 1e-9
),

-- the shown cells of such a breakdown, smallest first, with what hiding them up to each adds
candidates as (
    select
        cells.indicator_id,
        cells.period,
        cells.period_type,
        cells.area_code,
        cells.breakdown,
        cells.breakdown_value,
        partitions.is_share,
        partitions.hidden_numerator,
        partitions.hidden_denominator,
        row_number() over by_size as rank_by_size,
        partitions.hidden_numerator + sum(cells.numerator) over by_size as then_numerator,
        partitions.hidden_denominator + sum(cells.denominator) over by_size as then_denominator
    from cells
    inner join partitions
        on {{ same_key('cells', 'partitions', 'breakdown') }}
    where not cells.is_hidden
    window by_size as (
        partition by
            cells.indicator_id, cells.period, cells.period_type, cells.area_code, cells.breakdown
        order by cells.denominator, cells.numerator, cells.breakdown_value
        rows between unbounded preceding and current row
    )
),

-- how many of them to hide: none if the hidden cells are safe already, else the fewest
how_many as (
    select
        indicator_id,
        period,
        period_type,
        area_code,
        breakdown,
        case
            when {{ is_safe_hidden(
                'any_value(hidden_numerator)', 'any_value(hidden_denominator)',
                'any_value(is_share)'
            ) }}
                then 0
            else coalesce(
                min(rank_by_size) filter (
                    where {{ is_safe_hidden('then_numerator', 'then_denominator', 'is_share') }}
                ),
                max(rank_by_size)
            )
        end as n_to_hide
    from candidates
    group by all
),

secondary as (
    select
        candidates.indicator_id,
        candidates.period,
        candidates.period_type,
        candidates.area_code,
        candidates.breakdown,
        candidates.breakdown_value
    from candidates
    inner join how_many
        on {{ same_key('candidates', 'how_many', 'breakdown') }}
    where candidates.rank_by_size <= how_many.n_to_hide
),

suppressed as (
    select
        cells.* exclude (cells.is_hidden, cells.is_share),
        cells.is_hidden or secondary.breakdown_value is not null as is_suppressed
    from cells
    left join secondary
        on {{ same_key('cells', 'secondary', 'cell') }}
),

units as (
    select * from {{ ref('units') }}
),

with_intervals as (
    select
        suppressed.*,
        units.interval_method,
        {{ interval_bounds('units.interval_method', 'units.scale') }}
    from suppressed
    left join units on suppressed.unit = units.unit
),

-- The latest months its sources still revise (macro revision_months_of) are provisional:
-- counted from the indicator's newest period of that period type.
with_revisions as (
    select
        *,
        period > max(period) over (partition by indicator_id, period_type)
        - to_months(revision_months) as is_provisional
    from with_intervals
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
        unit::varchar as unit,
        is_suppressed::boolean as is_suppressed,
        is_provisional::boolean as is_provisional
    from with_revisions
)

select * from final
