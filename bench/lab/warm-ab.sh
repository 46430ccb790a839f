#!/bin/bash
# warm-ab.sh OUTDIR "name=jardir ..." : A/B of Sextant builds against Prometheus on warm servers.
# Starts every build (jardir holds sextant.jar and lib/) and Prometheus side by side, loads each with
# the query-set data (100k series x 20 samples, same end timestamp), then ROUNDS rounds; in each round
# the servers come in random order and each gets fixed.py (per-request overhead); then ONE bench
# QuerySetRunner process over all servers (WARM=150 untimed passes of the set, ROUNDS rounds x N
# requests per query, servers interleaved in random order per query; runner/table.md holds the
# per-query table, runner/<name>/queries.json the figures). (Before 2026-11-26 query6: one runner JVM
# per server and round, 20 + 20 requests, and labtable.py over q-NAME-rR.json.) JFR_FOR=name
# profiles that server afterwards (LOOP_FILTER: query substrings for loop.py, 1 ms sampling).
# Run it as `flock -o /work/notes/bench.lock ...` (-o: the servers it starts must not inherit the
# lock); it stops everything it starts.
# Env: BENCH_JAR (default bench/target/benchmarks.jar; copy it away first), ROUNDS (3), PY=1 adds qs.sh.
set -u
lab=$(cd "$(dirname "$0")" && pwd)
bench_jar=$(readlink -f "${BENCH_JAR:-$lab/../target/benchmarks.jar}")
out=$1; builds=$2; rounds=${ROUNDS:-3}; n=${N:-20}
mkdir -p $out; cd $out; out=$PWD
flags=(--add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED)
pids=(); trap 'for p in "${pids[@]}"; do kill $p 2>/dev/null; done; wait' EXIT
end=$(( ($(date +%s) / 15) * 15 * 1000 )); echo $end > end_ms
port=19600; declare -A ports
for b in $builds; do name=${b%%=*}; dir=${b#*=}; port=$((port+1)); ports[$name]=$port; rm -rf data-$name
  java "${flags[@]}" -jar $dir/sextant.jar --web.enable-remote-write-receiver --storage.tsdb.path=data-$name --web.listen-address=127.0.0.1:$port > $name.log 2>&1 & pids+=($!)
done
port=$((port+1)); ports[prometheus]=$port; rm -rf data-prom; printf 'global:\n  scrape_interval: 15s\n' > prom.yml
/usr/bin/prometheus --config.file=prom.yml --storage.tsdb.path=data-prom --web.listen-address=127.0.0.1:$port --web.enable-remote-write-receiver > prom.log 2>&1 & pids+=($!)
for name in "${!ports[@]}"; do p=${ports[$name]}
  for i in $(seq 60); do curl -sf localhost:$p/-/ready >/dev/null && break; sleep 1; done
  java -cp $bench_jar dev.sextant.bench.load.RemoteWriteLoad --url=http://127.0.0.1:$p/api/v1/write --series=100000 --samples=20 --interval=15s --batch=2000 --concurrency=2 --end-ms=$end > load-$name.log 2>&1
  echo "$name loaded: $(tail -1 load-$name.log | cut -c1-80)"
done
sleep 5
echo "uptime start $(uptime)"
for r in $(seq $rounds); do for name in $(printf '%s\n' "${!ports[@]}" | shuf); do p=${ports[$name]}
  echo "== round $r $name $(date -u +%T) $(uptime | sed 's/.*load/load/')"; python3 $lab/fixed.py $p | sed "s/^/$name r$r fixed /"
  if [ "${PY:-0}" = 1 ]; then END_MS_FILE=$PWD/end_ms bash $lab/qs.sh $p $n | sed "s/^/$name r$r /"; fi
done; done
list=$(for name in "${!ports[@]}"; do echo -n "$name=http://127.0.0.1:${ports[$name]},"; done)
java -cp $bench_jar dev.sextant.bench.load.QuerySetRunner --servers=${list%,} --start-ms=$((end-19*15000)) --end-ms=$end \
  --step=15s --warmup-passes=${WARM:-150} --rounds=$rounds --repeat=$n --out-dir=$out/runner > runner.log 2>&1
cat $out/runner/table.md
if [ -n "${JFR_FOR:-}" ]; then p=${ports[$JFR_FOR]}; pid=$(pgrep -f "listen-address=127.0.0.1:$p")
  # The JDK's "profile" settings with method sampling every 1 ms instead of 10 ms.
  jh=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
  sed '/<event name="jdk.ExecutionSample">/,/<\/event>/s|>10 ms<|>1 ms<|' "$jh/lib/jfr/profile.jfc" > fast.jfc
  jcmd $pid JFR.stop name=1 >/dev/null 2>&1; jcmd $pid JFR.start name=prof settings=$PWD/fast.jfc filename=$PWD/prof-$JFR_FOR.jfr >/dev/null
  for f in ${LOOP_FILTER:-_}; do END_MS_FILE=$PWD/end_ms timeout 60 python3 $lab/loop.py $p ${LOOPS:-40} "$f"; done
  jcmd $pid JFR.stop name=prof >/dev/null; echo "jfr written prof-$JFR_FOR.jfr"
fi
echo "uptime end $(uptime)"
