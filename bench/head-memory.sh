#!/usr/bin/env bash
# Memory per active series at 1M series x 120 samples: Sextant's head in its own JVM
# (dev.sextant.bench.load.HeadMemory), next to Prometheus 2.42's head doing the same kind of work
# in promtool's write benchmark.
#
#   flock /work/notes/bench.lock bench/head-memory.sh
#
# 1. HeadMemory with the launcher's JVM defaults (no -Xmx: max heap = 1/4 of RAM), 1M SeriesModel
#    series x 120 samples 15 s apart in commits of 1,000, then a full GC and VmRSS / VmHWM / heap /
#    off-heap per series; a class histogram (jcmd GC.class_histogram) is taken while it holds.
# 2. The same with -Xmx set to 1.5 x the heap used after GC in run 1 (rounded up to 64 MiB), i.e.
#    what a user sizing the heap for this load would run, with -XX:NativeMemoryTracking=summary and
#    jcmd VM.native_memory summary (NMT costs a few MB of its own).
# 3. Peak RSS (VmHWM, /usr/bin/time) of `promtool tsdb bench write --metrics=1000000 --scrapes=100`
#    and of `sextant tsdb bench write` with the same input (SeriesJsonFile, 1M series): both heads
#    hold 1M series x 100 samples at the end (promtool rounds scrapes to hundreds, so not 120).
# Results: bench/results/head-memory-<UTC date>.json (+ .txt with the histogram and NMT output).
#
# Environment: SERIES (1000000), SAMPLES (120), SEXTANT_JAR, BENCH_JAR (copy both away first),
# SKIP_PROMTOOL=1.
set -euo pipefail
{
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
series="${SERIES:-1000000}"
samples="${SAMPLES:-120}"
sextant_jar="${SEXTANT_JAR:-$root/api/target/sextant.jar}"
bench_jar="${BENCH_JAR:-$root/bench/target/benchmarks.jar}"
jflags=(--add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED)
work="$(mktemp -d /tmp/head-memory.XXXXXX)"
pid=""
cleanup() { [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
txt="$root/bench/results/head-memory-$stamp.txt"
: > "$txt"

headmem() { # label, extra jcmd, jvm opts...
  local label="$1" diag="$2"; shift 2
  local out="$work/$label.out"
  java "${jflags[@]}" "$@" -cp "$bench_jar" dev.sextant.bench.load.HeadMemory --series="$series" --samples="$samples" \
    --dir="$work/data-$label" --hold=120 > "$out" 2> "$work/$label.err" &
  pid=$!
  while [ ! -s "$out" ]; do
    kill -0 "$pid" 2>/dev/null || { echo "HeadMemory ($label) failed:" >&2; tail -20 "$work/$label.err" >&2; exit 1; }
    sleep 1
  done
  { echo "=== $label: JVM options: $*"; echo "=== GC.class_histogram (top 30)"; jcmd "$pid" GC.class_histogram | head -33
    if [ "$diag" = nmt ]; then echo "=== VM.native_memory summary"; jcmd "$pid" VM.native_memory summary; fi
    echo; } >> "$txt"
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
  rm -rf "$work/data-$label"
  jq -c --arg lbl "$label" '. + {label:$lbl}' "$out"
}

r1="$(headmem launcher-defaults none)"
echo "$r1" | jq -c '{"label": .label, vm_rss_per_series, vm_hwm_per_series, heap_used_after_gc, offheap_head_chunks}' >&2
xmx_mib=$(( ( $(echo "$r1" | jq '.heap_used_after_gc') * 3 / 2 / 1048576 + 63 ) / 64 * 64 ))
r2="$(headmem "xmx${xmx_mib}m" nmt "-Xmx${xmx_mib}m" -XX:NativeMemoryTracking=summary)"
echo "$r2" | jq -c '{"label": .label, vm_rss_per_series, vm_hwm_per_series, heap_used_after_gc, offheap_head_chunks}' >&2

pt="[]"
if [ "${SKIP_PROMTOOL:-0}" != 1 ]; then
  java -cp "$bench_jar" dev.sextant.bench.load.SeriesJsonFile --series="$series" --out="$work/series.json" >&2
  for tool in promtool sextant; do
    if [ "$tool" = promtool ]; then
      /usr/bin/time -o "$work/time" -f '%e %U %S %M' promtool tsdb bench write --out="$work/bw" --metrics="$series" \
        --scrapes=100 "$work/series.json" > "$work/bw.log" 2>/dev/null
    else
      /usr/bin/time -o "$work/time" -f '%e %U %S %M' java "${jflags[@]}" -jar "$sextant_jar" tsdb bench write \
        --out="$work/bw" --metrics="$series" --scrapes=100 "$work/series.json" > "$work/bw.log" 2>/dev/null
    fi
    read -r wall user sys maxrss < "$work/time"
    rm -rf "$work/bw"
    pt="$(echo "$pt" | jq -c --arg tool "$tool" --argjson wall "$wall" --argjson cpu "$(echo "$user + $sys" | bc)" \
      --argjson maxrss_kb "$maxrss" --argjson series "$series" --arg rate "$(sed -n 's/^ > samples\/sec: //p' "$work/bw.log")" \
      '. + [{tool:$tool, series:$series, samples_per_series:100, wall_s:$wall, cpu_s:$cpu, vm_hwm_bytes:($maxrss_kb*1024),
             vm_hwm_per_series:($maxrss_kb*1024/$series), samples_per_sec:$rate}]')"
    echo "$pt" | jq -c '.[-1]' >&2
  done
fi

out="$root/bench/results/head-memory-$stamp.json"
jq -n --arg date "$stamp" --arg load_start "$load_start" --arg load_end "$(cut -d' ' -f1-3 /proc/loadavg)" \
  --arg host "$(nproc) cores, $(free -m | awk '/Mem:/ {print $2}') MiB, $(uname -sr)" \
  --arg promtool "$(promtool --version 2>&1 | head -1)" --arg java "$(java -version 2>&1 | head -1)" \
  --arg commit "${JAR_COMMIT:-$(git -C "$root" rev-parse --short HEAD)}" --argjson r1 "$r1" --argjson r2 "$r2" --argjson pt "$pt" \
  '{meta: {date:$date, machine:$host, load_avg_at_start:$load_start, load_avg_at_end:$load_end, promtool:$promtool,
           java:$java, commit:$commit}, head_memory: [$r1, $r2], bench_write_peak_rss: $pt}' > "$out"
jq -c '.head_memory[] | {"label": .label, vm_rss_per_series, vm_hwm_per_series, heap_used_per_series, offheap_head_chunks_per_series}' "$out"
jq -c '.bench_write_peak_rss[]' "$out"
echo "wrote $out and $txt" >&2
exit 0
}
