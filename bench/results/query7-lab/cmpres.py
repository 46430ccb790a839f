#!/usr/bin/env python3
# cmpres.py DIR_A DIR_B : per result file, same series/timestamps and max relative value error
import sys, os, math
a, b = sys.argv[1], sys.argv[2]
def load(p):
    out = {}
    for line in open(p):
        line = line.rstrip('\n')
        if not line: continue
        k, v = line.rsplit('\t', 1)
        out[k] = v
    return out
worst = 0; bad = 0; n = 0
for f in sorted(os.listdir(a)):
    pa, pb = load(os.path.join(a, f)), load(os.path.join(b, f))
    n += 1
    if pa.keys() != pb.keys():
        print(f, 'DIFFERENT points', len(pa), len(pb)); bad += 1; continue
    m = 0
    for k in pa:
        x, y = pa[k], pb[k]
        if x == y: continue
        fx, fy = float(x), float(y)
        if math.isnan(fx) and math.isnan(fy): continue
        r = abs(fx - fy) / max(abs(fx), abs(fy))
        m = max(m, r)
    worst = max(worst, m)
    print(f'{f}: {len(pa)} points, max rel err {m:.1e}' + ('  OVER 1e-9' if m > 1e-9 else ''))
    bad += m > 1e-9
print(f'{n} results, {bad} not within 1e-9, worst {worst:.1e}')
