#!/usr/bin/env python3
# labtable.py DIR [baseline=prometheus] : per-query median over rounds of each server's per-round median, ratios
import json, glob, re, statistics, sys, collections
d = sys.argv[1]
runs = collections.defaultdict(lambda: collections.defaultdict(list))
for f in sorted(glob.glob(d + '/q-*-r*.json')):
    m = re.match(r'.*/q-(.+)-r(\d+)\.json', f); name = m.group(1)
    for q in json.load(open(f))['queries']:
        runs[(q['name'], q['kind'])][name].append(q['median_ms'])
names = sorted({n for v in runs.values() for n in v if n != 'prometheus'})
hdr = '| query | kind | prometheus ms | ' + ' | '.join(f'{n} ms | {n}/prom' for n in names) + ' | ' + ' | '.join(f'{n} per round' for n in names + ['prometheus']) + ' |'
print(hdr); print('|' + '|'.join([':--', ':--'] + ['--:'] * (1 + 2 * len(names)) + [':--'] * (len(names) + 1)) + '|')
met = collections.Counter(); ratios = collections.defaultdict(list)
for k, v in runs.items():
    p = statistics.median(v['prometheus'])
    cells = []
    for n in names:
        s = statistics.median(v[n]); r = s / p; ratios[n].append(r); met[n] += r <= 0.5
        cells.append(f'{s:.2f} | {"**%.2f**" % r if r <= 0.5 else "%.2f" % r}')
    per = [' / '.join('%.2f' % x for x in v[n]) for n in names + ['prometheus']]
    print(f'| {k[0]} | {k[1]} | {p:.2f} | ' + ' | '.join(cells) + ' | ' + ' | '.join(per) + ' |')
for n in names:
    print(f'{n}: <= 0.5x on {met[n]} of {len(runs)}, median ratio {statistics.median(ratios[n]):.2f}')
