-- One row per person, month and target group the person belonged to in the month (from the
-- target-group periods, so on spells rather than on the ~30 million person-weeks): the weeks
-- in it and the last of them. Fuldtidspersoner are n_weeks / n_weeks_in_month.
--
-- Incremental (issue 16): a refresh recomputes only the months from the first one that a
-- load since the last build can change (macro person_months_changed_from: the first week a
-- benefit-register delivery touches, and the first week a visitation of a case-system
-- delivery, or of the delivery it replaces, is valid from; one week earlier, to be safe). A
-- month before it sums the same weeks of the same target groups as before. The months from
-- it are deleted (strategy replace_changed_months) and rebuilt. A change of the mapping seed
-- is a change of the dbt project, after which the refresh builds it whole (pipeline/state.py).
{{
    config(
        materialized='incremental',
        incremental_strategy='replace_changed_months',
        on_schema_change='fail',
    )
}}
-- depends_on: {{ source('benefit_register', 'person_weeks') }}
-- depends_on: {{ source('case_system', 'visitations') }}

with

periods as (
    select * from {{ ref('int_target_group_periods') }}
),

calendar as (
    select * from {{ ref('int_calendar_months') }}
    {% if is_incremental() %}
        where month_date >= (
            select changed.from_month
            from ({{ person_months_changed_from(this) }}) as changed
        )
    {% endif %}
),

loaded as (
    {{ loaded_through(['benefit_register_person_weeks', 'case_system_visitations']) }}
),

final as (
    select
        periods.person_key,
        calendar.month_date,
        periods.ydelse_group,
        periods.visitation_category,
        periods.maalgruppe_code,
        periods.maalgruppe_name,
        periods.is_ledig,
        periods.is_active_course,
        periods.is_job_ready,
        periods.ledige_maalgruppe_code,
        calendar.n_weeks_in_month,
        sum(
            least(periods.end_week_number, calendar.last_week_number)
            - greatest(periods.start_week_number, calendar.first_week_number)
            + 1
        ) as n_weeks,
        max(least(periods.end_week_number, calendar.last_week_number)) as last_week_number,
        any_value(loaded.loaded_through) as loaded_through
    from periods
    inner join calendar
        on
            periods.end_week_number >= calendar.first_week_number
            and periods.start_week_number <= calendar.last_week_number
    cross join loaded
    group by all
)

select * from final
