#!/bin/bash
# lab.sh start NAME PORT [JARDIR] | load NAME PORT | stop NAME | measure OUTDIR "name=port ..."
# Servers live under /tmp/q7 (data-NAME, NAME.log, NAME.pid); end_ms holds the data's end timestamp.
# `measure` is ONE QuerySetRunner process over all the named servers (warm-up passes, then rounds,
# servers interleaved per query in random order): WARM (150) passes, ROUNDS (15), N (20) per query.
set -u
L=/tmp/q7; bj=$L/benchmarks.jar
flags=(--add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED)
cmd=$1; shift
case $cmd in
start) name=$1; port=$2; dir=${3:-}; rm -rf $L/data-$name
  if [ "$name" = prometheus ]; then printf 'global:\n  scrape_interval: 15s\n' > $L/prom.yml
    setsid /usr/bin/prometheus --config.file=$L/prom.yml --storage.tsdb.path=$L/data-$name --web.listen-address=127.0.0.1:$port --web.enable-remote-write-receiver > $L/$name.log 2>&1 < /dev/null &
  else setsid java "${flags[@]}" ${JOPT:-} -XX:CompileThresholdScaling=4 -jar $dir/sextant.jar --web.enable-remote-write-receiver --storage.tsdb.path=$L/data-$name --web.listen-address=127.0.0.1:$port > $L/$name.log 2>&1 < /dev/null & fi
  echo $! > $L/$name.pid
  for i in $(seq 60); do curl -sf localhost:$port/-/ready >/dev/null && break; sleep 1; done; echo "$name up pid $(cat $L/$name.pid)";;
load) name=$1; port=$2; end=$(cat $L/end_ms)
  java -cp $bj dev.sextant.bench.load.RemoteWriteLoad --url=http://127.0.0.1:$port/api/v1/write --series=100000 --samples=20 --interval=15s --batch=2000 --concurrency=2 --end-ms=$end > $L/load-$name.log 2>&1; tail -1 $L/load-$name.log | cut -c1-100;;
stop) kill $(cat $L/$1.pid);;
measure) out=$1; servers=$2; mkdir -p $out; end=$(cat $L/end_ms)
  list=$(for s in $servers; do echo -n "${s%%=*}=http://127.0.0.1:${s#*=},"; done)
  echo "measure start $(date -u +%T) $(cut -d' ' -f1-3 /proc/loadavg)"
  java -cp $bj dev.sextant.bench.load.QuerySetRunner --servers=${list%,} --start-ms=$((end-19*15000)) --end-ms=$end --step=15s \
    --warmup-passes=${WARM:-150} --rounds=${ROUNDS:-15} --repeat=${N:-20} --out-dir=$out > $out/runner.log 2>&1
  echo "measure end $(date -u +%T) $(cut -d' ' -f1-3 /proc/loadavg)"
  grep -A30 '^| query' $out/runner.log;;
esac
