-- One row per person of the newest persons register extract: the attributes that do not
-- change (birth year, sex, origin). What changes with time (residence, labour force,
-- a-kasse, a vocational education) is in stg_registers__person_periods.
with

newest as (
    {{ newest_extract_rows(source('registers', 'persons')) }}
),

final as (
    select
        person_key,
        arg_max(foedselsaar, gyldig_fra) as birth_year,
        arg_max(koen, gyldig_fra) as koen,
        arg_max(herkomst, gyldig_fra) as herkomst,
        any_value(_delivery_key) as snapshot_month
    from newest
    group by person_key
)

select * from final
