{#-
    An offer (a row of stg_case_system__offers as `offers`) runs at some time in the month
    starting on `month`: it starts before the month ends and ends on or after its first day.
-#}
{% macro offer_runs_in_month(offers, month) -%}
    ({{ offers }}.start_date < {{ month }} + interval 1 month and {{ offers }}.end_date >= {{ month }})
{%- endmacro %}

{#-
    True when the person `person_key` has a virksomhedsrettet offer (the offer_types seed's
    is_virksomhedsrettet: løntilskud or virksomhedspraktik) running at some time in the month
    starting on `month`. One definition for every indicator that asks (3.1, 4.4, 5.4; 2.4,
    which counts by offer type, with offer_runs_in_month).
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
            and {{ offer_runs_in_month('offers', month) }}
    )
{%- endmacro %}
