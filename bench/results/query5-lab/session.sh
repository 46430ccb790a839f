#!/bin/bash
# Fair A/B hold: Prometheus, base (main 0808997), new (query5) restarted, loaded with the same data
# (fresh end timestamp), each warmed with 150 passes of the set, then ROUNDS rounds in random order.
cd /tmp/q5; out=$1
echo "hold start $(date -u +%T) $(cut -d' ' -f1-3 /proc/loadavg)"
for s in prometheus base new; do [ -f $s.pid ] && kill $(cat $s.pid) 2>/dev/null; done; sleep 3
echo $(( ($(date +%s) / 15) * 15 * 1000 )) > end_ms
./lab.sh start prometheus 19801; ./lab.sh start base 19802 /tmp/q5/base; ./lab.sh start new 19803 $NEWDIR
for s in prometheus=19801 base=19802 new=19803; do ./lab.sh load ${s%%=*} ${s#*=}; done
for p in 19803 19802 19801; do END_MS_FILE=/tmp/q5/end_ms timeout 150 python3 /work/wt-query5/bench/lab/loop.py $p 150; done
echo "warm done $(date -u +%T) $(cut -d' ' -f1-3 /proc/loadavg)"
./lab.sh rounds $out ${ROUNDS:-8} "prometheus=19801 base=19802 new=19803"
for p in 19801 19802 19803; do python3 /work/wt-query5/bench/lab/fixed.py $p | sed "s/^/$p fixed /"; done
echo "jmh start $(date -u +%T) $(cut -d' ' -f1-3 /proc/loadavg)"
for b in base n2; do java -jar /tmp/q5/$b/benchmarks.jar 'PromqlBench.range' -p query=max_over_time,rate_regex,selector -f 1 -wi 3 -i 5 -w 1 -r 1 2>&1 | grep -E "^PromqlBench|^Benchmark" | sed "s/^/jmh $b /"; done
for s in prometheus base new; do ./lab.sh stop $s; done
echo "hold end $(date -u +%T) $(cut -d' ' -f1-3 /proc/loadavg)"
