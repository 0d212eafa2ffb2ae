{#- The column is given on every row and never before `than` (another column of the row): a
    spell followed on across a reform ends at or after the week its own payments end. -#}
{% test not_before(model, column_name, than) %}
    select *
    from {{ model }}
    where {{ column_name }} is null or {{ column_name }} < {{ than }}
{% endtest %}
