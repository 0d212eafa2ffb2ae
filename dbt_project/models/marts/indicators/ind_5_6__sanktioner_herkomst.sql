-- 5.6 Der skal være sammenlignelighed i sanktioneringsgraden på tværs af baggrund: sanctions
-- per 100 fuldtidspersoner in a target group of an active course, per origin within target
-- group ('herkomst_maalgruppe') and per origin ('herkomst'); the total row is the ratio of
-- the non-Western rate to the rate of Danish origin (target 1). A sanction counts in the
-- target group the person belonged to last in the sanction's month (a week belongs to the
-- month of its Thursday).
with

ftp as (
    select * from {{ ref('int_fuldtidspersoner_by_origin') }}
    where is_active_course
),

person_months as (
    select * from {{ ref('int_person_months') }}
    where is_active_course
),

sanctions as (
    select
        *,
        sanction_date - (isodow(sanction_date) - 1)::integer as sanction_week_start_date
    from {{ ref('stg_case_system__sanctions') }}
),

persons as (
    select * from {{ ref('stg_registers__persons') }}
),

sanctions_in_target_group as (
    select
        person_months.month_date,
        persons.herkomst,
        person_months.maalgruppe_code,
        sanctions.sanction_id
    from sanctions
    inner join person_months
        on
            sanctions.person_key = person_months.person_key
            and {{ week_month('sanctions.sanction_week_start_date') }}
            = person_months.month_date
    inner join persons on sanctions.person_key = persons.person_key
    qualify row_number() over (
        partition by sanctions.sanction_id
        order by person_months.last_week_number desc, person_months.maalgruppe_code asc
    ) = 1
),

cells as (
    select
        month_date,
        herkomst,
        maalgruppe_code,
        sum(fuldtidspersoner) as fuldtidspersoner
    from ftp
    group by all
),

sanction_counts as (
    select
        month_date,
        herkomst,
        maalgruppe_code,
        count(*) as n_sanctions
    from sanctions_in_target_group
    group by all
),

by_cell as (
    select
        cells.month_date,
        cells.herkomst,
        cells.maalgruppe_code,
        cells.fuldtidspersoner,
        coalesce(sanction_counts.n_sanctions, 0) as n_sanctions
    from cells
    left join sanction_counts
        on
            cells.month_date = sanction_counts.month_date
            and cells.herkomst = sanction_counts.herkomst
            and cells.maalgruppe_code = sanction_counts.maalgruppe_code
),

by_origin as (
    select
        month_date,
        herkomst,
        sum(n_sanctions) as n_sanctions,
        sum(fuldtidspersoner) as fuldtidspersoner
    from by_cell
    group by month_date, herkomst
),

ratios as (
    select
        non_western.month_date,
        case
            when danish.n_sanctions > 0 and non_western.fuldtidspersoner > 0
                then
                    (non_western.n_sanctions / non_western.fuldtidspersoner)
                    / (danish.n_sanctions / danish.fuldtidspersoner)
        end as ratio,
        {{ smallest_count([
            'non_western.n_sanctions', 'non_western.fuldtidspersoner',
            'danish.n_sanctions', 'danish.fuldtidspersoner'
        ]) }} as smallest_count,
        {{ comparison_bounds(
            "'rate_ratio'", 1,
            'non_western.n_sanctions', 'non_western.fuldtidspersoner',
            'danish.n_sanctions', 'danish.fuldtidspersoner',
            prefix='ci'
        ) }}
    from by_origin as non_western
    inner join by_origin as danish
        on non_western.month_date = danish.month_date and danish.herkomst = 'dansk'
    where non_western.herkomst = 'ikke-vestlig'
),

final as (
    select
        '5.6' as indicator_id,
        month_date as period,
        'month' as period_type,
        151 as area_code,
        'herkomst_maalgruppe' as breakdown,
        herkomst || ' / ' || maalgruppe_code as breakdown_value,
        n_sanctions::double as numerator,
        fuldtidspersoner as denominator,
        case when fuldtidspersoner > 0 then 100.0 * n_sanctions / fuldtidspersoner end as value,
        'per_100' as unit,
        null::double as ci_lower,
        null::double as ci_upper
    from by_cell
    union all
    select
        '5.6' as indicator_id,
        month_date as period,
        'month' as period_type,
        151 as area_code,
        'herkomst' as breakdown,
        herkomst as breakdown_value,
        n_sanctions::double as numerator,
        fuldtidspersoner as denominator,
        case when fuldtidspersoner > 0 then 100.0 * n_sanctions / fuldtidspersoner end as value,
        'per_100' as unit,
        null::double as ci_lower,
        null::double as ci_upper
    from by_origin
    union all
    select
        '5.6' as indicator_id,
        month_date as period,
        'month' as period_type,
        151 as area_code,
        'total' as breakdown,
        'I alt' as breakdown_value,
        smallest_count as numerator,
        null as denominator,
        ratio as value,
        'ratio' as unit,
        ci_lower,
        ci_upper
    from ratios
)

select
    *,
    {{ is_small_cell() }} as is_suppressed
from final
