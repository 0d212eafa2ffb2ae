-- Relations between published cells that the secondary suppression (pipeline/suppression.py)
-- cannot find in the cells' names, declared here from the indicators' definitions. It finds
-- sums between breakdowns of the same dimensions within one period; an attacker also uses
-- these (the disclosure probe of December 2026, docs/reviews/disclosure-probe-2026-12/):
--
-- kind 'at_most': the children, summed over every origin, are part of the parent's
--   population, so they add up to at most the parent (often exactly: the probe found them
--   equal in most months). suppress checks each period: where they are equal it is a sum
--   like any other, where they are less a bound (an inequality in its linear programmes),
--   where they are more (the declaration does not hold that month) nothing.
--   - 2.4 (persons on dagpenge in the month; those in a virksomhedsrettet offer) and 5.4's
--     target group of dagpenge recipients (ind_2_4, ind_5_4: both count persons on dagpenge
--     in the month, 5.4 by origin): numerators and denominators.
--   - 0.2's fuldtidspersoner per benefit group (all ages) and 5.1's fuldtidspersoner of the
--     target groups of that benefit (residents aged 16-64, by origin; the target groups of a
--     benefit are the mapping seed's): numerators (0.2's denominator is the year before).
--   - 1.4's new spells of the target group dagpenge that reach week 13 (all ages) and 2.2's
--     new dagpenge spells that reach week 13 by age group (16-66; int_unemployment_follow_up
--     both): denominators (1.4's numerator counts spells with an offer, 2.2's spells still
--     on). Equal in every month of the sample, so a hidden 1.4 dagpenge cell's base was
--     2.2's shown total (helper-85).
--   - 0.2's fuldtidspersoner per benefit group (all ages) and 2.5's fuldtidspersoner of
--     the same benefit, sygedagpenge or jobafklaring (residents aged 16-66): numerators (2.5's
--     denominator is the labour force). The sample's 2.5 equals 0.2 in 77 of 79 months and is
--     never more: helper-120 took a hidden 0.2 jobafklaring as at least 2.5's shown one, and
--     with 5.1's target groups held a hidden count between 0 and 2 (December 2026).
--   - 2.5's fuldtidspersoner of a benefit and 5.1's of the target groups of that benefit
--     (residents aged 16-64, by origin): numerators, the same chain one step down.
-- Not needed any more: 3.3, 5.3 and 5.6 were counted over rolling years, whose consecutive
--   windows share eleven months (the probe's first finding); they are counted per calendar
--   year, and years do not overlap (README, "Known gaps in the suppression").
with

mapping as (
    select * from {{ ref('maalgruppe_mapping') }}
),

-- the benefits 2.5 counts, as its model names them
sick_benefits as (
    select distinct breakdown_value as ydelse_group
    from {{ ref('ind_2_5__sygemeldte') }}
    where breakdown = 'ydelse'
),

age_groups as (
    select * from {{ ref('age_groups') }}
    where source_system = 'jobindsats' and not is_total
),

at_most as (
    select distinct
        'at_most' as kind,
        '2.4' as parent_indicator,
        'total' as parent_breakdown,
        'I alt' as parent_value,
        '5.4' as child_indicator,
        'herkomst_maalgruppe' as child_breakdown,
        'maalgruppe' as child_dimension,
        ledige_maalgruppe_code as child_value,
        true as on_numerator,
        true as on_denominator
    from mapping
    where ydelse_group = 'dagpenge' and ledige_maalgruppe_code is not null

    union all

    select distinct
        'at_most' as kind,
        '0.2' as parent_indicator,
        'ydelsesgruppe' as parent_breakdown,
        ydelse_group as parent_value,
        '5.1' as child_indicator,
        'herkomst_maalgruppe' as child_breakdown,
        'maalgruppe' as child_dimension,
        maalgruppe_code as child_value,
        true as on_numerator,
        false as on_denominator
    from mapping
    where maalgruppe_code is not null

    union all

    select distinct
        'at_most' as kind,
        '1.4' as parent_indicator,
        'maalgruppe' as parent_breakdown,
        mapping.ledige_maalgruppe_code as parent_value,
        '2.2' as child_indicator,
        'alder' as child_breakdown,
        'alder' as child_dimension,
        age_groups.age_group as child_value,
        false as on_numerator,
        true as on_denominator
    from mapping
    cross join age_groups
    where mapping.ydelse_group = 'dagpenge' and mapping.ledige_maalgruppe_code is not null

    union all

    select
        'at_most' as kind,
        '0.2' as parent_indicator,
        'ydelsesgruppe' as parent_breakdown,
        ydelse_group as parent_value,
        '2.5' as child_indicator,
        'ydelse' as child_breakdown,
        'ydelse' as child_dimension,
        ydelse_group as child_value,
        true as on_numerator,
        false as on_denominator
    from sick_benefits

    union all

    select distinct
        'at_most' as kind,
        '2.5' as parent_indicator,
        'ydelse' as parent_breakdown,
        mapping.ydelse_group as parent_value,
        '5.1' as child_indicator,
        'herkomst_maalgruppe' as child_breakdown,
        'maalgruppe' as child_dimension,
        mapping.maalgruppe_code as child_value,
        true as on_numerator,
        false as on_denominator
    from mapping
    inner join sick_benefits on mapping.ydelse_group = sick_benefits.ydelse_group
    where mapping.maalgruppe_code is not null
)

select * from at_most
