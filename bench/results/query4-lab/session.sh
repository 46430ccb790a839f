#!/bin/bash
# One lock hold: start+load dev2, warm all lab servers, 5 warm rounds, JFR of dev2, then compare.sh query-set.
cd /tmp/q4
echo "hold start $(date -u +%T) $(cut -d' ' -f1-3 /proc/loadavg)"
curl -sf localhost:19703/-/ready >/dev/null || { ./lab.sh start dev2 19703 /tmp/q4/dev2; ./lab.sh load dev2 19703; }
for p in 19703 19702 19701; do END_MS_FILE=/tmp/q4/end_ms timeout 100 python3 /work/wt-query4/bench/lab/loop.py $p 150; done
echo "warm done $(date -u +%T) $(cut -d' ' -f1-3 /proc/loadavg)"
./lab.sh rounds /tmp/q4/r2 ${ROUNDS:-5} "prometheus=19701 base=19702 dev2=19703"
for p in 19701 19702 19703; do python3 /work/wt-query4/bench/lab/fixed.py $p | sed "s/^/$p fixed /"; done
pid=$(cat dev2.pid)
jcmd $pid JFR.start name=prof settings=/tmp/q4/fast.jfc filename=/tmp/q4/prof-dev2.jfr >/dev/null
END_MS_FILE=/tmp/q4/end_ms timeout 60 python3 /work/wt-query4/bench/lab/loop.py 19703 100
jcmd $pid JFR.stop name=prof >/dev/null
echo "compare start $(date -u +%T) $(cut -d' ' -f1-3 /proc/loadavg)"
cd /work/wt-query4 && SERVERS="sextant prometheus" QUERY_WARMUP=20 QUERY_REPEAT=20 SEXTANT_JAR=/tmp/q4/dev2/sextant.jar BENCH_JAR=/tmp/q4/benchmarks.jar bench/compare.sh query-set 2>&1 | tail -40
echo "hold end $(date -u +%T) $(cut -d' ' -f1-3 /proc/loadavg)"
