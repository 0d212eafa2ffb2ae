-- Benefit spells (forløb) as STAR counts them: a person's payment periods of one benefit
-- group, joined across breaks shorter than a whole calendar month (the rule below), with what
-- the indicators need to know of each:
-- whether it is a new spell (by the same rule: a spell is new when the whole calendar month
-- before it is seen, inside the register and inside the person's stay in the municipality,
-- so that no payment of the group can have run in it unseen: Jobindsats' "Det betragtes som
-- et nyt forløb hvis ydelsen genoptages efter der i en forudgående sammenhængende
-- kalendermåned ikke har været udbetalt den pågældende ydelse", jobindsats.dk, nye-tal/2017/
-- b-maalinger-2017/y36-og-y38-b15-11082017; per benefit, as LAB § 9 starts a new period "ved
-- et ydelsesskift", https://www.elov.dk/lov-om-en-aktiv-beskaeftigelsesindsats/paragraf/9/;
-- docs/sources/real_tables.md §4b), and
-- how far it can be followed (to the register's last week, or to the last week of the stay
-- for a person who moved away: what came after is not in the municipality's registers).
-- A benefit a reform pays as another from its date (seed ydelse_groups: uddannelseshjælp as
-- kontanthjælp from 1 July 2025) hands its weeks on: a kontanthjælp spell that starts then is
-- not new for a person on uddannelseshjælp just before, as nothing changed for the person;
-- and the uddannelseshjælp spell is followed on into it (followed_to_week_number: the
-- person is still on benefit, 5.3's "fortsat på ydelse", not ended by the reform).
with

payment_periods as (
    select * from {{ ref('int_benefit_payment_periods') }}
),

-- the register's first and last week: the calendar's (int_calendar_months)
register_window as (
    select
        min(first_week_number) as first_week_number,
        max(last_week_number) as last_week_number
    from {{ ref('int_calendar_months') }}
),

-- STAR's spell rule (forløbsdefinition): "et ydelsesforløb [betragtes] som afsluttet efter en
-- kalendermåneds fravær af den pågældende ydelse", for A-dagpenge from 9 August 2019 and for
-- the other benefits from 2018 (jobindsats.dk, "Ny forløbsdefinition for A-dagpenge",
-- https://www.jobindsats.dk/jobindsats/nye-maalinger/2019/y01a21plusa24plusa27/). A
-- payment period continues the spell before it unless a whole calendar month lies between
-- them (a week belongs to the month of its Thursday): months two or more apart.
with_months as (
    select
        *,
        {{ week_month_index('start_week_number') }} as start_month_index,
        {{ week_month_index('end_week_number') }} as end_month_index
    from payment_periods
),

flagged as (
    select
        *,
        coalesce(
            start_month_index - lag(end_month_index) over (
                partition by person_key, ydelse_group order by start_week_number
            ) >= 2,
            true
        ) as starts_spell
    from with_months
),

numbered as (
    select
        *,
        sum(starts_spell::integer) over (
            partition by person_key, ydelse_group
            order by start_week_number
            rows unbounded preceding
        ) as spell_number
    from flagged
),

spells as (
    select
        person_key,
        ydelse_group,
        min(start_week_number) as start_week_number,
        max(end_week_number) as end_week_number,
        sum(n_weeks) as n_weeks
    from numbered
    group by person_key, ydelse_group, spell_number
),

successions as (
    select * from {{ ref('int_benefit_successions') }}
),

-- the last week of the succeeded group before each spell of its successor from the reform on:
-- of its spells that began before it, also one still paid in the successor's first weeks
-- (a late payment of the old benefit overlapping the new one continues it, as in carried_on)
handed_on as (
    select
        spells.person_key,
        spells.ydelse_group,
        spells.start_week_number,
        max(predecessor.end_week_number) as predecessor_end_week_number
    from spells
    inner join successions
        on
            spells.ydelse_group = successions.to_group
            and spells.start_week_number >= successions.first_week_number
    inner join spells as predecessor
        on
            spells.person_key = predecessor.person_key
            and successions.from_group = predecessor.ydelse_group
            and spells.start_week_number > predecessor.start_week_number
    group by spells.person_key, spells.ydelse_group, spells.start_week_number
),

-- each spell of a benefit a reform pays as another, followed on into the successor's spell
-- that continues it by STAR's rule (no whole calendar month between them; a week of the old
-- benefit still paid after the new one began, overlapping it, continues it too)
carried_on as (
    select
        predecessor.person_key,
        predecessor.ydelse_group,
        predecessor.start_week_number,
        max(successor.end_week_number) as carried_on_to_week_number
    from spells as predecessor
    inner join successions on predecessor.ydelse_group = successions.from_group
    inner join spells as successor
        on
            predecessor.person_key = successor.person_key
            and successions.to_group = successor.ydelse_group
            and successions.first_week_number <= successor.start_week_number
            and predecessor.start_week_number < successor.start_week_number
            and {{ week_month_index('successor.start_week_number') }}
            - {{ week_month_index('predecessor.end_week_number') }} < 2
    group by predecessor.person_key, predecessor.ydelse_group, predecessor.start_week_number
),

with_previous as (
    select
        spells.*,
        greatest(spells.end_week_number, carried_on.carried_on_to_week_number)
            as followed_to_week_number,
        -- greatest() skips NULLs in DuckDB: the later of the two, or the one there is
        greatest(
            lag(spells.end_week_number) over (
                partition by spells.person_key, spells.ydelse_group
                order by spells.start_week_number
            ),
            handed_on.predecessor_end_week_number
        ) as previous_end_week_number
    from spells
    left join handed_on
        on
            spells.person_key = handed_on.person_key
            and spells.ydelse_group = handed_on.ydelse_group
            and spells.start_week_number = handed_on.start_week_number
    left join carried_on
        on
            spells.person_key = carried_on.person_key
            and spells.ydelse_group = carried_on.ydelse_group
            and spells.start_week_number = carried_on.start_week_number
),

-- the first week the registers see of the person before each spell: the register's first
-- week, or the first week of the stay the spell starts in if that came later (a person
-- without a stay in the persons register is seen from the register's first week). A spell
-- that starts in no stay of a person who has stays (a payment in the week of a move-in whose
-- Thursday falls before the move-in day) is seen from its own first week: what came before
-- it is not seen, so it is neither an entry nor known to be new; before, it was taken as
-- seen from the register's first week, a new spell and, on førtidspension, an award
-- (helper-84)
with_stay as (
    select
        with_previous.*,
        register_window.last_week_number as register_last_week_number,
        case
            when residence.person_key is null and stays.person_key is not null
                then with_previous.start_week_number
            else greatest(register_window.first_week_number, residence.first_week_number)
        end as seen_from_week_number,
        least(register_window.last_week_number, residence.last_week_number)
            as follow_up_last_week_number
    from with_previous
    cross join register_window
    {{ join_stay_in_week(
        'with_previous.person_key', 'with_previous.start_week_number', alias='residence'
    ) }}
),

final as (
    select
        person_key,
        ydelse_group,
        start_week_number,
        end_week_number,
        followed_to_week_number,
        n_weeks,
        {{ week_start_from_number('start_week_number') }} as start_date,
        {{ week_start_from_number('end_week_number') }} + 6 as end_date,
        -- 0 where the spell it continues overlapped its start (greatest() skips a NULL)
        case
            when previous_end_week_number is not null
                then greatest(start_week_number - previous_end_week_number - 1, 0)
        end as weeks_since_previous_spell,
        -- new (ny ledighed, første ledighedsdag): a spell by STAR's rule, so a whole calendar
        -- month without the group (or the group a reform paid it as) lies before it, and that
        -- month is seen: it is not before the first month the registers wholly see of the
        -- person (the month after that of the week before seen_from_week_number)
        coalesce(
            {{ week_month_index('start_week_number') }}
            - {{ week_month_index('previous_end_week_number') }} >= 2,
            true
        )
        and {{ week_month_index('start_week_number') }} - 1
        >= {{ week_month_index('seen_from_week_number - 1') }} + 1 as is_new_spell,
        -- the week before the spell is seen: it is an entry, not a move-in on the benefit
        start_week_number > seen_from_week_number as is_seen_entry,
        follow_up_last_week_number,
        end_week_number = register_last_week_number as is_ongoing
    from with_stay
)

select * from final
