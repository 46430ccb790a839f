#!/usr/bin/env bash
# Start-up time on a large WAL: Sextant next to Prometheus 2.42, time from process start to the first
# 200 from /-/ready (both answer 503 while the WAL replays), several runs each.
#
#   flock /work/notes/bench.lock bench/wal-startup.sh
#
# The WAL: `promtool tsdb bench write` and `sextant tsdb bench write` with the same input (SeriesModel
# series, written by SeriesJsonFile) and the same work (METRICS series x SCRAPES samples 30 s apart,
# default 100,000 x 1,000 = 100M samples over 8.3 h; promtool's uncompressed WAL of that is ~1 GB),
# each into a fresh directory with compaction off, so the data dir holds only wal/ (no checkpoint) and
# chunks_head/: what a server leaves after hours of ingest before its first block cut. Each server
# is then started on a fresh copy of a data dir (copied before the clock starts) and killed with
# SIGKILL as soon as it is ready (before it compacts anything). Combinations, RUNS each:
#   prometheus on the promtool-written dir, sextant on the sextant-written dir (each on its own
#   format's writer), and sextant on the promtool-written dir (the very same bytes Prometheus read).
# Also recorded: RSS when ready, the data dir's wal/ and chunks_head/ sizes.
# Results: bench/results/wal-startup-<UTC date>.json.
#
# Environment: RUNS (3), METRICS (100000), SCRAPES (1000), KEEP_DATA=dir (reuse/keep the written dirs
# there), SEXTANT_JAR (api/target/sextant.jar with lib/ beside it), BENCH_JAR, SEXTANT_JAVA_OPTS,
# READY_TIMEOUT (600 s), COMBOS (server:writer pairs, default
# "prometheus:promtool sextant:sextant sextant:promtool").
set -euo pipefail
{
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
runs="${RUNS:-3}"
metrics="${METRICS:-100000}"
scrapes="${SCRAPES:-1000}"
ready_timeout="${READY_TIMEOUT:-600}"
sextant_jar="${SEXTANT_JAR:-$root/api/target/sextant.jar}"
bench_jar="${BENCH_JAR:-$root/bench/target/benchmarks.jar}"
jflags=(--add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED)
work="$(mktemp -d /tmp/wal-startup.XXXXXX)"
data="${KEEP_DATA:-$work}"
mkdir -p "$data"
pid=""
cleanup() { [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
port=$(( 20000 + RANDOM % 20000 ))

if [ ! -d "$data/promtool/storage/wal" ] || [ ! -d "$data/sextant/storage/wal" ]; then
  java -cp "$bench_jar" dev.sextant.bench.load.SeriesJsonFile --series="$metrics" --out="$work/series.json" >&2
  promtool tsdb bench write --out="$data/promtool" --metrics="$metrics" --scrapes="$scrapes" "$work/series.json" 2>/dev/null \
    | grep -E 'samples' >&2
  java "${jflags[@]}" -jar "$sextant_jar" tsdb bench write --out="$data/sextant" --metrics="$metrics" --scrapes="$scrapes" \
    "$work/series.json" 2>/dev/null | grep -E 'samples' >&2
  rm -f "$data"/*/{cpu,mem,block,mutex}.prof
fi
printf 'global:\n  scrape_interval: 15s\n' > "$work/prometheus.yml"
results="$work/runs.jsonl"
: > "$results"

one() { # server source run
  local server="$1" src="$2" run="$3"
  local d="$work/run-data" log="$work/server.log"
  rm -rf "$d"; cp -a "$data/$src/storage" "$d"; sync
  local t0 t1 code ms rss
  t0=$(date +%s%N)
  if [ "$server" = prometheus ]; then
    prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$d" \
      --web.listen-address="127.0.0.1:$port" > "$log" 2>&1 &
  else
    java "${jflags[@]}" ${SEXTANT_JAVA_OPTS:-} -jar "$sextant_jar" --config.file="$work/prometheus.yml" \
      --storage.tsdb.path="$d" --web.listen-address="127.0.0.1:$port" > "$log" 2>&1 &
  fi
  pid=$!
  while true; do
    code="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/-/ready" || true)"
    t1=$(date +%s%N)
    [ "$code" = 200 ] && break
    if ! kill -0 "$pid" 2>/dev/null; then echo "$server exited before ready:" >&2; tail -20 "$log" >&2; exit 1; fi
    if (( (t1 - t0) / 1000000000 > ready_timeout )); then echo "$server not ready after $ready_timeout s" >&2; exit 1; fi
    sleep 0.05
  done
  ms=$(( (t1 - t0) / 1000000 ))
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  local series
  series="$(curl -s "http://127.0.0.1:$port/api/v1/query" --data-urlencode 'query=count({__name__=~".+"})' \
    --data-urlencode "time=$(( (scrapes + 99) / 100 * 3000 - 10 ))" | jq -r '.data.result[0].value[1] // "?"' 2>/dev/null || echo '?')"
  kill -9 "$pid"; wait "$pid" 2>/dev/null || true; pid=""
  jq -nc --arg server "$server" --arg source "$src" --argjson run "$run" --argjson ready_ms "$ms" \
    --argjson rss_kb "$rss" --arg series_at_end "$series" --arg load "$(cut -d' ' -f1-3 /proc/loadavg)" \
    --arg log_tail "$(grep -iE 'replay|wal|ready|started' "$log" | tail -8)" \
    '{server:$server, source:$source, run:$run, ready_ms:$ready_ms, rss_at_ready_mib:($rss_kb/1024|floor),
      series_at_end:$series_at_end, load_avg_after:$load, log_tail:$log_tail}' >> "$results"
  printf '%-10s on %-8s run %s: ready after %6d ms, RSS %d MiB, series %s\n' "$server" "$src" "$run" "$ms" \
    "$(( rss / 1024 ))" "$series" >&2
  rm -rf "$d"
}

for r in $(seq 1 "$runs"); do
  for combo in ${COMBOS:-prometheus:promtool sextant:sextant sextant:promtool}; do
    one "${combo%%:*}" "${combo##*:}" "$r"
  done
done

sizes="$(for s in promtool sextant; do printf '{"writer":"%s","wal_bytes":%s,"wal_segments":%s,"chunks_head_bytes":%s}\n' "$s" \
  "$(du -sb "$data/$s/storage/wal" | cut -f1)" "$(ls "$data/$s/storage/wal" | wc -l)" \
  "$(du -sb "$data/$s/storage/chunks_head" | cut -f1)"; done | jq -s .)"
out="$root/bench/results/wal-startup-$stamp.json"
jq -s --arg date "$stamp" --arg load_start "$load_start" --arg load_end "$(cut -d' ' -f1-3 /proc/loadavg)" \
  --arg host "$(nproc) cores, $(free -m | awk '/Mem:/ {print $2}') MiB, $(uname -sr)" \
  --arg prometheus "$(prometheus --version 2>&1 | head -1)" --arg java "$(java -version 2>&1 | head -1)" \
  --arg commit "${JAR_COMMIT:-$(git -C "$root" rev-parse --short HEAD)}" --argjson metrics "$metrics" --argjson scrapes "$scrapes" \
  --argjson sizes "$sizes" \
  'def median: sort | if length % 2 == 1 then .[length/2|floor] else (.[length/2-1] + .[length/2]) / 2 end;
   {meta: {date:$date, machine:$host, load_avg_at_start:$load_start, load_avg_at_end:$load_end, prometheus:$prometheus,
           java:$java, commit:$commit, metrics:$metrics, scrapes:$scrapes, samples:($metrics*(($scrapes+99)/100|floor)*100),
           data:$sizes},
    medians: (group_by(.server + " on " + .source) | map({key: (.[0].server + " on " + .[0].source + "-written dir"),
       value: {ready_ms: (map(.ready_ms)|median), rss_at_ready_mib: (map(.rss_at_ready_mib)|median), runs: length}}) | from_entries),
    runs: .}' "$results" > "$out"
jq '.meta.data, .medians' "$out"
echo "wrote $out" >&2
exit 0
}
