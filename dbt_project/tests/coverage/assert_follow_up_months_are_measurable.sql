-- A follow-up indicator's month (a new spell counted in the month of its horizon week: 1.4
-- and 2.2 at week 13, 1.5 at week 26) is one follow_up_months gives for that horizon: the
-- register's first months lack the cohorts of their early weeks, so a month before it is a
-- part of a month (helper-84: 1.4's May 2019 of 30/106 and 1.5's August 2019 of 17 spells
-- were published through macro with_every_month_total's full join).
with

calendar as (
    select * from {{ ref('int_calendar_months') }}
),

thirteen_weeks as (
    {{ follow_up_months('calendar', var('still_on_after_weeks')) }}
),

twenty_six_weeks as (
    {{ follow_up_months('calendar', var('six_months_weeks')) }}
),

{%- set follow_ups = [
    ('ind_1_4__tilbud_inden_13_uger', 'still_on'),
    ('ind_2_2__dagpenge_efter_13_uger', 'still_on'),
    ('ind_1_5__mindst_4_samtaler', 'six_months'),
] %}

published as (
    select
        null::varchar as indicator_id,
        null::date as period,
        null::varchar as horizon
    where false
    {%- for model, horizon in follow_ups %}
        union all
        select
            indicator_id,
            period,
            '{{ horizon }}' as horizon
        from {{ ref(model) }}
        where area_code = {{ var('home_municipality') }}
    {%- endfor %}
)

select distinct
    published.indicator_id,
    published.period
from published
left join thirteen_weeks
    on published.period = thirteen_weeks.month_date
left join twenty_six_weeks
    on published.period = twenty_six_weeks.month_date
where
    (published.horizon = 'still_on' and thirteen_weeks.month_date is null)
    or (published.horizon = 'six_months' and twenty_six_weeks.month_date is null)
