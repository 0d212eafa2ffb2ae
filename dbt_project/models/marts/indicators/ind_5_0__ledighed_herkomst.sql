-- 5.0 Ledigheden for borgere med ikke-vestlig baggrund skal på niveau med ledigheden for
-- andre borgere: fuldtidsledige (weeks in a target group counted as ledig) aged 16-64 in
-- pct. of the labour force aged 16-64, per origin and for Danish and Western origin
-- together; the total row is the gap in percentage points (non-Western minus the others),
-- the figure the goal sets to 0. Ballerup's own data.
with

ftp as (
    select * from {{ ref('int_fuldtidspersoner_by_origin') }}
    where is_ledig and {{ in_age_band('age', 'working_age') }}
),

population as (
    select * from {{ ref('int_population_months') }}
    where is_in_labour_force and {{ in_age_band('age', 'working_age') }}
),

herkomst_codes as (
    select * from {{ ref('herkomst_codes') }}
),

unemployed as (
    select
        month_date,
        herkomst,
        sum(fuldtidspersoner) as fuldtidsledige
    from ftp
    group by month_date, herkomst
),

labour_force as (
    select
        population.month_date,
        population.herkomst,
        herkomst_codes.is_ikke_vestlig,
        sum(population.n_persons) as n_labour_force
    from population
    inner join herkomst_codes on population.herkomst = herkomst_codes.herkomst
    group by all
),

by_origin as (
    select
        labour_force.month_date,
        labour_force.herkomst,
        labour_force.is_ikke_vestlig,
        labour_force.n_labour_force,
        coalesce(unemployed.fuldtidsledige, 0) as fuldtidsledige
    from labour_force
    left join unemployed
        on
            labour_force.month_date = unemployed.month_date
            and labour_force.herkomst = unemployed.herkomst
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
        month_date,
        'dansk og vestlig' as breakdown_value,
        sum(fuldtidsledige) as fuldtidsledige,
        sum(n_labour_force) as n_labour_force
    from by_origin
    where not is_ikke_vestlig
    group by month_date
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
    {{ is_small_cell() }} as is_suppressed
from final
