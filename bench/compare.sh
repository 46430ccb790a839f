#!/usr/bin/env bash
# Runs one workload against Sextant, Prometheus and VictoriaMetrics in turn, on 127.0.0.1, each
# with a fresh data directory, and prints one table with ratios against Prometheus.
#
#   bench/compare.sh remote-write-100k   # 100k series x 20 samples by remote write
#   bench/compare.sh query-set           # the same ingest, then the fixed query set
#   bench/compare.sh remote-write-1m     # 1M series x 10 samples
#   bench/compare.sh scrape-1k-targets   # every server scrapes the same simulated targets
#   bench/compare.sh rules-1k            # 100k series, then 1,000 recording rules every 15s (issue #7)
#
# Environment (all optional):
#   SERVERS="sextant prometheus victoria-metrics"   which servers, in this order; sextant-xmx1g
#                                                   (any size) is Sextant with -Xmx1g
#   SEXTANT_JAR=api/target/sextant.jar              the Sextant server jar (built when missing)
#   SEXTANT_JAVA_OPTS=...                           extra JVM options for Sextant (e.g. -Xmx2g)
#   SERIES, SAMPLES, INTERVAL (15s), BATCH (2000), CONCURRENCY (2)   override the workload
#   LOAD_TIMEOUT=240s                               stop sending after this long (per server)
#   QUERY_REPEAT=5                                  timed repetitions of each query
#   SETTLE_SECONDS=10                               wait after ingest before measuring RSS/queries
#   KEEP=1                                          keep the work directory (logs, data dirs)
#   scrape-1k-targets only: TARGETS (1000), TARGET_SERIES (200), SCRAPE_DURATION (120, seconds
#   measured per server), SCRAPE_WARMUP (45, seconds before measuring: discovery, first scrapes
#   and series creation are left out). The issue's 1,000 x 1,000 for 5 minutes is
#   TARGET_SERIES=1000 SCRAPE_DURATION=300: over 20 minutes for three servers on 2 cores.
#   rules-1k only: RULES (1000), IDLE_SECONDS (60: server CPU with an empty rule file),
#   RULE_SECONDS (120: server CPU with the rules loaded, after RULE_WARMUP=20 s), EVAL_INTERVAL (15s).
#   Samples are stamped up to "now" per server (the rules' 5m windows must hold them), so the
#   servers get the same values at timestamps that differ by the time between their runs.
#
# Measured from outside: client samples/s and latency (RemoteWriteLoad), server CPU-seconds per
# million samples (utime+stime of the server process from /proc/<pid>/stat, before and after the
# load), peak RSS (VmHWM) and RSS per series (VmRSS after the settle wait / series), disk bytes
# per sample (du of the data directory after a graceful shutdown), query median/p90 latency and
# whether each query's result digest equals Prometheus's. Writes bench/results/<workload>-<date>.json.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
workload="${1:-}"
case "$workload" in
  remote-write-100k) mode=write series=100000 samples=20 queries=0 ;;
  query-set)         mode=write series=100000 samples=20 queries=1 ;;
  remote-write-1m)   mode=write series=1000000 samples=10 queries=0 ;;
  scrape-1k-targets) mode=scrape series=0 samples=0 queries=0 ;;
  rules-1k)          mode=rules series=100000 samples=20 queries=0 ;;
  *) echo "usage: $0 remote-write-100k|query-set|remote-write-1m|scrape-1k-targets|rules-1k" >&2; exit 2 ;;
esac
targets="${TARGETS:-1000}"
target_series="${TARGET_SERIES:-200}"
scrape_duration="${SCRAPE_DURATION:-120}"
scrape_warmup="${SCRAPE_WARMUP:-45}"
if [ "$mode" = scrape ]; then series=$(( targets * target_series )); fi
rules="${RULES:-1000}"
idle_seconds="${IDLE_SECONDS:-60}"
rule_seconds="${RULE_SECONDS:-120}"
rule_warmup="${RULE_WARMUP:-20}"
eval_interval="${EVAL_INTERVAL:-15s}"
series="${SERIES:-$series}"
samples="${SAMPLES:-$samples}"
interval="${INTERVAL:-15s}"
batch="${BATCH:-2000}"
concurrency="${CONCURRENCY:-2}"
load_timeout="${LOAD_TIMEOUT:-240s}"
query_repeat="${QUERY_REPEAT:-5}"
settle="${SETTLE_SECONDS:-10}"
servers="${SERVERS:-sextant prometheus victoria-metrics}"
sextant_jar="${SEXTANT_JAR:-$root/api/target/sextant.jar}"
bench_jar="$root/bench/target/benchmarks.jar"
jvm_flags=(--add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED)
clk_tck="$(getconf CLK_TCK)"

log() { printf '%s compare: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

if [ ! -f "$bench_jar" ]; then
  log "building bench/target/benchmarks.jar"
  (cd "$root" && ./mvnw -B -q -pl bench -am package -DskipTests)
fi
if [[ " $servers " == *" sextant "* && ! -f "$sextant_jar" ]]; then
  log "building $sextant_jar"
  (cd "$root" && ./mvnw -B -q -pl api -am package -DskipTests)
fi

work="$(mktemp -d /tmp/sextant-compare.XXXXXX)"
server_pid=""
targets_pid=""
stop_server() {
  local pid="$1"
  [ -z "$pid" ] && return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    sleep 0.5
  done
  log "pid $pid did not stop within 30s; killing it"
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  stop_server "$server_pid"
  server_pid=""
  stop_server "$targets_pid"
  targets_pid=""
  if [ "${KEEP:-0}" = 1 ]; then log "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  local p
  for p in $(seq "$1" $(( $1 + 100 ))); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  return 1
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
status_kib() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }

# Samples are stamped end - (samples-1-i) * interval with the same end for every server, so all
# servers hold identical data and the query set's digests can be compared.
interval_ms=$(( ${interval%s} * 1000 ))
end_ms=$(( $(date +%s) * 1000 / interval_ms * interval_ms ))
start_ms=$(( end_ms - (samples - 1) * interval_ms ))

{
  printf 'date\t%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  printf 'machine\t%s cores, %s MiB RAM, %s\n' "$(nproc)" "$(awk '/MemTotal/ {print int($2/1024)}' /proc/meminfo)" "$(uname -sr)"
  printf 'load_avg_at_start\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
  if [ "$mode" = rules ]; then
    printf 'workload\t%s series x %s samples every %s, then %s recording rules every %s: %ss idle, %ss warm-up, %ss measured\n' "$series" "$samples" "$interval" "$rules" "$eval_interval" "$idle_seconds" "$rule_warmup" "$rule_seconds"
  elif [ "$mode" = scrape ]; then
    printf 'workload\t%s targets x %s series every %s, %ss measured after %ss warm-up\n' "$targets" "$target_series" "$interval" "$scrape_duration" "$scrape_warmup"
  else
    printf 'workload\t%s series x %s samples every %s, batch %s, concurrency %s\n' "$series" "$samples" "$interval" "$batch" "$concurrency"
  fi
  printf 'prometheus_version\t%s\n' "$(prometheus --version 2>&1 | head -1)"
  printf 'victoria_metrics_version\t%s\n' "$(dpkg-query -W -f='${Version}' victoria-metrics 2>/dev/null || echo unknown)"
  printf 'sextant_version\t%s\n' "$(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo unknown) ($(basename "$sextant_jar"))"
  printf 'java_version\t%s\n' "$(java -version 2>&1 | head -1)"
} > "$work/meta.tsv"

port_base=19090
config_args_prom=()
config_args_vm=()
if [ "$mode" = scrape ]; then
  targets_port="$(free_port 19500)"
  java -Xmx1g -cp "$bench_jar" dev.sextant.bench.load.SimulatedTargets --port="$targets_port" --targets="$targets" \
    --series="$target_series" --write-config="$work/scrape.yml" --scrape-interval="$interval" >"$work/targets.log" 2>&1 &
  targets_pid=$!
  for _ in $(seq 1 60); do curl -sf -o /dev/null "http://127.0.0.1:$targets_port/stats" && break; sleep 0.5; done
  log "simulated targets: pid $targets_pid, $targets x $target_series series on port $targets_port"
  config_args_prom=(--config.file="$work/scrape.yml")
  config_args_vm=(-promscrape.config="$work/scrape.yml")
fi
scrapes_served() { curl -sf "http://127.0.0.1:$targets_port/stats" | awk '$1 == "scrapes" {print $2}'; }

for server in $servers; do
  sd="$work/$server"
  mkdir -p "$sd/data"
  port="$(free_port $port_base)"
  port_base=$(( port + 1 ))
  url="http://127.0.0.1:$port"
  if [ "$mode" = rules ]; then
    # Start with an empty rule file; the rules are written and reloaded after the idle phase.
    java -cp "$bench_jar" dev.sextant.bench.load.RecordingRules --out="$sd/rules.yml" --rules=0 >/dev/null
    printf 'global:\n  scrape_interval: 15s\n  evaluation_interval: %s\nrule_files:\n  - %s\n' "$eval_interval" "$sd/rules.yml" > "$sd/rules-config.yml"
    config_args_prom=(--config.file="$sd/rules-config.yml" --web.enable-lifecycle)
    end_ms=$(( $(date +%s) * 1000 / interval_ms * interval_ms ))
  fi
  case "$server" in
    sextant|sextant-xmx*)
      # sextant-xmx2g etc.: the same server with a bounded heap (-Xmx2g), to tell the live data
      # from a JVM heap that grows because it may (default max heap: 1/4 of RAM).
      heap=()
      if [[ "$server" == sextant-xmx* ]]; then heap=("-Xmx${server#sextant-xmx}"); fi
      java "${jvm_flags[@]}" "${heap[@]}" ${SEXTANT_JAVA_OPTS:-} -jar "$sextant_jar" --web.enable-remote-write-receiver \
        "${config_args_prom[@]}" --storage.tsdb.path="$sd/data" --web.listen-address="127.0.0.1:$port" >"$sd/server.log" 2>&1 &
      ready="$url/-/ready" ;;
    prometheus)
      printf 'global:\n  scrape_interval: 15s\n' > "$sd/prometheus.yml"
      cfg=(--config.file="$sd/prometheus.yml")
      if [ "$mode" = scrape ] || [ "$mode" = rules ]; then cfg=("${config_args_prom[@]}"); fi
      prometheus "${cfg[@]}" --storage.tsdb.path="$sd/data" \
        --web.listen-address="127.0.0.1:$port" --web.enable-remote-write-receiver >"$sd/server.log" 2>&1 &
      ready="$url/-/ready" ;;
    victoria-metrics)
      if [ "$mode" = rules ]; then log "victoria-metrics: recording rules need vmalert; skipped"; continue; fi
      # latencyOffset=0s: answer queries up to the newest sample (default hides the last 30s);
      # disableCache: time the evaluation, not VictoriaMetrics's rollup result cache.
      victoria-metrics -httpListenAddr="127.0.0.1:$port" -storageDataPath="$sd/data" \
        -search.latencyOffset=0s -search.disableCache "${config_args_vm[@]}" >"$sd/server.log" 2>&1 &
      ready="$url/health" ;;
    *) log "unknown server $server"; exit 2 ;;
  esac
  server_pid=$!
  log "$server: pid $server_pid on $url"
  ok=0
  for _ in $(seq 1 120); do
    if curl -sf -o /dev/null "$ready"; then ok=1; break; fi
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.5
  done
  if [ "$ok" != 1 ]; then
    log "$server did not become ready; log tail:"; tail -5 "$sd/server.log" >&2 || true
    stop_server "$server_pid"; server_pid=""
    continue
  fi
  sleep 2
  rss_idle="$(status_kib "$server_pid" VmRSS)"
  if [ "$mode" = scrape ]; then
    log "$server: warming up ${scrape_warmup}s, then measuring ${scrape_duration}s of scraping"
    sleep "$scrape_warmup"
    cpu0="$(cpu_ticks "$server_pid")"
    scrapes0="$(scrapes_served)"
    sleep "$scrape_duration"
    cpu1="$(cpu_ticks "$server_pid")"
    scrapes1="$(scrapes_served)"
    rss_after="$(status_kib "$server_pid" VmRSS)"
    interval_s=$(( interval_ms / 1000 ))
    samples_ok=$(( (scrapes1 - scrapes0) * target_series ))
    { printf 'scrapes_served\t%s\n' $(( scrapes1 - scrapes0 ))
      printf 'scrapes_expected\t%s\n' $(( targets * scrape_duration / interval_s ))
      printf 'samples_ok\t%s\n' "$samples_ok"
      printf 'scraped_samples_per_s\t%s\n' $(( samples_ok / scrape_duration )); } > "$sd/scrape.tsv"
  else
    cpu0="$(cpu_ticks "$server_pid")"
    log "$server: sending $series series x $samples samples"
    java -cp "$bench_jar" dev.sextant.bench.load.RemoteWriteLoad --url="$url/api/v1/write" --series="$series" \
      --samples="$samples" --interval="$interval" --batch="$batch" --concurrency="$concurrency" \
      --end-ms="$end_ms" --timeout="$load_timeout" --json-out="$sd/load.json" 2>"$sd/load.log" | tee -a "$sd/load.log" >&2 || true
    cpu1="$(cpu_ticks "$server_pid")"
    log "$server: settling ${settle}s"
    sleep "$settle"
    rss_after="$(status_kib "$server_pid" VmRSS)"
    samples_ok="$(jq -r '.samples_ok // 0' "$sd/load.json" 2>/dev/null || echo 0)"
    if [ "$mode" = rules ]; then
      log "$server: idle ${idle_seconds}s with an empty rule file"
      i0="$(cpu_ticks "$server_pid")"; sleep "$idle_seconds"; i1="$(cpu_ticks "$server_pid")"
      java -cp "$bench_jar" dev.sextant.bench.load.RecordingRules --out="$sd/rules.yml" --rules="$rules" \
        --interval="$eval_interval" >&2
      curl -sf -X POST "$url/-/reload" >/dev/null || log "$server: reload failed"
      log "$server: $rules rules loaded; ${rule_warmup}s warm-up, then ${rule_seconds}s measured"
      sleep "$rule_warmup"
      r0="$(cpu_ticks "$server_pid")"; sleep "$rule_seconds"; r1="$(cpu_ticks "$server_pid")"
      curl -sf "$url/api/v1/rules?type=record" > "$sd/rules.json" || true
      curl -sf --data-urlencode 'query=count({__name__=~".+:rate5m.*"})' "$url/api/v1/query" > "$sd/recorded.json" || true
      ev_s="${eval_interval%s}"
      awk -v i=$(( i1 - i0 )) -v r=$(( r1 - r0 )) -v tck="$clk_tck" -v is="$idle_seconds" -v rs="$rule_seconds" -v ev="$ev_s" \
          -v loaded="$(jq '[.data.groups[].rules[]] | length' "$sd/rules.json" 2>/dev/null || echo 0)" \
          -v healthy="$(jq '[.data.groups[].rules[] | select(.health == "ok")] | length' "$sd/rules.json" 2>/dev/null || echo 0)" \
          -v recorded="$(jq -r '.data.result[0].value[1] // 0' "$sd/recorded.json" 2>/dev/null || echo 0)" 'BEGIN {
        OFS = "\t"
        idle = i / tck; busy = r / tck; rounds = rs / ev
        print "rules_loaded", loaded
        print "rules_healthy", healthy
        print "recorded_series", recorded
        print "rule_rounds", rounds
        print "idle_cpu_s_per_15s", idle / is * 15
        print "rule_cpu_s_total", busy
        print "rule_cpu_s_per_round", (busy - idle * rs / is) / rounds
      }' > "$sd/rules.tsv"
      cat "$sd/rules.tsv" >&2
    fi
    if [ "$queries" = 1 ]; then
      log "$server: running the query set"
      java -cp "$bench_jar" dev.sextant.bench.load.QuerySetRunner --url="$url" --start-ms="$start_ms" \
        --end-ms="$end_ms" --step="$interval" --repeat="$query_repeat" --json-out="$sd/queries.json" --results-dir="$sd/results" \
        >"$sd/queries.log" 2>&1 || true
      cat "$sd/queries.log" >&2
    fi
  fi
  hwm="$(status_kib "$server_pid" VmHWM)"
  log "$server: stopping"
  stop_server "$server_pid"; server_pid=""
  disk="$(du -sb "$sd/data" | cut -f1)"
  awk -v ticks=$(( cpu1 - cpu0 )) -v tck="$clk_tck" -v ok="$samples_ok" -v hwm="$hwm" -v rss="$rss_after" \
      -v idle="$rss_idle" -v series="$series" -v disk="$disk" 'BEGIN {
    OFS = "\t"
    cpu = ticks / tck
    print "server_cpu_s", cpu
    if (ok > 0) print "cpu_s_per_million", cpu / (ok / 1e6)
    print "peak_rss_mib", hwm / 1024
    print "rss_after_ingest_mib", rss / 1024
    print "rss_idle_mib", idle / 1024
    print "rss_per_series_kib", rss / series
    print "rss_growth_per_series_kib", (rss - idle) / series
    print "disk_bytes", disk
    if (ok > 0) print "disk_bytes_per_sample", disk / ok
  }' > "$sd/metrics.tsv"
  if [ -f "$sd/scrape.tsv" ]; then cat "$sd/scrape.tsv" >> "$sd/metrics.tsv"; fi
  if [ -f "$sd/rules.tsv" ]; then cat "$sd/rules.tsv" >> "$sd/metrics.tsv"; fi
done

mkdir -p "$here/results"
out="$here/results/$workload-$(date -u +%Y%m%dT%H%M%SZ).json"
printf 'load_avg_at_end\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)" >> "$work/meta.tsv"
java -cp "$bench_jar" dev.sextant.bench.load.CompareReport --workload="$workload" --dir="$work" \
  --servers="$(echo $servers | tr ' ' ',')" --json-out="$out"
