{#-
    The target group (målgruppe) of each row of `relation` on the date in `date_column`:
    the row's benefit group and the visitation category valid that day, through the dated
    mapping seed, so every period gets the target groups of its own time (the kontanthjælp
    reform of 1 July 2025).
    Mapping rows without a category (dagpenge, sygedagpenge, ...) match whatever visitation
    the person has; rows with one need that category. Rows with no matching target group are
    left out. `key_columns` identify a row of `relation` (one output row each).
-#}
{% macro with_maalgruppe(relation, date_column, key_columns) %}
    select
        rel.*,
        mapping.maalgruppe_code,
        mapping.maalgruppe_name,
        mapping.is_ledig,
        mapping.is_active_course,
        mapping.is_job_ready,
        mapping.ledige_maalgruppe_code,
        mapping.ledige_maalgruppe_name
    from {{ relation }} as rel
    left join {{ ref('stg_case_system__visitations') }} as visitations
        on
            rel.person_key = visitations.person_key
            and rel.{{ date_column }} >= visitations.valid_from_date
            and rel.{{ date_column }}
            <= coalesce(visitations.valid_to_date, date '9999-12-31')
    inner join {{ ref('maalgruppe_mapping') }} as mapping
        on
            rel.ydelse_group = mapping.ydelse_group
            and rel.{{ date_column }} between mapping.valid_from and mapping.valid_to
            and (
                mapping.visitation_category is null
                or mapping.visitation_category = visitations.visitation_category
            )
    qualify row_number() over (
        partition by {% for c in key_columns %}rel.{{ c }}{% if not loop.last %}, {% endif %}{% endfor %}
        order by mapping.visitation_category nulls last, visitations.valid_from_date desc
    ) = 1
{% endmacro %}
