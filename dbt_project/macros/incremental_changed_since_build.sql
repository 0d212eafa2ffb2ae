{#-
    Incremental strategy `replace_changed_weeks`, for islands of benefit-register weeks
    (int_benefit_payment_periods): delete the target's rows that end in or after the week
    before the first changed week (macro benefit_register_changed_from, evaluated
    when the model runs), then insert the model's rows, which rebuild them and what follows.

    dbt-duckdb's delete+insert deletes by a unique key only, so a period whose replacement
    no longer exists (a re-delivery that dropped a week) would stay.
-#}
{% macro get_incremental_replace_changed_weeks_sql(arg_dict) -%}
    {%- set target = arg_dict["target_relation"] -%}
    {%- set changed -%}
        end_week_number >= (
            select changed.from_week - 1
            from ({{ benefit_register_changed_from(target) }}) as changed
        )
    {%- endset -%}
    {{ replace_where(arg_dict, changed) }}
{%- endmacro %}

{#- Delete the target's rows `condition` holds for; insert the model's rows in their place. -#}
{% macro replace_where(arg_dict, condition) -%}
    {%- set target = arg_dict["target_relation"] -%}
    {%- set columns = get_quoted_csv(arg_dict["dest_columns"] | map(attribute="name")) -%}
    delete from {{ target }}
    where {{ condition }};

    insert into {{ target }} ({{ columns }})
    select {{ columns }} from {{ arg_dict["temp_relation"] }}
{%- endmacro %}

{#-
    The batches of `raw_table` whose rows a build of `relation` has not seen: those loaded
    after the newest loaded_through in `relation`, and the batches they superseded (a
    re-delivery may drop rows the earlier one had). Every batch when `relation` is empty.
    Ingest keeps loaded_at growing (pipeline/ingest/run.py), so a batch loaded after a build
    has a later loaded_at than any the build saw.
-#}
{#-
    The watermark an incremental model stores in its column loaded_through: the newest load
    of the raw tables it reads, as the build saw them. batches_loaded_since reads it back.
-#}
{% macro loaded_through(raw_tables) -%}
    select max(loaded_at) as loaded_through
    from {{ source('ingest', 'load_log') }}
    where
        raw_table in ('{{ raw_tables | join("', '") }}')
        and status = 'loaded'
{%- endmacro %}

{% macro batches_loaded_since(relation, raw_table) -%}
    with built as (
        select coalesce(max(loaded_through), '-infinity'::timestamp) as loaded_through
        from {{ relation }}
    ),

    new_batches as (
        select load_log.batch_id
        from {{ source('ingest', 'load_log') }} as load_log
        inner join built on load_log.loaded_at > built.loaded_through
        where load_log.raw_table = '{{ raw_table }}'
    )

    select load_log.batch_id
    from {{ source('ingest', 'load_log') }} as load_log
    where
        load_log.status = 'loaded'
        and (
            load_log.batch_id in (select batch_id from new_batches)
            or load_log.superseded_by in (select batch_id from new_batches)
        )
{%- endmacro %}

{#-
    The first week a benefit register delivery loaded since `relation` was built touches
    (the weeks of batches_loaded_since), as one row: from_year_week (DREAM's yyyyww) and
    from_week (its week_number). NULL when nothing was loaded since; the register's first
    week when `relation` is empty.
-#}
{% macro benefit_register_changed_from(relation) -%}
    with first_week as (
        select min(raw_weeks.aar_uge) as from_year_week
        from {{ source('benefit_register', 'person_weeks') }} as raw_weeks
        where raw_weeks._batch_id in (
            {{ batches_loaded_since(relation, 'benefit_register_person_weeks') }}
        )
    )

    select
        from_year_week,
        {{ week_number(iso_week_start('from_year_week')) }} as from_week
    from first_week
{%- endmacro %}


{#-
    Incremental strategy `replace_changed_months`, for int_person_months: delete the target's
    months from the first one a load since its last build can change (macro
    person_months_changed_from), then insert the model's rows, which rebuild them.
-#}
{% macro get_incremental_replace_changed_months_sql(arg_dict) -%}
    {%- set target = arg_dict["target_relation"] -%}
    {%- set changed -%}
        month_date >= (
            select changed.from_month
            from ({{ person_months_changed_from(target) }}) as changed
        )
    {%- endset -%}
    {{ replace_where(arg_dict, changed) }}
{%- endmacro %}

{#-
    The first month whose person-months a load since `relation` was built can change, as one
    row (from_month): the month of the week before the first of the weeks a benefit-register
    delivery touches (benefit_register_changed_from) and the weeks from which a visitation of
    a case-system delivery, or of one it replaced, is valid (a week's target group is the
    visitation valid on its Thursday). NULL when nothing was loaded since.
-#}
{% macro person_months_changed_from(relation) -%}
    with benefit as (
        {{ benefit_register_changed_from(relation) }}
    ),

    visitations as (
        select min({{ first_week_from('raw_visitations.valid_from') }}) as from_week
        from {{ source('case_system', 'visitations') }} as raw_visitations
        where raw_visitations._batch_id in (
            {{ batches_loaded_since(relation, 'case_system_visitations') }}
        )
    )

    select
        {{ week_month(week_start_from_number(
            'least(benefit.from_week, visitations.from_week) - 1'
        )) }} as from_month
    from benefit
    cross join visitations
{%- endmacro %}
