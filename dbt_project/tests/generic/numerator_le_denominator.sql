{#- A share cannot count more than its base. -#}
{% test numerator_le_denominator(model, numerator='numerator', denominator='denominator') %}
select *
from {{ model }}
where {{ numerator }} > {{ denominator }}
{% endtest %}
