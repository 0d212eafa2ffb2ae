{#-
    Periods of one key do not overlap: each starts after the one before it ends. `end` is
    inclusive and null while the period holds (so only the last period may be open).
-#}
{% test no_overlapping_periods(model, key, start, end) %}
with ordered as (
    select
        {{ key }} as period_key,
        {{ start }} as period_start,
        lag({{ end }}) over (partition by {{ key }} order by {{ start }}) as previous_end,
        lag({{ start }}) over (partition by {{ key }} order by {{ start }}) as previous_start
    from {{ model }}
)

select *
from ordered
where previous_start is not null and (previous_end is null or previous_end >= period_start)
{% endtest %}
