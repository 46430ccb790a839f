#!/bin/bash
# hold.sh OUTDIR : one fair A/B hold, run as `flock -o /work/notes/bench.lock ./hold.sh OUTDIR`
# (-o: the servers started here do not inherit the lock). Prometheus 2.42, base (/tmp/q6/base) and
# new (/tmp/q6/new) are restarted on fresh data directories, loaded with the same 100k x 20 samples
# (same end timestamp), then ONE QuerySetRunner process measures all three: WARM (150) untimed
# passes of the set over every server, ROUNDS (15) rounds x N (20) requests per query, servers in
# random order per query; then fixed.py (query=1 cost), cmpres.py of each build's last answers
# against Prometheus's, and the servers are stopped.
cd /tmp/q6; out=$1; mkdir -p $out
echo "hold start $(date -u +%T) $(cut -d' ' -f1-3 /proc/loadavg)"
for s in prometheus base new hack; do [ -f $s.pid ] && kill $(cat $s.pid) 2>/dev/null; done; sleep 3
echo $(( ($(date +%s) / 15) * 15 * 1000 )) > end_ms; cp end_ms $out/
./lab.sh start prometheus 19811; ./lab.sh start base 19812 /tmp/q6/base; ./lab.sh start new 19813 /tmp/q6/new
for s in prometheus=19811 base=19812 new=19813; do ./lab.sh load ${s%%=*} ${s#*=}; done
echo "loaded $(date -u +%T) $(cut -d' ' -f1-3 /proc/loadavg)"
./lab.sh measure $out "prometheus=19811 base=19812 new=19813"
for p in 19811 19812 19813; do python3 /work/wt-query6/bench/lab/fixed.py $p | sed "s/^/fixed /"; done
for b in base new; do echo "cmpres $b vs prometheus:"; python3 cmpres.py $out/$b/results $out/prometheus/results | tail -1; python3 cmpres.py $out/$b/results $out/prometheus/results > $out/compare-$b-vs-prometheus.txt; done
for s in prometheus base new; do ./lab.sh stop $s; done
echo "hold end $(date -u +%T) $(cut -d' ' -f1-3 /proc/loadavg)"
