{#-
    Who lived in the home municipality on a day: a left join of the stays
    (int_residence_periods, one row per person and unbroken stay; stays do not overlap, as its
    no_overlapping_periods test holds, so the join adds no rows) on `person_key` and `day`;
    `<alias>.person_key is not null` is then whether the person lived here that day. The rule
    int_population_months counts a month's residents by, on the month's first day (as FOLK1A
    counts "den 1. i kvartalet"): a numerator over residents uses it so that it counts the
    people its denominator counts. A person who moves in during a month counts from the next
    month on; one who moves away during a month still counts in that month. A join, not a correlated exists: at 30 million person-weeks
    the exists cost 2 s more in int_fuldtidspersoner_by_origin alone.
-#}
{% macro join_stay_on(person_key, day, alias='stay') -%}
    left join {{ ref('int_residence_periods') }} as {{ alias }}
        on
            {{ person_key }} = {{ alias }}.person_key
            and {{ alias }}.resident_from <= {{ day }}
            and ({{ alias }}.resident_to is null or {{ alias }}.resident_to >= {{ day }})
{%- endmacro %}
