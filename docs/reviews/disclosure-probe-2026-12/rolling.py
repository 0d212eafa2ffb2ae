"""Rolling-year attack: a 12-month window is the sum of its months; consecutive windows share
11 of them. Unknowns: each series' monthly amounts (>= 0); shown windows are equations; the
breakdown adds up month by month. LP bounds on every hidden window. Published cells only."""
import duckdb, numpy as np, pandas as pd, sys
from scipy.optimize import linprog
from scipy.sparse import lil_matrix, csr_matrix, vstack

import os
PUB = os.environ.get('BKWH_ANALYTICS_PATH', 'data/analytics.duckdb')
ind = sys.argv[1]; q = sys.argv[2]; absent_zero = 'absent0' in sys.argv[3:]
# added after the probe: `months` bounds each series' monthly amount instead of the hidden
# windows (a month is never published; where the windows hold it between 1 and 4, e.g. 3.3's
# awards to an age group in a month, it is a small count derived from what is)
monthly = 'months' in sys.argv[3:]
c = duckdb.connect(PUB, read_only=True)
# a calendar year (period type year, since December 2026) is the window ending in its December
df = c.sql(f"select case when period_type = 'year' then period + interval 11 month else period end p, breakdown b, breakdown_value v, numerator n, denominator d, unit, is_suppressed s "
           f"from marts.fct_indicator_values where area_code=151 and indicator_id='{ind}'").df()
df = df[~df.unit.isin(['pct_points', 'ratio'])]
df['key'] = df.b + '|' + df.v
periods = sorted(df.p.unique())
first = pd.Timestamp(periods[0]) - pd.DateOffset(months=11)
months = list(pd.date_range(first, pd.Timestamp(periods[-1]), freq='MS'))
mi = {m: k for k, m in enumerate(months)}
series = sorted(df.key.unique())
si = {s: k for k, s in enumerate(series)}
NV = len(series) * len(months)
var = lambda s, m: si[s] * len(months) + mi[m]
rows, rhs = [], []
def window(s, t):
    r = np.zeros(NV)
    t = pd.Timestamp(t)
    for k in range(12):
        r[var(s, t - pd.DateOffset(months=k))] = 1
    return r
shown = df[~df.s]
for r in shown.itertuples():
    rows.append(window(r.key, r.p)); rhs.append(getattr(r, q))
if absent_zero:
    present = set(zip(df.key, df.p))
    for s in series:
        for t in periods:
            if (s, t) not in present:
                rows.append(window(s, t)); rhs.append(0.0)
# monthly additivity
def parts(b, v):
    return dict(zip(b.split('_'), v.split(' / '))) if b != 'total' else {}
info = {s: (s.split('|')[0], parts(*s.split('|'))) for s in series}
rel = []
for s, (b, d) in info.items():
    # combined origin = its two parts
    if ' og ' in d.get('herkomst', ''):
        ps = []
        for part in d['herkomst'].split(' og '):
            dd = dict(d); dd['herkomst'] = part
            k = b + '|' + ' / '.join(dd[x] for x in b.split('_'))
            if k in si: ps.append(k)
        if len(ps) == 2: rel.append((s, ps))
        continue
    # coarser plain cell = sum of finer plain cells agreeing on its dims (herkomst_maalgruppe -> herkomst; alder -> total)
    for s2, (b2, d2) in info.items():
        pass
for s, (b, d) in info.items():
    if any(' og ' in x for x in d.values()): continue
    for bc in set(x[0] for x in info.values()):
        cd = set() if bc == 'total' else set(bc.split('_'))
        fd = set(d)
        if not cd < fd: continue
        par = [s2 for s2, (b2, d2) in info.items() if b2 == bc and not any(' og ' in x for x in d2.values())
               and all(d2[k] == d[k] for k in cd)]
        for p_ in par:
            rel.append((p_, 'child', s))
from collections import defaultdict
children = defaultdict(list)
for r in rel:
    if len(r) == 3: children[r[0]].append(r[2])
    pass
comb = [r for r in rel if len(r) == 2]
if q == 'n' or ind != '5.1':
    for p_, ch in list(children.items()):
        for m in months:
            r = np.zeros(NV); r[var(p_, m)] = 1
            for s in set(ch): r[var(s, m)] -= 1
            rows.append(r); rhs.append(0.0)
for p_, ch in comb:
    for m in months:
        r = np.zeros(NV); r[var(p_, m)] = 1
        for s in ch: r[var(s, m)] -= 1
        rows.append(r); rhs.append(0.0)
A = csr_matrix(np.array(rows)); b = np.array(rhs)
EPS = float(__import__("os").environ.get("EPS", "2e-3"))
opts = dict(A_ub=vstack([A, -A]), b_ub=np.concatenate([b + EPS, -b + EPS]), bounds=(0, None), method='highs')
f = linprog(np.zeros(NV), **opts)
print(ind, q, 'series', len(series), 'months', len(months), 'equations', len(rows), 'feasible', f.status == 0, file=sys.stderr)
if f.status != 0: sys.exit(1)
if monthly:
    held = []
    start = linprog(np.ones(NV), **opts)  # the least of all together: most months can be 0
    for k in np.flatnonzero(start.x > 1e-6):
        e = np.zeros(NV); e[k] = 1
        lo = linprog(e, **opts)
        if lo.status != 0 or lo.fun <= 0.01:
            continue
        hi = linprog(-e, **opts)
        if hi.status == 0 and -hi.fun < 4.99:
            s, m = series[k // len(months)], months[k % len(months)]
            held.append(dict(series=s, month=str(m.date()), lo=round(lo.fun, 4), hi=round(-hi.fun, 4)))
    o = pd.DataFrame(held)
    o.to_csv(f'months_{ind}_{q}.csv', index=False)
    print('monthly amounts', NV, 'held in (0,5):', len(o), file=sys.stderr)
    print(o.to_string())
    sys.exit(0)
out = []
hidden = df[df.s]
for r in hidden.itertuples():
    w = window(r.key, r.p)
    lo = linprog(w, **opts); hi = linprog(-w, **opts)
    lo_v = lo.fun; hi_v = -hi.fun if hi.status == 0 else np.inf
    out.append(dict(period=str(pd.Timestamp(r.p).date()), i=ind, b=r.b, v=r.v, q=q, lo=round(lo_v, 4), hi=round(hi_v, 4),
                    determined=hi_v - lo_v < 1e-2))
o = pd.DataFrame(out)
o.to_csv(f'rolling_{ind}_{q}{"_a0" if absent_zero else ""}_all.csv', index=False)
small = o[(o.lo > 0.01) & (o.hi < 4.99)]
small.to_csv(f'rolling_{ind}_{q}{"_a0" if absent_zero else ""}.csv', index=False)
print('hidden windows', len(o), 'held in (0,5):', len(small), 'determined:', int(o.determined.sum()), file=sys.stderr)
print(small.to_string())
