{#-
    Provisional months. Each dbt source says in its meta how many of its latest months it
    still revises (revision_months, with the evidence beside it in the source's YAML). An
    indicator's window is the largest of the sources it is built from, found through dbt's
    own lineage (the graph), so a new dependency moves the window without anyone listing it.
-#}
{% macro revision_months_of(model_name) %}
    {%- if not execute -%}
        {{ return(0) }}
    {%- endif -%}
    {%- set found = [] -%}
    {%- set seen = [] -%}
    {%- do _collect_sources('model.' ~ project_name ~ '.' ~ model_name, found, seen) -%}
    {%- set months = [0] -%}
    {%- for source in found -%}
        {%- do months.append(source.source_meta.get('revision_months', 0)) -%}
    {%- endfor -%}
    {{ return(months | max) }}
{% endmacro %}

{% macro _collect_sources(node_id, found, seen) %}
    {%- if node_id in seen -%}
        {{ return(none) }}
    {%- endif -%}
    {%- do seen.append(node_id) -%}
    {%- if node_id.startswith('source.') -%}
        {%- do found.append(graph.sources[node_id]) -%}
    {%- elif node_id in graph.nodes -%}
        {%- for parent in graph.nodes[node_id].depends_on.nodes -%}
            {%- do _collect_sources(parent, found, seen) -%}
        {%- endfor -%}
    {%- endif -%}
{% endmacro %}
