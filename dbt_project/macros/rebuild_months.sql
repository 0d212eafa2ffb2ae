{#-
    Month-incremental models (issue 16): a model whose rows are months (column `month_column`
    of its config meta `rebuild`) rebuilds, in a refresh, only the months a load since its
    last build can change; the months before keep their rows. A model without a month column
    is rebuilt whole when anything it reads has a new load, and kept as it is otherwise.

        config(
            materialized='incremental',
            incremental_strategy='replace_rebuilt_months',
            on_schema_change='fail',
            meta={'rebuild': {'month_column': 'period', 'months_ahead': 0}},
        )

    Which months: a delivery whose suite holds every row within the period the file is named
    for (benefit register, case system) changes nothing before that period: ingest records its
    first day in raw._load_log.rows_from. The model rebuilds from the earliest rows_from among
    the deliveries of the raw tables it reads (directly or through other models: dbt's
    graph) loaded after its watermark (column loaded_through), one month earlier (a week
    belongs to the month of its Thursday, and a payment period or spell that reaches a
    changed week may begin in the month before), and `months_ahead` months earlier still: a
    month's figure that follows people up for up to that many months after it (none, for a
    figure of the month itself; 11 for a calendar year's row, keyed by its first month, so
    that a load from any month of a year rebuilds the year whole). A delivery of a raw table
    without such a period (the registers, the benchmark tables) rebuilds every month; nothing
    new, none. A change of the
    dbt project builds the model whole (--full-refresh: orchestration/defs/transform).

    In the model: `where {{ rebuilt_months('month_date') }}` on its last select, and on an
    input whose month is the output's (the pushdown is the speed; the last filter the rule).
    Every such model is compared with a full rebuild after corrected old and new deliveries
    (tests/test_pipeline.py).
-#}

{#- The raw tables (source identifiers) the model `unique_id` reads, directly or through
    the models and snapshots it reads. -#}
{% macro upstream_raw_tables(unique_id, found=none, seen=none) -%}
    {%- set found = [] if found is none else found -%}
    {%- set seen = [] if seen is none else seen -%}
    {%- set node = graph.nodes.get(unique_id) -%}
    {%- for parent in (node.depends_on.nodes if node else []) if parent not in seen -%}
        {%- do seen.append(parent) -%}
        {%- if parent.startswith('source.') -%}
            {%- do found.append(graph.sources[parent].identifier) -%}
        {%- else -%}
            {%- do upstream_raw_tables(parent, found, seen) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(found) }}
{%- endmacro %}

{#- The first month the current model rebuilds, as a date literal; 'all' or 'none'. Asked
    of the warehouse when the model runs (the same answer for its select and for the
    strategy's delete, which runs before anything is inserted). -#}
{% macro months_to_rebuild() -%}
    {%- if not execute -%}{{ return('all') }}{%- endif -%}
    {%- set rebuild = (config.get('meta') or {}).get('rebuild', {}) -%}
    {%- set raw_tables = upstream_raw_tables(model.unique_id) -%}
    {%- set query -%}
        with built as (
            select max(loaded_through) as loaded_through from {{ this }}
        ),

        new_batches as (
            select load_log.rows_from
            from {{ source('ingest', 'load_log') }} as load_log
            cross join built
            where
                load_log.status = 'loaded'
                and load_log.raw_table in ('{{ raw_tables | join("', '") }}')
                and (
                    built.loaded_through is null
                    or load_log.loaded_at > built.loaded_through
                )
        )

        select
            case
                when count(*) = 0 then 'none'
                when count(*) filter (where rows_from is null) > 0 then 'all'
                else strftime(
                    min(rows_from) - to_months({{ 1 + rebuild.get('months_ahead', 0) }}),
                    '%Y-%m-01'
                )
            end
        from new_batches
    {%- endset -%}
    {{ return(run_query(query).columns[0].values()[0]) }}
{%- endmacro %}

{#- A condition on `column` (a month's first day): the months the model rebuilds; true
    when it is built whole. Without a column (a model whose rows are not months): true when
    anything it reads has a new load, false when nothing has (it keeps its rows). A row
    that covers months after its own (a calendar year's, by its first day) says so with
    months_ahead, so that the months it reads are rebuilt months too. -#}
{% macro rebuilt_months(column=none) -%}
    {%- if not is_incremental() -%}
        true
    {%- else -%}
        {%- set from_month = months_to_rebuild() -%}
        {%- if from_month == 'none' -%}
            false
        {%- elif from_month == 'all' or column is none -%}
            true
        {%- else -%}
            {{ column }} >= date '{{ from_month }}'
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- The watermark each row of such a model carries (column loaded_through): the newest load
    when it was built. Ingest keeps loaded_at growing (pipeline/ingest/run.py), so the loads
    after it are the ones its build has not seen. -#}
{% macro newest_load() -%}
    (
        select max(loaded_at)
        from {{ source('ingest', 'load_log') }}
        where status = 'loaded'
    )
{%- endmacro %}

{#- Incremental strategy replace_rebuilt_months: delete the target's months the model
    rebuilds (macro rebuilt_months), insert the model's rows in their place. -#}
{% macro get_incremental_replace_rebuilt_months_sql(arg_dict) -%}
    {%- set rebuild = (config.get('meta') or {}).get('rebuild', {}) -%}
    {{ replace_where(arg_dict, rebuilt_months(rebuild.get('month_column'))) }}
{%- endmacro %}
