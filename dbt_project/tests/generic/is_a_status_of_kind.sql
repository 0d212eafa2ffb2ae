{#-
    Every value of the column is a word of seed indicator_statuses of the given kind (verdict,
    change or course): the seed is the one list of the words, and a verdict word where a
    course belongs fails as much as a word the seed does not have. Empty is not checked.
-#}
{% test is_a_status_of_kind(model, column_name, kind) %}
select {{ column_name }}
from {{ model }}
where
    {{ column_name }} is not null
    and {{ column_name }} not in (
        select statuses.status
        from {{ ref('indicator_statuses') }} as statuses
        where statuses.kind = '{{ kind }}'
    )
{% endtest %}
