{#-
    A view or a seed whose definition is the one the warehouse already holds is not built
    again (issue 16). A monthly refresh at 30 M person-weeks rebuilt all 25 staging views and
    20 seeds though none had changed: 6.8 s of its 38.0 s of node time. The 45 nodes alone,
    built again against left as they are (`dbt build --select` of them, two runs each, one
    sitting): 4.8-5.4 s against 3.1-3.5 s elapsed, 7.9-8.6 s against 3.8-4.6 s of node time
    (a view's `describe` below included). Each is
    still a node of the build (its tests run; Dagster records it materialised, so the publish
    gate is as before); only the create and load are left out.

    The definition is fingerprinted, with the node's config and dbt's version (an upgrade
    may create a relation differently; dbt-duckdb is pinned with it in uv.lock):
    - a view: its compiled SQL and the columns it binds to now (`describe`). A DuckDB view
      binds its SQL each time it is read, but its catalog entry (information_schema.columns,
      duckdb_columns(), which `dbt docs generate` and the privacy test read) keeps the columns
      of its creation: a parent that gained a column or changed a type gives the view a new
      fingerprint, and the view is created again (helper-51);
    - a seed: its file's sha256 and its config (column types, delimiter). dbt gives a seed of
      over 1 MiB its path as checksum, not its contents: such a seed is always loaded.
    The fingerprint is kept as the relation's comment, written by the build that created it.
    `--full-refresh` builds every view and seed as dbt does, as does a relation without the
    comment (made before this macro, or by hand), and a node that persists its docs (the
    comment would be its description).
-#}

{% materialization view, adapter='duckdb' %}
    {%- set columns = [] -%}
    {%- if execute -%}
        {%- for column in run_query('describe (' ~ sql ~ '\n)').rows -%}
            {%- do columns.append(column[0] ~ ' ' ~ column[1]) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(build_unless_current(
        'view', relation_fingerprint(sql ~ '\n' ~ columns | join(', ')), dbt.materialization_view_default
    )) }}
{% endmaterialization %}

{% materialization seed, adapter='duckdb' %}
    {#- a seed of over 1 MiB has its path as checksum: never taken as unchanged -#}
    {%- set by_contents = model.checksum.name == 'sha256' -%}
    {{ return(build_unless_current(
        'table',
        relation_fingerprint(model.checksum.checksum) if by_contents else none,
        dbt.materialization_seed_default
    )) }}
{% endmaterialization %}

{#- Return `build()`'s relations, having left the relation as it is when it carries
    `fingerprint` (none: always built), or built it and kept the fingerprint. -#}
{% macro build_unless_current(kind, fingerprint, build) -%}
    {%- set relation = this.incorporate(type=kind) -%}
    {%- set persists_docs = (config.get('persist_docs') or {}).get('relation', false) -%}
    {%- if fingerprint is none or persists_docs -%}
        {{ return(build()) }}
    {%- endif -%}
    {%- if relation_is_current(relation, kind, fingerprint) -%}
        {%- if model.resource_type == 'seed' -%}
            {#- dbt's seed runner reads a stored table of the seed's rows (shown by `dbt
                seed --show`): an unchanged seed's file is not read, so it gets no rows -#}
            {%- do store_result('agate_table', response='OK', agate_table=run_query('select 1 where false')) -%}
        {%- endif -%}
        {%- call noop_statement('main', 'UNCHANGED', 'UNCHANGED') -%}
            -- {{ relation }} unchanged ({{ fingerprint }}): not built again
        {%- endcall -%}
        {{ return({'relations': [relation]}) }}
    {%- endif -%}
    {%- set result = build() -%}
    {%- call statement('remember_fingerprint') -%}
        comment on {{ kind }} {{ relation }} is '{{ fingerprint }}'
    {%- endcall -%}
    {%- do adapter.commit() -%}
    {{ return(result) }}
{%- endmacro %}

{#- The definition with the node's config and dbt's version. -#}
{% macro relation_fingerprint(definition) -%}
    {%- set whole = definition ~ '\n' ~ tojson(model.config) ~ '\n' ~ dbt_version -%}
    {{ return('dbt definition ' ~ local_md5(whole) ~ ' (macros/unchanged_relations.sql)') }}
{%- endmacro %}

{#- The relation exists as a `kind` ('view' or 'table') and carries `fingerprint`; never on
    --full-refresh. The flag, not the node's config: the seeds' `full_refresh: true` (a
    changed seed is created anew, never truncated into its old columns) holds for a seed
    that is built, and a changed seed has another fingerprint. -#}
{% macro relation_is_current(relation, kind, fingerprint) -%}
    {%- if flags.FULL_REFRESH or not execute -%}{{ return(false) }}{%- endif -%}
    {%- set catalog = 'duckdb_views()' if kind == 'view' else 'duckdb_tables()' -%}
    {%- set name = 'view_name' if kind == 'view' else 'table_name' -%}
    {%- set found = run_query(
        "select comment from " ~ catalog
        ~ " where database_name = '" ~ relation.database ~ "'"
        ~ " and schema_name = '" ~ relation.schema ~ "'"
        ~ " and " ~ name ~ " = '" ~ relation.identifier ~ "'"
    ) -%}
    {{ return(found.rows | length == 1 and found.rows[0][0] == fingerprint) }}
{%- endmacro %}
