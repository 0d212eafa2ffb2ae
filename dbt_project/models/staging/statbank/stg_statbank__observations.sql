-- One row per table, area, period, dimension values and measure (macros/stg_observations.sql).
{{ stg_observations('statbank') }}
