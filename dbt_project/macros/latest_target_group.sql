{#-
    One target group per person and month, or per event in a month: the group of the month's
    last paid week (int_person_months.last_week_number), ties broken by the group's code. A
    person on two target groups in a month (a re-visitation, a move from dagpenge to
    kontanthjælp) is counted once, under this group, by every indicator that counts persons
    by target group in a month. A qualify clause over rows of int_person_months (`prefix`:
    its alias and a dot, where the query joins others).
-#}
{% macro latest_target_group(partition_by, prefix='') -%}
    qualify row_number() over (
        partition by {{ partition_by | join(', ') }}
        order by {{ prefix }}last_week_number desc, {{ prefix }}maalgruppe_code asc
    ) = 1
{%- endmacro %}
