-- 5.0 Ledigheden for borgere med ikke-vestlig baggrund skal på niveau med ledigheden for
-- andre borgere: fuldtidsledige (weeks in a target group counted as ledig, activated weeks
-- included) aged 16-64 in pct. of the labour force aged 16-64. Gross, as DST's bruttoledige:
-- "Bruttoledige omfatter ud over nettoledige også jobparate aktiverede dagpenge-,
-- kontanthjælps- og uddannelseshjælpsmodtagere, herunder personer i løntilskud", the concept
-- used most (dst.dk/da/Statistik/dokumentation/metode/ledighedsbegreber). DST's fuldtidsledige
-- are the gross ones: AUL01's ydelsestype TOT is "Bruttoledige", the sum of the net and the
-- activated (StatBank's values as catalogued in josca42/varro_dst@903c9e2, docs/fact/
-- arbejde_og_indkomst/beskæftigelse_og_arbejdsløshed/arbejdsløse/aul01.md), and AUP02, which
-- has no ydelsestype, gives the total [I]. (helper-84 read AUP02 as net; a net rate would
-- need an activation flag on the seed ydelse_codes, which its code names would give.)
-- The rate per origin and for Danish and Western origin
-- together; the total row is the gap in percentage points (non-Western minus the others),
-- the figure the goal sets to 0. Ballerup's own data. Numerator and denominator count the
-- same people: the residents on the month's first day (as int_population_months), and the
-- labour force includes the unemployed, as DST's does ("arbejdsstyrken (som udgøres af
-- summen af ledige og beskæftigede)": https://www.dst.dk/da/Statistik/dokumentation/
-- statistikdokumentation/den-maanedlige-arbejdskraftundersoegelse/indhold): a resident
-- ledig in the month whom the register does not count in the labour force that day is
-- added to it, not left out of the denominator while counted above it (in the sample, 127
-- of the 2,754 non-Western in October 2026; the gap was 6.5 points, now 6.1).
-- Month-incremental (macro rebuilt_months): a month's rate counts that month only.
{{
    config(
        materialized='incremental',
        incremental_strategy='replace_rebuilt_months',
        on_schema_change='fail',
        meta={'rebuild': {'month_column': 'period', 'months_ahead': 0}},
    )
}}

with

person_months as (
    select * from {{ ref('int_person_months') }}
    where is_ledig and {{ rebuilt_months('month_date') }}
),

periods as (
    select * from {{ ref('stg_registers__person_periods') }}
    where municipality_code = {{ var('home_municipality') }}
),

persons as (
    select * from {{ ref('stg_registers__persons') }}
),

population as (
    select * from {{ ref('int_population_months') }}
    where
        is_in_labour_force
        and {{ in_age_band('age', 'working_age') }}
        and {{ rebuilt_months('month_date') }}
),

herkomst_codes as (
    select * from {{ ref('herkomst_codes') }}
),

-- each resident of working age ledig in the month: the fuldtidsledighed (weeks in a ledig
-- target group, over the weeks in the month) and whether the register counts the person in
-- the labour force on the month's first day
unemployed_residents as (
    select
        person_months.person_key,
        person_months.month_date,
        persons.herkomst,
        coalesce(any_value(periods.is_in_labour_force), false) as is_in_labour_force,
        sum(person_months.n_weeks / person_months.n_weeks_in_month) as fuldtidsledig
    from person_months
    inner join persons on person_months.person_key = persons.person_key
    inner join periods
        on
            person_months.person_key = periods.person_key
            and {{ covers_day('periods', 'person_months.month_date') }}
    where {{ in_age_band(
        age_in_month('person_months.month_date', 'persons.birth_year'), 'working_age'
    ) }}
    group by person_months.person_key, person_months.month_date, persons.herkomst
),

unemployed as (
    select
        month_date,
        herkomst,
        sum(fuldtidsledig) as fuldtidsledige,
        count(*) filter (where not is_in_labour_force) as n_outside_register_labour_force
    from unemployed_residents
    group by month_date, herkomst
),

registered_labour_force as (
    select
        month_date,
        herkomst,
        sum(n_persons) as n_persons
    from population
    group by month_date, herkomst
),

by_origin as (
    select
        coalesce(registered_labour_force.month_date, unemployed.month_date) as month_date,
        coalesce(registered_labour_force.herkomst, unemployed.herkomst) as herkomst,
        coalesce(unemployed.fuldtidsledige, 0) as fuldtidsledige,
        coalesce(registered_labour_force.n_persons, 0)
        + coalesce(unemployed.n_outside_register_labour_force, 0) as n_labour_force
    from registered_labour_force
    full outer join unemployed
        on
            registered_labour_force.month_date = unemployed.month_date
            and registered_labour_force.herkomst = unemployed.herkomst
),

groups as (
    select
        month_date,
        herkomst as breakdown_value,
        fuldtidsledige,
        n_labour_force
    from by_origin
    union all
    select
        by_origin.month_date,
        'dansk og vestlig' as breakdown_value,
        sum(by_origin.fuldtidsledige) as fuldtidsledige,
        sum(by_origin.n_labour_force) as n_labour_force
    from by_origin
    inner join herkomst_codes on by_origin.herkomst = herkomst_codes.herkomst
    where not herkomst_codes.is_ikke_vestlig
    group by by_origin.month_date
),

rates as (
    select
        month_date,
        breakdown_value,
        fuldtidsledige,
        n_labour_force,
        {{ pct('fuldtidsledige', 'n_labour_force') }} as rate
    from groups
),

gaps as (
    {{ origin_gap(
        'rates', ['month_date'], 'fuldtidsledige', 'n_labour_force',
        group_column='breakdown_value', reference='dansk og vestlig'
    ) }}
),


final as (
    select
        '5.0' as indicator_id,
        month_date as period,
        'month' as period_type,
        {{ var('home_municipality') }} as area_code,
        'herkomst' as breakdown,
        breakdown_value,
        fuldtidsledige as numerator,
        n_labour_force as denominator,
        rate as value,
        'pct' as unit,
        null::double as ci_lower,
        null::double as ci_upper
    from rates
    union all
    select
        '5.0' as indicator_id,
        month_date as period,
        'month' as period_type,
        {{ var('home_municipality') }} as area_code,
        'total' as breakdown,
        'I alt' as breakdown_value,
        smallest_count as numerator,
        null as denominator,
        gap_points as value,
        'pct_points' as unit,
        ci_lower,
        ci_upper
    from gaps
)

select
    *,
    {{ is_small_cell() }} as is_suppressed,
    {{ newest_load() }} as loaded_through
from final
where {{ rebuilt_months('period') }}
