-- Attack B (equality form): 0.2's Ballerup fuldtidspersoner on jobafklaring = 5.1's target group
-- jobafklaring summed over origin (true in every period where all 5.1 cells are shown: 9 of 9).
-- hidden 5.1 jobafklaring cells together = 0.2 'jobafklaring' - shown 5.1 '<origin> / jobafklaring'.
with v as (select * from marts.fct_indicator_values where area_code=151),
z as (select period, numerator n from v where indicator_id='0.2' and breakdown='ydelsesgruppe' and breakdown_value='jobafklaring'),
j as (select period, breakdown_value bv, numerator n, is_suppressed s from v where indicator_id='5.1' and breakdown='herkomst_maalgruppe' and breakdown_value like '% / jobafklaring')
select z.period, round(z.n - sum(j.n) filter (where not j.s), 2) as hidden_sum,
       list(j.bv) filter (where j.s) as hidden_cells
from z join j using (period) group by z.period, z.n
having count(*) filter (where j.s) >= 1
   and z.n - sum(j.n) filter (where not j.s) between 0.01 and 4.99
order by 1;
