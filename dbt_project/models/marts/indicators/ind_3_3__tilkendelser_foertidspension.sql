-- 3.3 Tilkendelse af førtidspension (udvikling over år): awards in the 12 months ending each
-- month (the period is the window's last month), and per 10,000 residents aged 18-64; per
-- age group at the award and in all. An award (tilkendelse) is a new grant: a person's first
-- førtidspension spell whose week before is seen without it (int_benefit_spells'
-- is_seen_entry). A spell running from the register's first week is the stock, and one that
-- starts in the first week of a stay is a person who moved in on førtidspension granted
-- elsewhere: neither is an award. Windows start after the register's first month; the
-- residents are those of each month's first day (int_population_months). Ballerup only, from its
-- register: DST's PEN113 (new recipients of førtidspension per month, by municipality) would
-- give the country's comparator and is not fetched yet (Jobindsats y10a02 is the stock on
-- førtidspension, not awards; docs/sources/real_tables.md, §2 and §3).
with

spells as (
    select * from {{ ref('int_benefit_spells') }}
    where ydelse_group = 'foertidspension'
),

calendar as (
    select * from {{ ref('int_calendar_months') }}
),

persons as (
    select * from {{ ref('stg_registers__persons') }}
),

population as (
    select * from {{ ref('int_population_months') }}
),

age_groups as (
    select * from {{ ref('age_groups') }}
    where source_system = 'foertidspension' and not is_total
),

first_month as (
    select month_date from calendar
    where is_first_month
),

awards as (
    select
        calendar.month_date as award_month,
        age_groups.age_group
    from spells
    inner join calendar
        on spells.start_week_number between calendar.first_week_number and calendar.last_week_number
    inner join persons on spells.person_key = persons.person_key
    inner join age_groups
        on
            {{ age_in_month('calendar.month_date', 'persons.birth_year') }}
            between age_groups.min_age and age_groups.max_age
    where spells.weeks_since_previous_spell is null and spells.is_seen_entry
),

windows as (
    select calendar.month_date as period
    from calendar
    cross join first_month
    where calendar.month_date - interval 11 month > first_month.month_date
),

residents as (
    select
        windows.period,
        age_groups.age_group,
        sum(population.n_persons) as n_residents
    from windows
    inner join population on windows.period = population.month_date
    inner join age_groups on population.age between age_groups.min_age and age_groups.max_age
    group by windows.period, age_groups.age_group
),

award_counts as (
    select
        windows.period,
        awards.age_group,
        count(*) as n_awards
    from windows
    inner join awards
        on awards.award_month between windows.period - interval 11 month and windows.period
    group by windows.period, awards.age_group
),

by_age as (
    select
        residents.period,
        'alder' as breakdown,
        residents.age_group as breakdown_value,
        coalesce(award_counts.n_awards, 0) as n_awards,
        residents.n_residents
    from residents
    left join award_counts
        on
            residents.period = award_counts.period
            and residents.age_group = award_counts.age_group
),

counts as (
    select * from by_age
    union all
    select
        period,
        'total' as breakdown,
        'I alt' as breakdown_value,
        sum(n_awards) as n_awards,
        sum(n_residents) as n_residents
    from by_age
    group by period
),

final as (
    select
        '3.3' as indicator_id,
        period,
        'rolling_year' as period_type,
        {{ var('home_municipality') }} as area_code,
        breakdown,
        breakdown_value,
        n_awards::double as numerator,
        n_residents::double as denominator,
        'per_10000' as unit,
        case when n_residents > 0 then 10000.0 * n_awards / n_residents end as value
    from counts
)

select
    *,
    {{ is_small_cell() }} as is_suppressed
from final
