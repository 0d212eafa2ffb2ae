-- Attack A: 2.4 (dagpenge recipients in a virksomhedsrettet tilbud) = 5.4's dagpenge target group summed over origin.
-- hidden 5.4 'ikke-vestlig / dagpenge' ~= 2.4 total - 5.4 'øvrige / dagpenge';
-- then 'ikke-vestlig / kh_aabenlyst_uddannelsesparat' = 5.4 herkomst 'ikke-vestlig' - 'ikke-vestlig / kh_jobparat' - that.
with v as (select * from marts.fct_indicator_values where area_code=151),
t24 as (select period, numerator n, denominator d from v where indicator_id='2.4' and breakdown='total'),
c as (select period, breakdown_value bv, numerator n, denominator d, is_suppressed s from v where indicator_id='5.4'),
p as (
 select t24.period,
  t24.n - ov.n as nw_dag_n, t24.d - ov.d as nw_dag_d, nwd.s as nw_dag_supp,
  nw.n nw_n, nw.d nw_d, nwj.n nwj_n, nwj.d nwj_d, nwj.s nwj_s, nwa.s nwa_s, nwa.n nwa_pub_n,
  ov.s ov_s
 from t24
 join c ov  on ov.period=t24.period and ov.bv='øvrige / dagpenge'
 join c nwd on nwd.period=t24.period and nwd.bv='ikke-vestlig / dagpenge'
 join c nw  on nw.period=t24.period and nw.bv='ikke-vestlig'
 left join c nwj on nwj.period=t24.period and nwj.bv='ikke-vestlig / kh_jobparat'
 left join c nwa on nwa.period=t24.period and nwa.bv like 'ikke-vestlig / %aabenlyst_uddannelsesparat'
)
select period, nw_dag_supp, nw_dag_n, nw_dag_d,
  nw_n - coalesce(nwj_n,0) - nw_dag_n as nw_aab_n, nw_d - coalesce(nwj_d,0) - nw_dag_d as nw_aab_d, nwa_s, nwj_s, ov_s
from p where nw_dag_supp order by period;
