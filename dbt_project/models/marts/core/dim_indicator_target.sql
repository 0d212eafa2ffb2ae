-- Every target an indicator has had, dated (seed indicator_targets): a target the strategy
-- or a law changes (4.3's national goal from 2021, 1.5's L 66 requirement from July 2026) is a
-- new row, so that a status is judged against the target of its own period and a chart draws
-- each target over the periods it held for. dim_indicator carries the one in force today.
with

targets as (
    select * from {{ ref('indicator_targets') }}
),

final as (
    select
        indicator_id::varchar as indicator_id,
        valid_from::date as valid_from,
        valid_to::date as valid_to,
        target_operator::varchar as target_operator,
        target_value::double as target_value,
        target_tolerance::double as target_tolerance,
        target_text::varchar as target_text,
        source::varchar as target_source
    from targets
)

select * from final
