#!/bin/bash
# prof.sh NAME JARDIR PORT : run as flock -o /work/notes/bench.lock ./prof.sh ...
cd /tmp/q7; name=$1; dir=$2; port=$3; out=/tmp/q7/prof/$name; mkdir -p $out
echo "prof start $(date -u +%T) $(cut -d' ' -f1-3 /proc/loadavg)"
flags=(--add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED)
rm -rf data-$name; echo $(( ($(date +%s) / 15) * 15 * 1000 )) > end_ms
setsid java "${flags[@]}" -XX:CompileThresholdScaling=4 -XX:+PreserveFramePointer -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints -jar $dir/sextant.jar --web.enable-remote-write-receiver --storage.tsdb.path=/tmp/q7/data-$name --web.listen-address=127.0.0.1:$port > $name.log 2>&1 < /dev/null &
pid=$!; echo $pid > $name.pid
for i in $(seq 60); do curl -sf localhost:$port/-/ready >/dev/null && break; sleep 1; done
./lab.sh load $name $port
END_MS_FILE=/tmp/q7/end_ms python3 loop.py $port 150
for spec in "instant|1" "instant|http_requests_total{job=\"api\"}" "range|http_requests_total{job=\"api\"}" "range|rate(node_network_receive_bytes_total{namespace=~\"ns-(1|2|3)\"}[5m])"; do
  kind=${spec%%|*}; q=${spec#*|}; tag=$kind-$(echo "$q" | tr -dc 'a-z' | cut -c1-12)
  python3 tight.py $port 5 $kind "$q"
  python3 tight.py $port 14 $kind "$q" & cl=$!
  sleep 2; perf record -F 1999 -g -p $pid -o $out/$tag.perf.data -- sleep 10 2>&1 | tail -1
  wait $cl
done
jcmd $pid Compiler.perfmap >/dev/null
echo "prof end $(date -u +%T) $(cut -d' ' -f1-3 /proc/loadavg)"
