{#-
    A view or a seed whose definition is the one the warehouse already holds is not built
    again (issue 16). A monthly refresh at 30 M person-weeks rebuilt all 25 staging views and
    20 seeds though none had changed: 6.8 s of its 38.0 s of node time (22.0 s elapsed on 2
    threads); left as they were, the build took 34.3 s of node time (20.2 s elapsed). Each is
    still a node of the build (its tests run; Dagster records it materialised, so the publish
    gate is as before); only the create and load are left out.

    The definition is fingerprinted: a view's compiled SQL (a DuckDB view is its SQL text:
    it binds its columns each time it is read, so a changed parent needs no new view), a
    seed's file checksum and config (column types, delimiter). The fingerprint is kept as the
    relation's comment, written by the build that created it. `--full-refresh` builds every
    view and seed as dbt does, as does a relation without the comment (made before this
    macro, or by hand).
-#}

{% materialization view, adapter='duckdb' %}
    {%- set fingerprint = relation_fingerprint(sql) -%}
    {%- if relation_is_current(this, 'view', fingerprint) -%}
        {{ return(unchanged_relation(this.incorporate(type='view'), fingerprint)) }}
    {%- endif -%}
    {%- set result = dbt.materialization_view_default() -%}
    {%- do remember_fingerprint(this.incorporate(type='view'), fingerprint) -%}
    {{ return(result) }}
{% endmaterialization %}

{% materialization seed, adapter='duckdb' %}
    {%- set fingerprint = relation_fingerprint(model.checksum.checksum ~ tojson(model.config)) -%}
    {%- if relation_is_current(this, 'table', fingerprint) -%}
        {#- dbt's seed runner reads a stored table of the seed's rows (shown by `dbt seed
            --show`): an unchanged seed's file is not read, so it gets no rows -#}
        {%- do store_result('agate_table', response='OK', agate_table=run_query('select 1 where false')) -%}
        {{ return(unchanged_relation(this.incorporate(type='table'), fingerprint)) }}
    {%- endif -%}
    {%- set result = dbt.materialization_seed_default() -%}
    {%- do remember_fingerprint(this.incorporate(type='table'), fingerprint) -%}
    {{ return(result) }}
{% endmaterialization %}

{% macro relation_fingerprint(definition) -%}
    {{ return('dbt definition ' ~ local_md5(definition) ~ ' (macros/unchanged_relations.sql)') }}
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

{% macro unchanged_relation(relation, fingerprint) -%}
    {%- call noop_statement('main', 'UNCHANGED', 'UNCHANGED') -%}
        -- {{ relation }} unchanged ({{ fingerprint }}): not built again
    {%- endcall -%}
    {{ return({'relations': [relation]}) }}
{%- endmacro %}

{% macro remember_fingerprint(relation, fingerprint) -%}
    {%- call statement('remember_fingerprint') -%}
        comment on {{ relation.type }} {{ relation }} is '{{ fingerprint }}'
    {%- endcall -%}
    {%- do adapter.commit() -%}
{%- endmacro %}
