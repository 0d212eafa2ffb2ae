{#-
    A period with start_date and end_date (a row of stg_case_system__offers or
    stg_case_system__partial_sick_leave as `periods`) runs at some time in the month starting
    on `month`: it starts before the month ends, and ends on or after its first day or has
    no end (still running when the case system exported it: the suites allow an empty end).
-#}
{% macro runs_in_month(periods, month) -%}
    (
        {{ periods }}.start_date < {{ month }} + interval 1 month
        and ({{ periods }}.end_date is null or {{ periods }}.end_date >= {{ month }})
    )
{%- endmacro %}

{#-
    True when the person `person_key` has a virksomhedsrettet offer (the offer_types seed's
    is_virksomhedsrettet: løntilskud or virksomhedspraktik) running at some time in the month
    starting on `month`. One definition for every indicator that asks (3.1, 4.4, 5.4; 2.4,
    which counts by offer type, with runs_in_month).
-#}
{% macro company_offer_in_month(person_key, month) -%}
    exists(
        select 1
        from {{ ref('stg_case_system__offers') }} as offers
        inner join {{ ref('offer_types') }} as offer_types
            on offers.offer_type = offer_types.offer_type
        where
            offer_types.is_virksomhedsrettet
            and offers.person_key = {{ person_key }}
            and {{ runs_in_month('offers', month) }}
    )
{%- endmacro %}
