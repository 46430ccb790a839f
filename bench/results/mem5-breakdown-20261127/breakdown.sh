#!/usr/bin/env bash
# usage: breakdown.sh <jarDir> <outDir> [extra JVM opts...]
set -u
jar="$1/sextant.jar"; out="$2"; shift 2
mkdir -p "$out"; rm -rf "$out/data"
port=19${RANDOM:0:3}
port=$((19000 + RANDOM % 900))
url="http://127.0.0.1:$port"
echo "load at start: $(uptime)" > "$out/info.txt"
java --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
  --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED \
  -XX:CompileThresholdScaling=4 "$@" -jar "$jar" --web.enable-remote-write-receiver \
  --storage.tsdb.path="$out/data" --web.listen-address="127.0.0.1:$port" > "$out/server.log" 2>&1 &
pid=$!
for i in $(seq 1 120); do curl -sf -o /dev/null "$url/-/ready" && break; sleep 0.5; done
sleep 2
grep VmRSS /proc/$pid/status > "$out/rss-idle.txt"
jcmd $pid VM.native_memory summary > "$out/nmt-idle.txt" 2>&1
ims=15000
end=$(( $(date +%s) * 1000 / ims * ims )); start=$(( end - 19 * ims ))
t0=$(awk '{print $14+$15}' /proc/$pid/stat)
java -cp /tmp/mem5/benchmarks.jar dev.sextant.bench.load.RemoteWriteLoad --url="$url/api/v1/write" --series=100000 \
  --samples=20 --interval=15s --batch=2000 --concurrency=2 --end-ms=$(( start - ims )) --timeout=240s --json-out="$out/warm.json" > "$out/warm.log" 2>&1
t1=$(awk '{print $14+$15}' /proc/$pid/stat)
java -cp /tmp/mem5/benchmarks.jar dev.sextant.bench.load.RemoteWriteLoad --url="$url/api/v1/write" --series=100000 \
  --samples=20 --interval=15s --batch=2000 --concurrency=2 --end-ms=$end --timeout=240s --json-out="$out/load.json" > "$out/load.log" 2>&1
t2=$(awk '{print $14+$15}' /proc/$pid/stat)
echo "cpu ticks fresh $((t1-t0)) warmed $((t2-t1))" >> "$out/info.txt"
sleep 10
grep -E "VmRSS|VmHWM|RssAnon|RssFile|RssShmem" /proc/$pid/status > "$out/rss-after.txt"
cat /proc/$pid/smaps_rollup > "$out/smaps-rollup.txt"; cat /proc/$pid/smaps > "$out/smaps.txt"; jcmd $pid GC.heap_info > "$out/heapinfo-0.txt" 2>&1
jcmd $pid VM.native_memory summary > "$out/nmt-after.txt" 2>&1; jcmd $pid VM.native_memory detail > "$out/nmt-detail.txt" 2>&1
jcmd $pid GC.heap_info > "$out/heapinfo-before.txt" 2>&1
curl -s "$url/metrics" | grep -E "^sextant_tsdb_(head|mem)|^jvm_memory|^sextant.*bytes" > "$out/metrics.txt"
jcmd $pid GC.class_histogram > "$out/histo.txt" 2>&1
jcmd $pid GC.heap_info > "$out/heapinfo-after-fullgc.txt" 2>&1
grep -E "VmRSS" /proc/$pid/status > "$out/rss-after-fullgc.txt"
awk '$2 ~ /chunks_head|wal/ {print}' /proc/$pid/maps | head -20 > "$out/maps-files.txt"
du -sb "$out/data"/* >> "$out/maps-files.txt"
echo "load at end: $(uptime)" >> "$out/info.txt"
kill $pid; wait $pid
