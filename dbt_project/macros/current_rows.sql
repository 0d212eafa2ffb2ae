{#-
    Rows of a raw table that belong to the current delivery of each period, each with its
    batch's delivery key and file from the load log (a raw row keeps only its batch and line:
    pipeline/ingest/loadlog.py's LINEAGE).

    Raw tables are append-only: a corrected re-delivery of a period is loaded beside the old
    one and the load log marks the old batch as superseded. Staging reads only current batches.
-#}
{% macro current_rows(raw_relation) -%}
    select
        raw_rows.*,
        current_batches.delivery_key as _delivery_key,
        current_batches.source_file as _source_file
    from {{ raw_relation }} as raw_rows
    inner join (
        select
            load_log.batch_id,
            load_log.delivery_key,
            load_log.source_file
        from {{ source('ingest', 'load_log') }} as load_log
        where load_log.is_current
    ) as current_batches on raw_rows._batch_id = current_batches.batch_id
{%- endmacro %}

{#-
    The rows of a register's newest extract, for a register whose extract holds its whole
    (dated) history and so replaces the earlier ones, as the persons register's does.
-#}
{% macro newest_extract_rows(raw_relation) -%}
    with current_batches as (
        {{ current_rows(raw_relation) }}
    ),

    newest_delivery as (
        select max(_delivery_key) as delivery_key from current_batches
    )

    select current_batches.*
    from current_batches
    inner join newest_delivery on current_batches._delivery_key = newest_delivery.delivery_key
{%- endmacro %}
