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

{#-
    The same in weeks of the benefit register: a left join of the stay that holds the week
    `week` (int_residence_periods' first_week_number and last_week_number, null while the stay
    holds) as `alias`, and of whether the person has any stay at all as `stays_alias` (its
    person_key not null). A person without a stay in the persons register is seen from the
    register's first week; one with stays whose week lies in none of them is not seen there
    (int_benefit_spells, ind_2_3: a payment in the week of a move-in whose Thursday falls
    before the day, or after a move away).
-#}
{% macro join_stay_in_week(person_key, week, alias='stay', stays_alias='stays') -%}
    left join {{ ref('int_residence_periods') }} as {{ alias }}
        on
            {{ person_key }} = {{ alias }}.person_key
            and {{ alias }}.first_week_number <= {{ week }}
            and ({{ alias }}.last_week_number is null or {{ alias }}.last_week_number >= {{ week }})
    left join (
        select distinct person_key from {{ ref('int_residence_periods') }}
    ) as {{ stays_alias }}
        on {{ person_key }} = {{ stays_alias }}.person_key
{%- endmacro %}
