{#-
    Staging for a benchmark source in the long layout (Jobindsats, StatBank): current
    deliveries only, area labels decoded to DST codes (by name, or where a StatBank table is
    asked for codes, by the code itself: '000', '084', '151'), period labels to dates. Both sources
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
        coalesce(areas.area_code, area_codes.area_code) as area_code,
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
    left join areas as area_codes
        on
            regexp_full_match(source.area_label, '[0-9]{3}')
            and try_cast(source.area_label as integer) = area_codes.area_code
)

select * from final
{% endmacro %}
