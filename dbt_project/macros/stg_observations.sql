{#-
    Staging for a benchmark source in the long layout (Jobindsats, StatBank): current
    deliveries only, area labels decoded to DST codes, period labels to dates. Both sources
    share the raw layout, so they share this one definition.
-#}
{% macro stg_observations(source_name) %}
with

source as (
    {{ current_rows(source(source_name, 'observations')) }}
),

areas as (
    select * from {{ ref('stg_reference__areas') }}
),

final as (
    select
        source.table_id,
        areas.area_code,
        source.area_label,
        {{ period_start('source.period_label') }} as period_date,
        {{ period_type('source.period_label') }} as period_type,
        source.period_label,
        source.dimensions,
        source.measure,
        source.value,
        source.value_raw,
        source.value is null as is_missing,
        source._batch_id,
        source._source_file
    from source
    left join areas on source.area_label = areas.area_name
)

select * from final
{% endmacro %}
