{#-
    Provisional months. Each dbt source says in its meta how many of its latest months it
    still revises (revision_months, with the evidence beside it in the source's YAML), and
    whose rows it gives (areas: 'home' for the municipality's own registers and case system,
    'all' for the tables published for every area, Jobindsats and StatBank). An indicator's
    window is the largest of the sources it is built from, found through dbt's own lineage
    (the graph), so a new dependency moves the window without anyone listing it; apart for
    the home municipality's rows and for the other areas' (`areas`):
    - 'home': the home municipality's rows come from the model's own sources where it has
      any (every model that has both takes the home municipality from its own and the other
      areas from the published tables: 4.2's Ballerup from the register, not FOLK1A's six
      months), else from the published tables (0.1, 2.1);
    - 'other': the other areas' rows come from the published tables;
    - none: every source (the largest window).
-#}
{% macro revision_months_of(model_name, areas=none) %}
    {%- if not execute -%}
        {{ return(0) }}
    {%- endif -%}
    {%- set found = [] -%}
    {%- set seen = [] -%}
    {%- do _collect_sources('model.' ~ project_name ~ '.' ~ model_name, found, seen) -%}
    {%- set own = found | selectattr('source_meta.areas', 'equalto', 'home') | list -%}
    {%- set published = found | selectattr('source_meta.areas', 'equalto', 'all') | list -%}
    {%- if areas == 'home' and own -%}
        {%- set counted = own -%}
    {%- elif areas == 'other' -%}
        {%- set counted = published -%}
    {%- else -%}
        {%- set counted = found -%}
    {%- endif -%}
    {%- set months = [0] -%}
    {%- for source in counted -%}
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

{#-
    How many months after its period a model's monthly row still reads (its
    meta.rebuild.months_ahead, which macro rebuilt_months rebuilds by): 1.1's exits of a
    month's last week are known from the week after it, in the next month's delivery. Such a
    month is provisional as long as that month is (int_indicator_cells adds it to the
    window): 1.1's October went from 17,5 % to 21,0 % when November came, while only
    November was marked provisional (helper-78, December 2026). A year's row (5.6, whose
    months_ahead are its own eleven months) has the year rule of fct_indicator_values.
-#}
{% macro months_ahead_of(model_name) %}
    {%- if not execute -%}
        {{ return(0) }}
    {%- endif -%}
    {%- set node = graph.nodes.get('model.' ~ project_name ~ '.' ~ model_name) -%}
    {%- set meta = (node.config.meta if node else none) or {} -%}
    {{ return((meta.get('rebuild') or {}).get('months_ahead', 0)) }}
{% endmacro %}
