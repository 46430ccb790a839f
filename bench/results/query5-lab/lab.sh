#!/bin/bash
# lab.sh start NAME PORT [JARDIR] | load NAME PORT | rounds OUTDIR ROUNDS "name=port ..." | stop NAME
set -u
L=/tmp/q5; lab=/work/wt-query5/bench/lab; bj=$L/benchmarks.jar
flags=(--add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED)
cmd=$1; shift
case $cmd in
start) name=$1; port=$2; dir=${3:-}; rm -rf $L/data-$name
  if [ "$name" = prometheus ]; then printf 'global:\n  scrape_interval: 15s\n' > $L/prom.yml
    setsid /usr/bin/prometheus --config.file=$L/prom.yml --storage.tsdb.path=$L/data-$name --web.listen-address=127.0.0.1:$port --web.enable-remote-write-receiver > $L/$name.log 2>&1 < /dev/null &
  else setsid java "${flags[@]}" -jar $dir/sextant.jar --web.enable-remote-write-receiver --storage.tsdb.path=$L/data-$name --web.listen-address=127.0.0.1:$port > $L/$name.log 2>&1 < /dev/null & fi
  echo $! > $L/$name.pid
  for i in $(seq 60); do curl -sf localhost:$port/-/ready >/dev/null && break; sleep 1; done; echo "$name up pid $(cat $L/$name.pid)";;
load) name=$1; port=$2; end=$(cat $L/end_ms)
  java -cp $bj dev.sextant.bench.load.RemoteWriteLoad --url=http://127.0.0.1:$port/api/v1/write --series=100000 --samples=20 --interval=15s --batch=2000 --concurrency=2 --end-ms=$end > $L/load-$name.log 2>&1; tail -1 $L/load-$name.log | cut -c1-100;;
stop) kill $(cat $L/$1.pid);;
rounds) out=$1; rounds=$2; servers=$3; mkdir -p $out; end=$(cat $L/end_ms)
  echo "uptime start $(uptime)"
  for r in $(seq $rounds); do for s in $(printf '%s\n' $servers | shuf); do name=${s%%=*}; p=${s#*=}
    echo "== round $r $name $(date -u +%T) $(uptime | sed 's/.*load/load/')"
    java -cp $bj dev.sextant.bench.load.QuerySetRunner --url=http://127.0.0.1:$p --start-ms=$((end-19*15000)) --end-ms=$end --step=15s --repeat=${N:-20} --warmup=${W:-20} --json-out=$out/q-$name-r$r.json --results-dir=$out/res-$name > $out/java-$name-r$r.log 2>&1
    tail -1 $out/java-$name-r$r.log
  done; done
  echo "uptime end $(uptime)";;
esac
