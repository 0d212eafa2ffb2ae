-- The catalogue is the list of indicators: its active and new indicators are exactly the ones
-- whose models int_indicator_cells unions (and so publishes). dbt needs that model's refs
-- written out when it parses; this test holds the written list to the catalogue, from the
-- model's own dependencies in dbt's graph: a catalogue row whose model is not in the list,
-- a model in the list that the catalogue does not have as active or new, or a row that
-- names no model, fails here. (fct_indicator_status has a row for every catalogue row by
-- construction: it selects from the catalogue.)
-- depends_on: {{ ref('int_indicator_cells') }}
{%- set wired = [] %}
{%- if execute %}
    {%- for node in graph.nodes.values() if node.name == 'int_indicator_cells' %}
        {%- for dependency in node.depends_on.nodes if dependency.startswith('model.') %}
            {%- do wired.append(dependency.split('.')[-1]) %}
        {%- endfor %}
    {%- endfor %}
{%- endif %}

with

catalogue as (
    select
        indicator_id,
        model_name
    from {{ ref('indicator_catalogue') }}
    where status in ('active', 'new')
),

wired as (
    select null::varchar as model_name
    where false
    {%- for model in wired %}
        union all
        select '{{ model }}' as model_name
    {%- endfor %}
)

select
    catalogue.indicator_id,
    coalesce(catalogue.model_name, wired.model_name) as model_name,
    case
        when catalogue.model_name is null and catalogue.indicator_id is not null
            then 'the catalogue names no model for it'
        when wired.model_name is null then 'its model is not in int_indicator_cells'
        else
            'int_indicator_cells unions a model the catalogue has not as active or new'
            || ' (a retired indicator switched on by its dbt variable needs its catalogue row'
            || ' active, with its model_name)'
    end as problem
from catalogue
full outer join wired on catalogue.model_name = wired.model_name
where catalogue.model_name is null or wired.model_name is null
