-- 4.4 25 pct. af uddannelseshjælpsmodtagere skal være i virksomhedsrettede tilbud: of persons
-- receiving uddannelseshjælp in a month, the share with a virksomhedsrettet offer
-- (løntilskud or virksomhedspraktik, per the offer_types seed) running at some time in
-- that month.
with

person_months as (
    select * from {{ ref('int_person_months') }}
    where ydelse_group = 'uddannelseshjaelp'
),

offers as (
    select * from {{ ref('stg_case_system__offers') }}
),

offer_types as (
    select * from {{ ref('offer_types') }}
),

recipients as (
    select distinct
        person_key,
        month_date as period
    from person_months
),

company_offers as (
    select
        offers.person_key,
        offers.start_date,
        offers.end_date
    from offers
    inner join offer_types on offers.offer_type = offer_types.offer_type
    where offer_types.is_virksomhedsrettet
),

flagged as (
    select
        recipients.period,
        exists(
            select 1
            from company_offers
            where
                company_offers.person_key = recipients.person_key
                and company_offers.start_date < recipients.period + interval 1 month
                and company_offers.end_date >= recipients.period
        ) as is_in_company_offer
    from recipients
),

counts as (
    select
        period,
        'total' as breakdown,
        'I alt' as breakdown_value,
        count(*) as n_base,
        count(*) filter (where is_in_company_offer) as n_flagged
    from flagged
    group by period
),

final as (
    {{ ballerup_share_rows('4.4', 'counts') }}
)

select * from final
