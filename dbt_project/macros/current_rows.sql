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
