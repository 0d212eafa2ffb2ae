{#- The Monday of ISO week `yyyyww` (DREAM's week numbering). -#}
{% macro iso_week_start(year_week) -%}
    (
        make_date(({{ year_week }} // 100)::integer, 1, 4)
        - (isodow(make_date(({{ year_week }} // 100)::integer, 1, 4)) - 1)::integer
        + ((({{ year_week }} % 100) - 1) * 7)::integer
    )
{%- endmacro %}

{#-
    The Thursday of the week starting on `week_start_date`: the day that places a week, in its
    month (as an ISO week in its year), under the target group and visitation valid then.
-#}
{% macro week_thursday(week_start_date) -%}
    ({{ week_start_date }} + 3)
{%- endmacro %}

{#- A week belongs to the month of its Thursday, as an ISO week to its year. -#}
{% macro week_month(week_start_date) -%}
    date_trunc('month', {{ week_thursday(week_start_date) }})::date
{%- endmacro %}

{#- Weeks since 2000-01-03 (a Monday): a week index that subtracts cleanly. -#}
{% macro week_number(week_start_date) -%}
    (date_diff('day', date '2000-01-03', {{ week_start_date }}) // 7)
{%- endmacro %}

{#-
    The first and the last week a date range covers: the weeks whose Thursday (2000-01-06 +
    7 x the week number) falls inside it, as a week belongs to the month of its Thursday.
-#}
{% macro first_week_from(day) -%}
    ((date_diff('day', date '2000-01-06', {{ day }}) + 6) // 7)
{%- endmacro %}

{% macro last_week_to(day) -%}
    (date_diff('day', date '2000-01-06', {{ day }}) // 7)
{%- endmacro %}

{#-
    Jobindsats/StatBank period labels (pipeline/periods.py reads them alike): 2024M09, 2024Q3,
    v3's 2024Q03 or StatBank's 2024K3, 2024QMAT03 (the twelve months ending the third quarter: its last month,
    September, is the period), 2024 or v3's 2024Y01.
-#}
{% macro period_start(label) -%}
    case
        when regexp_full_match({{ label }}, '\d{4}M\d{2}')
            then make_date(left({{ label }}, 4)::integer, right({{ label }}, 2)::integer, 1)
        when regexp_full_match({{ label }}, '\d{4}QMAT0[1-4]')
            then make_date(left({{ label }}, 4)::integer, right({{ label }}, 1)::integer * 3, 1)
        when regexp_full_match({{ label }}, '\d{4}(Q0?|K)[1-4]')
            then make_date(
                left({{ label }}, 4)::integer, (right({{ label }}, 1)::integer - 1) * 3 + 1, 1
            )
        when regexp_full_match({{ label }}, '\d{4}(Y01)?')
            then make_date(left({{ label }}, 4)::integer, 1, 1)
    end
{%- endmacro %}

{#-
    The days a period covers, [first, end): a month, a quarter or a year from its first day;
    a rolling year (period = its last month) the twelve months ending with that month.
-#}
{% macro period_first_day(period, period_type) -%}
    case
        when {{ period_type }} = 'rolling_year' then {{ rolling_year_start(period) }}
        else {{ period }}
    end
{%- endmacro %}

{#- The first month of the rolling year that ends with the month `period`. -#}
{% macro rolling_year_start(period) -%}
    {{ period }} - interval 11 month
{%- endmacro %}

{#- The month `month` lies in the rolling year that ends with the month `period`. -#}
{% macro in_rolling_year(month, period) -%}
    {{ month }} between {{ rolling_year_start(period) }} and {{ period }}
{%- endmacro %}

{#-
    The months of `relation` (its month column `column`, running without a gap from its
    first month) that end a calendar year all of whose 12 months are in it (Decembers), as
    `period`. A person count over 12 months is published per calendar year, never per
    rolling year: overlapping windows shown month by month differ by one month in and one
    out, and a series of them pins the months themselves (docs/reviews/disclosure-probe-
    2026-12: 96 of 3.3's monthly award counts exactly, 64 of them Ballerup's total); years
    that do not overlap leave every month free within its year.
-#}
{% macro full_calendar_years(relation, column) -%}
    select {{ column }} as period
    from {{ relation }}
    where
        month({{ column }}) = 12
        and {{ rolling_year_start(column) }}
        >= (select min(first_month.{{ column }}) from {{ relation }} as first_month)
{%- endmacro %}

{#- The calendar year (its first day: the period of a row of period type 'year') of the 12
    months that end with the month `window_end`. -#}
{% macro calendar_year(window_end) -%}
    date_trunc('year', {{ window_end }})::date
{%- endmacro %}

{% macro period_end(period, period_type) -%}
    case {{ period_type }}
        when 'quarter' then {{ period }} + interval 3 month
        when 'year' then {{ period }} + interval 1 year
        else {{ period }} + interval 1 month
    end
{%- endmacro %}

{% macro period_type(label) -%}
    case
        when regexp_full_match({{ label }}, '\d{4}M\d{2}') then 'month'
        when regexp_full_match({{ label }}, '\d{4}QMAT0[1-4]') then 'rolling_year'
        when regexp_full_match({{ label }}, '\d{4}(Q0?|K)[1-4]') then 'quarter'
        when regexp_full_match({{ label }}, '\d{4}(Y01)?') then 'year'
    end
{%- endmacro %}

{#- 100 * numerator / denominator, NULL for an empty denominator. -#}
{% macro pct(numerator, denominator) -%}
    {#- each in parentheses: pct('a - b', 'c') is 100 * (a - b) / c, not 100 * a - b / c
        (1.6's 'i Ballerup' row, caught by indicator_rows_hold in December 2026) -#}
    case when ({{ denominator }}) > 0 then 100.0 * ({{ numerator }}) / ({{ denominator }}) end
{%- endmacro %}

{#- The Monday of a week number made by week_number(). -#}
{% macro week_start_from_number(n) -%}
    (date '2000-01-03' + (({{ n }}) * 7)::integer)
{%- endmacro %}

{#-
    The month of a week number (the month of its Thursday) as months since January 2000: two
    weeks' months subtract to the calendar months between them (STAR's spell rule counts
    whole calendar months, int_benefit_spells).
-#}
{% macro week_month_index(n) -%}
    date_diff('month', date '2000-01-01', {{ week_month(week_start_from_number(n)) }})
{%- endmacro %}

{#-
    The numerator of a row derived from other cells (a gap or a ratio between groups): the
    smallest nonzero count it is computed from, so the small-cell rule of
    fct_indicator_values suppresses the derived figure whenever one of its cells is small.
-#}
{% macro smallest_count(columns) -%}
    least({% for c in columns %}nullif({{ c }}, 0){% if not loop.last %}, {% endif %}{% endfor %})
{%- endmacro %}

{#-
    The months of the register calendar in which every new spell that reaches `horizon_weeks`
    after its first week in one of the month's weeks is known to be new. A spell is known to
    be new when the whole calendar month before it is seen (int_benefit_spells): the first
    month seen whole is the one after the month of the week before the register's first week,
    so new spells start from the month after that; the months whose first week lies
    `horizon_weeks` or more after that month's first week (by the last week, the register's
    first measurable month lacked the cohorts of its early weeks: helper-74). The months a
    follow-up indicator has a row for, 0 of 0 when no spell reached the horizon in it (1.4,
    1.5, 2.2, 5.3).
-#}
{% macro follow_up_months(calendar, horizon_weeks) -%}
    select month_date
    from {{ calendar }}
    where
        first_week_number - {{ horizon_weeks }} >= (
            select min(later_month.first_week_number)
            from {{ calendar }} as later_month
            where date_diff('month', date '2000-01-01', later_month.month_date) >= (
                select {{ week_month_index('min(first_month.first_week_number) - 1') }} + 2
                from {{ calendar }} as first_month
            )
        )
{%- endmacro %}

{#-
    A dated register period (a row of stg_registers__person_periods as `periods`: valid_from,
    valid_to the last day, null while it holds) covers the day `day`: the person lived there,
    with that period's status, on that day. A month's residents are those a period covers on
    its first day. The months whose first day a period covers run from
    first_month_covered(valid_from) to last_month_covered(valid_to), the same rule as bounds
    (int_population_months counts by them, so as not to join every period to every month).
-#}
{% macro covers_day(periods, day) -%}
    ({{ periods }}.valid_from <= {{ day }}
    and ({{ periods }}.valid_to is null or {{ periods }}.valid_to >= {{ day }}))
{%- endmacro %}

{% macro first_month_covered(valid_from) -%}
    (date_trunc('month', {{ valid_from }} - 1) + interval 1 month)::date
{%- endmacro %}

{% macro last_month_covered(valid_to) -%}
    coalesce(date_trunc('month', {{ valid_to }}), date '9999-12-01')::date
{%- endmacro %}
