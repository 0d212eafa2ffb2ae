{#-
    Rows of a raw table that belong to the current delivery of each period.

    Raw tables are append-only: a corrected re-delivery of a period is loaded beside the old
    one and the load log marks the old batch as superseded. Staging reads only current batches.
-#}
{% macro current_rows(raw_relation) -%}
    select raw_rows.*
    from {{ raw_relation }} as raw_rows
    where raw_rows._batch_id in (
        select load_log.batch_id
        from {{ source('ingest', 'load_log') }} as load_log
        where load_log.is_current
    )
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
