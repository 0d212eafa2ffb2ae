-- 3.3 Tilkendelse af førtidspension (udvikling over år): awards per calendar year (period
-- type year: not the 12 months ending each month, whose overlapping windows pin the months
-- they share, macro full_calendar_years), and per 10,000 residents aged 18-64; per age group
-- at the award and in all. An award (tilkendelse) is a new grant: a person's first
-- førtidspension spell whose week before is seen without it (int_benefit_spells'
-- is_seen_entry). A spell running from the register's first week is the stock, and one that
-- starts in the first week of a stay is a person who moved in on førtidspension granted
-- elsewhere: neither is an award. A year is counted where all its months are after the
-- register's first month; the residents are those of its December's first day
-- (int_population_months). Ballerup from its register. The country (area 0) from DST:
-- PEN113's new recipients of førtidspension of the year's 12 months (every month and
-- five-year band of an age group published) per 10,000 of FOLK1A's residents of the group on
-- the first day of the year's last quarter (every year of age published); in all where every
-- group has a row. A person who moves between municipalities is no new recipient of the
-- country (Jobindsats y10a02 is the stock, not awards; docs/sources/real_tables.md, PEN113).
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

-- the months in which the week before any week is seen: all but the register's first
seen_months as (
    select month_date from calendar
    where not is_first_month
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

-- the Decembers ending a calendar year whose months are all seen months (the week before an
-- award must be seen)
windows as (
    select
        period,
        -- the first day of the quarter the year ends in: FOLK1A's day
        date_trunc('quarter', period) as quarter_date
    from ({{ full_calendar_years('seen_months', 'month_date') }}) as full_years
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
        on {{ in_rolling_year('awards.award_month', 'windows.period') }}
    group by windows.period, awards.age_group
),

by_age as (
    select
        {{ var('home_municipality') }} as area_code,
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

-- the country (Hele landet) by the reference areas, as 4.2 finds it
country_area as (
    select area_code from {{ ref('stg_reference__areas') }}
    where area_type = 'country'
),

national_new as (
    select * from {{ ref('stg_statbank__pen113') }}
    where area_code in (select country_area.area_code from country_area)
),

national_ages as (
    select * from {{ ref('stg_statbank__folk1a_ages') }}
    where area_code in (select country_area.area_code from country_area)
),

-- PEN113's bands in each of 3.3's age groups (every band lies inside one group)
group_bands as (
    select
        age_groups.age_group,
        count(distinct national_new.age_band) as n_bands
    from age_groups
    inner join national_new
        on
            age_groups.min_age <= national_new.min_age
            and age_groups.max_age >= national_new.max_age
    group by age_groups.age_group
),

national_awards as (
    select
        windows.period,
        age_groups.age_group,
        sum(national_new.n_new_recipients) as n_awards
    from windows
    inner join national_new
        on {{ in_rolling_year('national_new.month_date', 'windows.period') }}
    inner join age_groups
        on
            national_new.min_age >= age_groups.min_age
            and national_new.max_age <= age_groups.max_age
    inner join group_bands on age_groups.age_group = group_bands.age_group
    group by windows.period, age_groups.age_group, group_bands.n_bands
    having count(national_new.n_new_recipients) = 12 * group_bands.n_bands
),

national_residents as (
    select
        windows.period,
        age_groups.age_group,
        sum(national_ages.n_residents) as n_residents
    from windows
    inner join national_ages on windows.quarter_date = national_ages.quarter_date
    inner join age_groups
        on national_ages.age between age_groups.min_age and age_groups.max_age
    group by windows.period, age_groups.age_group, age_groups.min_age, age_groups.max_age
    having count(national_ages.n_residents) = age_groups.max_age - age_groups.min_age + 1
),

national_by_age as (
    select
        (select country_area.area_code from country_area) as area_code,
        national_awards.period,
        'alder' as breakdown,
        national_awards.age_group as breakdown_value,
        national_awards.n_awards,
        national_residents.n_residents
    from national_awards
    inner join national_residents
        on
            national_awards.period = national_residents.period
            and national_awards.age_group = national_residents.age_group
),

-- per area, the age groups and their total (where every group has a row)
counts as (
    select * from by_age
    union all by name
    select * from national_by_age
),

areas as (
    select * from counts
    union all
    select
        area_code,
        period,
        'total' as breakdown,
        'I alt' as breakdown_value,
        sum(n_awards) as n_awards,
        sum(n_residents) as n_residents
    from counts
    group by area_code, period
    having count(*) = (select count(*) from age_groups)
),

final as (
    select
        '3.3' as indicator_id,
        {{ calendar_year('period') }} as period,
        'year' as period_type,
        area_code,
        breakdown,
        breakdown_value,
        n_awards::double as numerator,
        n_residents::double as denominator,
        'per_10000' as unit,
        case when n_residents > 0 then 10000.0 * n_awards / n_residents end as value
    from areas
)

select
    *,
    {{ is_small_cell() }} as is_suppressed
from final
