{#-
    A dbt command that writes relations, however it was started, is recorded in
    raw._dbt_attempt (the table of pipeline/state.py, which its record_attempt creates alike):
    from its start (on-run-start) the marts are not a passing build's, and `bkwh publish`
    refuses them (pipeline/publish.py) until a build passes. The refresh brackets its own
    dbt build so too (record_attempt, finish_attempt: before dbt starts, after it passed).

    Only a build of every model, seed and data test, with the project's own vars and no node
    failed, errored or skipped, marks the marts passed (on-run-end). A `dbt run` by hand
    tested nothing; a build of a selection leaves the models outside it as the last command
    left them, which may have been a build that failed; one that leaves out a data test did
    not test what it built (helper-115: `--exclude` of the failing test was published); vars
    given on the command line compute other figures than the project's (helper-115: a
    small_cell_threshold of 3 published 289 cells of 3-4 persons); `--empty` builds no rows.
    Before, a `dbt build` run by hand recorded nothing: its failed tests were not seen, and
    `bkwh publish` after it published the models it had replaced before their tests failed.
    The refresh, which leaves out unit tests and the data tests of unchanged inputs on
    purpose, marks its own builds (orchestration/defs/transform/assets.py).
-#}

{% macro start_build_attempt() %}
    {%- if execute and flags.WHICH in ('build', 'run', 'seed', 'snapshot', 'clone') -%}
        {%- do run_query(
            "create schema if not exists raw;
            create table if not exists raw._dbt_attempt
                (started_at timestamp not null, passed boolean not null);
            delete from raw._dbt_attempt;
            insert into raw._dbt_attempt values (now()::timestamp, false)"
        ) -%}
    {%- endif -%}
{% endmacro %}

{% macro finish_build_attempt(results) %}
    {%- set cli_vars = invocation_args_dict.get('vars') -%}
    {%- if execute and flags.WHICH == 'build' and not flags.EMPTY and not cli_vars -%}
        {%- set passed = ['success', 'pass', 'warn', 'no-op'] -%}
        {%- set failed = results | rejectattr('status', 'in', passed) | list -%}
        {%- set project = graph.nodes.values()
            | selectattr('resource_type', 'in', ['model', 'seed', 'test'])
            | selectattr('config.enabled')
            | map(attribute='unique_id') | list -%}
        {%- set left_out = project | reject('in', selected_resources) | list -%}
        {%- if not failed and not left_out -%}
            {%- do run_query("update raw._dbt_attempt set passed = true") -%}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}
