#!/bin/bash
# hold.sh OUTDIR : one fair A/B hold, run as `flock -o /work/notes/bench.lock ./hold.sh OUTDIR`.
# Prometheus 2.42, base (main bd81c6e, /tmp/q7/base), mid (a6f9208: formatter + leak sampling off,
# /tmp/q7/mid) and new (this branch, /tmp/q7/new) restarted on fresh data directories, loaded with the
# same 100k x 20 samples (same end timestamp), then ONE QuerySetRunner over all four: WARM (150)
# untimed passes, ROUNDS (15) rounds x N (20) requests per query, servers in random order per query;
# then fixed.py (query=1 cost) and cmpres.py of each build's last answers against Prometheus's.
cd /tmp/q7; out=$1; mkdir -p $out
echo "hold start $(date -u +%T) $(cut -d' ' -f1-3 /proc/loadavg)"
for s in prometheus base mid new; do [ -f $s.pid ] && kill $(cat $s.pid) 2>/dev/null; done; sleep 2
echo $(( ($(date +%s) / 15) * 15 * 1000 )) > end_ms; cp end_ms $out/
./lab.sh start prometheus 19811; ./lab.sh start base 19812 /tmp/q7/base; ./lab.sh start mid 19813 /tmp/q7/mid; ./lab.sh start new 19814 /tmp/q7/new
S="prometheus=19811 base=19812 mid=19813 new=19814"
for s in $S; do ./lab.sh load ${s%%=*} ${s#*=}; done
echo "loaded $(date -u +%T) $(cut -d' ' -f1-3 /proc/loadavg)"
WARM=100 ROUNDS=12 ./lab.sh measure $out "$S"
for s in $S; do python3 fixed.py ${s#*=} | sed "s/^/fixed ${s%%=*} /"; done
for b in base mid new; do echo "cmpres $b vs prometheus:"; python3 cmpres.py $out/$b/results $out/prometheus/results | tail -1; python3 cmpres.py $out/$b/results $out/prometheus/results > $out/compare-$b-vs-prometheus.txt; done
for s in prometheus base mid new; do ./lab.sh stop $s; done
echo "hold end $(date -u +%T) $(cut -d' ' -f1-3 /proc/loadavg)"
