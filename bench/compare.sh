#!/usr/bin/env bash
# Runs one workload against Sextant, Prometheus and VictoriaMetrics in turn, on 127.0.0.1, each
# with a fresh data directory, and prints one table with ratios against Prometheus.
#
#   bench/compare.sh remote-write-100k   # 100k series x 20 samples by remote write
#   bench/compare.sh query-set           # the same ingest, then the fixed query set
#   bench/compare.sh remote-write-1m     # 1M series x 10 samples
#   bench/compare.sh scrape-1k-targets   # every server scrapes the same simulated targets
#   bench/compare.sh backfill            # OpenMetrics file -> blocks: sextant's CLI vs promtool's
#   bench/compare.sh rules-1k            # 100k series, then 1,000 recording rules every 15s (issue #7)
#
# Environment (all optional):
#   SERVERS="sextant prometheus victoria-metrics"   which servers, in this order; sextant-xmx1g
#                                                   (any size) is Sextant with -Xmx1g
#   SEXTANT_JAR=api/target/sextant.jar              the Sextant server jar (built when missing)
#   SEXTANT_JAR2=/tmp/other/sextant.jar             a second Sextant build, run as server "sextant2" (put it
#                                                   in SERVERS, e.g. "sextant sextant2 prometheus"): base and
#                                                   branch in the same run, same window, same Prometheus;
#                                                   SEXTANT_JAR3 likewise for a third build ("sextant3")
#   SEXTANT_JAVA_OPTS=...                           extra JVM options for Sextant (e.g. -Xmx2g), after the
#                                                   launcher's tuning (sextant_tuning below), so they win
#   SEXTANT_NO_TUNING=1                             start Sextant without the launcher's JVM tuning (A/B runs)
#   SERIES, SAMPLES, INTERVAL (15s), BATCH (2000), CONCURRENCY (2)   override the workload
#   LOAD_TIMEOUT=240s                               stop sending after this long (per server)
#   QUERY_WARMUP=20                                 query-set: untimed passes of the whole set over every server
#                                                   before the timed rounds (server and client JIT warm-up)
#   QUERY_ROUNDS=5                                  query-set: timed rounds; the figure per query is the median
#                                                   over rounds of each round's median
#   QUERY_REPEAT=20                                 query-set: timed requests per query, server and round
#   QUERY_CLIENT=socket                             the query runner's HTTP client: socket (one warm keep-alive connection,
#                                                   blocking I/O) or jdk (java.net.http.HttpClient, the client before 2026-11-26 14:00)
#   SETTLE_SECONDS=10                               wait after ingest before measuring RSS/queries
#   WARMUP_SAMPLES=0                                remote-write workloads: first send this many samples of the
#                                                   same series, stamped before the measured ones, and measure
#                                                   that pass separately (a fresh server: JIT, series creation);
#                                                   the measured pass is then a warmed server's steady state.
#                                                   WARMUP_SAMPLES=$SAMPLES makes the warm-up pass the same
#                                                   load as the default run, so one run gives both figures
#   KEEP=1                                          keep the work directory (logs, data dirs)
#   BENCH_JAR=bench/target/benchmarks.jar           the load tools' jar (copy it away for long runs,
#                                                   so a rebuild cannot swap it under a running JVM)
#   MIN_AVAILABLE_MIB=2048                          memory guard: a server is killed (and its figures
#                                                   marked aborted) when MemAvailable drops below this,
#                                                   so a run cannot push a shared machine into OOM
#   scrape-1k-targets only: TARGETS (1000), TARGET_SERIES (1000), SCRAPE_DURATION (300, seconds
#   measured per server), SCRAPE_WARMUP (60, seconds before measuring: discovery, first scrapes
#   and series creation are left out). The default is the issue's 1,000 x 1,000 for 5 minutes
#   (about 7 minutes per server, 1M active series each); SCRAPE_SMALL=1 is the quicker
#   1,000 x 200 for 2 minutes after 45 s (TARGETS/TARGET_SERIES/... still override either).
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
#
# query-set (changed 2026-11-26, branch query6): every server is started and loaded in turn as
# before, but stays up (idle) until all are loaded; then ONE QuerySetRunner process measures them
# all: one keep-alive connection per server, QUERY_WARMUP untimed passes of the set over every
# server, then QUERY_ROUNDS rounds in which, query by query, the servers come in a fresh random
# order and each gets QUERY_REPEAT timed requests, each timed until its whole body is read and
# checksummed. Before, the runner was a fresh JVM per server (20 + 20 requests per query): its own
# unwarmed body reading added ~1.2 ms to both servers on the 270 KB max_over_time range answer,
# and the servers were measured minutes apart under different machine load. The CPU and RSS
# figures of the load phase are unchanged (taken before the next server starts); the servers
# that wait idle for the others cost a little CPU on the shared cores meanwhile.
set -euo pipefail
# The whole script is one compound command, so bash has read all of it before running any:
# editing this file during a long run cannot change the run.
{

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
workload="${1:-}"
case "$workload" in
  remote-write-100k) mode=write series=100000 samples=20 queries=0 ;;
  query-set)         mode=write series=100000 samples=20 queries=1 ;;
  remote-write-1m)   mode=write series=1000000 samples=10 queries=0 ;;
  scrape-1k-targets) mode=scrape series=0 samples=0 queries=0 ;;
  backfill)          mode=backfill series=2300 samples=2400 queries=0 ;;
  rules-1k)          mode=rules series=100000 samples=20 queries=0 ;;
  *) echo "usage: $0 remote-write-100k|query-set|remote-write-1m|scrape-1k-targets|backfill|rules-1k" >&2; exit 2 ;;
esac
targets="${TARGETS:-1000}"
if [ "${SCRAPE_SMALL:-0}" = 1 ]; then
  target_series="${TARGET_SERIES:-200}"; scrape_duration="${SCRAPE_DURATION:-120}"; scrape_warmup="${SCRAPE_WARMUP:-45}"
else
  target_series="${TARGET_SERIES:-1000}"; scrape_duration="${SCRAPE_DURATION:-300}"; scrape_warmup="${SCRAPE_WARMUP:-60}"
fi
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
query_repeat="${QUERY_REPEAT:-20}"
query_warmup="${QUERY_WARMUP:-20}"
query_rounds="${QUERY_ROUNDS:-5}"
query_client="${QUERY_CLIENT:-socket}"
warmup_samples="${WARMUP_SAMPLES:-0}"
settle="${SETTLE_SECONDS:-10}"
servers="${SERVERS:-sextant prometheus victoria-metrics}"
sextant_jar="${SEXTANT_JAR:-$root/api/target/sextant.jar}"
sextant_jar2="${SEXTANT_JAR2:-}"
sextant_jar3="${SEXTANT_JAR3:-}"
if [[ " $servers " == *" sextant2 "* && ! -f "$sextant_jar2" ]]; then
  echo "SERVERS names sextant2 but SEXTANT_JAR2 is not a file: '$sextant_jar2'" >&2; exit 2
fi
if [[ " $servers " == *" sextant3 "* && ! -f "$sextant_jar3" ]]; then
  echo "SERVERS names sextant3 but SEXTANT_JAR3 is not a file: '$sextant_jar3'" >&2; exit 2
fi
bench_jar="${BENCH_JAR:-$root/bench/target/benchmarks.jar}"
min_avail_mib="${MIN_AVAILABLE_MIB:-2048}"
jvm_flags=(--add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED)
# The ./sextant launcher's JVM tuning (also in the image and the chart; JvmOptionsInSyncTest keeps
# them equal): the bench measures the server as users start it. SEXTANT_NO_TUNING=1 leaves it out.
sextant_tuning=(-XX:CompileThresholdScaling=4)
if [ "${SEXTANT_NO_TUNING:-0}" = 1 ]; then sextant_tuning=(); fi
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
running_pids=(); running_guards=(); running_servers=(); query_urls=()
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
  stop_guard
  local p
  for p in "${running_guards[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${running_pids[@]}"; do stop_server "$p"; done
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
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
# Per-thread CPU: "tid<TAB>name<TAB>ticks" for every live thread of $1 (names as the kernel keeps
# them, 15 characters). thread_split before after total_ticks prefix: CPU-s per thread group
# (trailing numbers stripped: "GC Thread#3" -> "GC Thread", "scrape-io-3-1" -> "scrape-io"),
# threads that exited in between counted under "(exited threads)", plus <prefix>jit_cpu_s (C1/C2
# compiler threads) and <prefix>gc_cpu_s (GC workers, G1 concurrent/refinement, the VM thread).
thread_ticks() {
  local t s name rest
  for t in /proc/"$1"/task/*; do
    s="$(cat "$t/stat" 2>/dev/null)" || continue
    name="${s#*(}"; name="${name%)*}"; rest="${s##*) }"
    # shellcheck disable=SC2086
    set -- $rest
    printf '%s\t%s\t%s\n' "${t##*/}" "$name" $(( ${12} + ${13} ))
  done
}
thread_split() {
  awk -F '\t' -v tck="$clk_tck" -v total="$3" -v pre="$4" '
    NR == FNR { before[$1] = $3; next }
    { name = $2
      for (k = 0; k < 3; k++) sub(/[-#. ]?[0-9]+$/, "", name)
      d = $3 - ($1 in before ? before[$1] : 0)
      g[name] += d; sum += d }
    END {
      OFS = "\t"
      g["(exited threads)"] = total - sum
      for (n in g) {
        if (g[n] == 0) continue
        print pre "thread_cpu_s:" n, g[n] / tck
        if (n ~ /^C[12] Compiler/) jit += g[n]
        if (n ~ /^(GC Thread|G1 |VM Thread)/) gc += g[n]
      }
      print pre "jit_cpu_s", jit / tck
      print pre "gc_cpu_s", gc / tck
    }' "$1" "$2"
}
status_kib() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
avail_mib() { awk '/^MemAvailable:/ {print int($2 / 1024)}' /proc/meminfo; }
# Memory guard: kills $1 when MemAvailable < $min_avail_mib and writes the figure to $2.
guard_pid=""
guard() {
  local pid="$1" flag="$2" a
  while kill -0 "$pid" 2>/dev/null; do
    a="$(avail_mib)"
    if [ "$a" -lt "$min_avail_mib" ]; then
      echo "$a" > "$flag"
      printf '%s compare: MemAvailable %s MiB < %s MiB: killing pid %s\n' "$(date -u +%H:%M:%S)" "$a" "$min_avail_mib" "$pid" >&2
      kill -KILL "$pid" 2>/dev/null
      return 0
    fi
    sleep 1
  done
}
stop_guard() { if [ -n "$guard_pid" ]; then kill "$guard_pid" 2>/dev/null || true; wait "$guard_pid" 2>/dev/null || true; guard_pid=""; fi; }

# Samples are stamped end - (samples-1-i) * interval with the same end for every server, so all
# servers hold identical data and the query set's digests can be compared.
interval_ms=$(( ${interval%s} * 1000 ))
end_ms=$(( $(date +%s) * 1000 / interval_ms * interval_ms ))
start_ms=$(( end_ms - (samples - 1) * interval_ms ))
if [ "$mode" = backfill ]; then
  # Start a day back on a 6h boundary, so that 10h of data (the default) makes five aligned 2h
  # blocks of which both compactors merge the first three into one 6h block. (With only four,
  # Prometheus would merge nothing: it leaves the newest block out, and promtool's blocks end at
  # their last sample + 1 ms, so the remaining three neither fill 6h nor end before the newest.)
  start_ms=$(( ($(date +%s) * 1000 / 21600000) * 21600000 - 86400000 ))
  end_ms=$(( start_ms + (samples - 1) * interval_ms ))
fi

{
  printf 'date\t%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  printf 'machine\t%s cores, %s MiB RAM, %s\n' "$(nproc)" "$(awk '/MemTotal/ {print int($2/1024)}' /proc/meminfo)" "$(uname -sr)"
  printf 'load_avg_at_start\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
  if [ "$mode" = rules ]; then
    printf 'workload\t%s series x %s samples every %s, then %s recording rules every %s: %ss idle, %ss warm-up, %ss measured\n' "$series" "$samples" "$interval" "$rules" "$eval_interval" "$idle_seconds" "$rule_warmup" "$rule_seconds"
  elif [ "$mode" = scrape ]; then
    printf 'workload\t%s targets x %s series every %s, %ss measured after %ss warm-up\n' "$targets" "$target_series" "$interval" "$scrape_duration" "$scrape_warmup"
  elif [ "$mode" = backfill ]; then
    printf 'workload\tOpenMetrics file of %s series x %s samples every %s (%s..%s ms)\n' "$series" "$samples" "$interval" "$start_ms" "$end_ms"
    printf 'promtool_version\t%s\n' "$(promtool --version 2>&1 | head -1)"
  else
    printf 'workload\t%s series x %s samples every %s, batch %s, concurrency %s\n' "$series" "$samples" "$interval" "$batch" "$concurrency"
    if [ "$queries" = 1 ]; then
      printf 'query_runs\t%s warm-up passes, then %s rounds x %s timed requests per query, servers interleaved, client %s\n' "$query_warmup" "$query_rounds" "$query_repeat" "$query_client"
    fi
  fi
  printf 'prometheus_version\t%s\n' "$(prometheus --version 2>&1 | head -1)"
  printf 'victoria_metrics_version\t%s\n' "$(dpkg-query -W -f='${Version}' victoria-metrics 2>/dev/null || echo unknown)"
  printf 'sextant_version\t%s\n' "$(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo unknown) ($(basename "$sextant_jar"))"
  printf 'sextant_jar\t%s\n' "$sextant_jar"
  if [ -n "$sextant_jar2" ]; then printf 'sextant2_jar\t%s\n' "$sextant_jar2"; fi
  if [ -n "$sextant_jar3" ]; then printf 'sextant3_jar\t%s\n' "$sextant_jar3"; fi
  printf 'java_version\t%s\n' "$(java -version 2>&1 | head -1)"
  printf 'sextant_jvm_options\t%s\n' "${sextant_tuning[*]} ${SEXTANT_JAVA_OPTS:-}"
  printf 'warmup_samples\t%s\n' "$warmup_samples"
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

# --- backfill: OpenMetrics file -> blocks, one CLI after the other (no server, no port). ---------
# Per tool: /usr/bin/time gives wall, user+sys CPU and peak RSS of the CLI process; du of the
# output; `promtool tsdb dump` of the output, sorted, compared line by line with promtool's. Then a
# copy of the output is compacted by the tool's own server code (Prometheus: a prometheus server
# started on the copy until its compactor has merged blocks; Sextant: CompactBlocks, the compactor
# a Sextant server runs) and the merged (level >= 2) blocks' bytes per sample are measured.
compact_wait="${COMPACT_WAIT:-240}"
canon() { sed -E 's/(le|quantile)="([0-9]+)"/\1="\2.0"/' "$1" | LC_ALL=C sort -S 512M; }
dump_sorted() { # dir out: promtool dump (needs a wal dir), sorted
  mkdir -p "$1/wal"
  promtool tsdb dump "$1" 2>"$2.err" | LC_ALL=C sort -S 512M > "$2"
}
level2_stats() { # dir -> "blocks samples bytes" over blocks of compaction level >= 2
  local d n=0 smp=0 bytes=0 all=0 lvl
  for d in "$1"/*/; do
    [ -f "$d/meta.json" ] || continue
    all=$(( all + 1 ))
    # A block being written may lose its meta.json between the test and jq: count it as level 0.
    lvl="$(jq -r '.compaction.level' "$d/meta.json" 2>/dev/null || echo 0)"
    if [ "${lvl:-0}" -ge 2 ] 2>/dev/null; then
      n=$(( n + 1 ))
      smp=$(( smp + $(jq -r '.stats.numSamples' "$d/meta.json" 2>/dev/null || echo 0) ))
      bytes=$(( bytes + $(du -sb "$d" | cut -f1) ))
    fi
  done
  echo "$all $n $smp $bytes"
}
if [ "$mode" = backfill ]; then
  input="$work/input.om"
  log "writing $input: $series series x $samples samples"
  java -cp "$bench_jar" dev.sextant.bench.load.OpenMetricsFile --out="$input" --series="$series" --samples="$samples" \
    --interval="$interval" --end-ms="$end_ms" >&2
  input_samples=$(( series * samples ))
  printf 'input_bytes\t%s\n' "$(stat -c %s "$input")" >> "$work/meta.tsv"
  for server in $servers; do
    sd="$work/$server"
    mkdir -p "$sd"
    out="$sd/blocks"
    case "$server" in
      sextant|sextant-xmx*)
        heap=()
        if [[ "$server" == sextant-xmx* ]]; then heap=("-Xmx${server#sextant-xmx}"); fi
        cmd=(java "${jvm_flags[@]}" "${sextant_tuning[@]}" "${heap[@]}" ${SEXTANT_JAVA_OPTS:-} -jar "$sextant_jar" tsdb create-blocks-from openmetrics "$input" "$out") ;;
      prometheus)
        cmd=(promtool tsdb create-blocks-from openmetrics "$input" "$out") ;;
      victoria-metrics)
        printf 'note\t%s\n' "no equivalent CLI: VictoriaMetrics has no offline OpenMetrics-to-storage converter (vmctl and /api/v1/import/prometheus import into a running server), so it is not measured here" > "$sd/metrics.tsv"
        continue ;;
      *) log "unknown server $server"; exit 2 ;;
    esac
    log "$server: ${cmd[*]}"
    if ! /usr/bin/time -f '%e %U %S %M' -o "$sd/time.txt" "${cmd[@]}" >"$sd/backfill.log" 2>&1; then
      log "$server: backfill failed; log tail:"; tail -5 "$sd/backfill.log" >&2
      continue
    fi
    read -r wall user sys maxrss < <(tail -1 "$sd/time.txt")
    blocks="$(find "$out" -mindepth 2 -maxdepth 2 -name meta.json | wc -l)"
    disk="$(du -sb "$out" | cut -f1)"
    log "$server: ${wall}s wall, $(awk -v u="$user" -v s="$sys" 'BEGIN {print u + s}') CPU-s, peak RSS $(( maxrss / 1024 )) MiB, $blocks blocks, $disk bytes; dumping"
    dump_sorted "$out" "$sd/dump.sorted"
    # Compaction by the tool's own server code, on a copy.
    cp -a "$out" "$sd/compact"
    rm -rf "$sd/compact/wal" "$sd/compact/chunks_head"
    case "$server" in
      sextant*)
        java "${jvm_flags[@]}" "${heap[@]}" -cp "$bench_jar" dev.sextant.bench.load.CompactBlocks --dir="$sd/compact" >"$sd/compact.log" 2>&1 \
          || { log "$server: CompactBlocks failed"; tail -3 "$sd/compact.log" >&2; } ;;
      prometheus)
        port="$(free_port 19300)"
        printf 'global:\n  scrape_interval: 15s\n' > "$sd/compact-prometheus.yml"
        prometheus --config.file="$sd/compact-prometheus.yml" --storage.tsdb.path="$sd/compact" --storage.tsdb.retention.time=100y \
          --web.listen-address="127.0.0.1:$port" >"$sd/compact.log" 2>&1 &
        server_pid=$!
        log "$server: prometheus (pid $server_pid) compacting a copy; waiting up to ${compact_wait}s"
        for _ in $(seq 1 "$compact_wait"); do
          sleep 1
          read -r _all n2 _s _b < <(level2_stats "$sd/compact")
          if [ "$n2" -gt 0 ] && ! ls -d "$sd/compact"/*.tmp* >/dev/null 2>&1; then sleep 5; break; fi
        done
        stop_server "$server_pid"; server_pid="" ;;
    esac
    rm -rf "$sd/compact/wal" "$sd/compact/chunks_head" "$sd/compact/lock" "$sd/compact/queries.active"
    read -r c_all c_n c_samples c_bytes < <(level2_stats "$sd/compact")
    dump_sorted "$sd/compact" "$sd/dump-compacted.sorted"
    c_same=0; cmp -s "$sd/dump.sorted" "$sd/dump-compacted.sorted" && c_same=1
    log "$server: compacted: $c_all blocks, $c_n of level >= 2 holding $c_samples samples in $c_bytes bytes; dump unchanged: $c_same"
    awk -v wall="$wall" -v user="$user" -v sys="$sys" -v rss="$maxrss" -v n="$input_samples" -v blocks="$blocks" \
        -v disk="$disk" -v dumped="$(wc -l < "$sd/dump.sorted")" -v c_all="$c_all" -v c_samples="$c_samples" \
        -v c_bytes="$c_bytes" -v c_same="$c_same" 'BEGIN {
      OFS = "\t"
      cpu = user + sys
      print "input_samples", n
      print "backfill_wall_s", wall
      print "backfill_cpu_s", cpu
      print "backfill_cpu_s_per_million", cpu / (n / 1e6)
      print "backfill_samples_per_s", (wall > 0 ? n / wall : 0)
      print "backfill_peak_rss_mib", rss / 1024
      print "blocks", blocks
      print "blocks_bytes_per_sample", disk / n
      print "dump_samples", dumped
      print "compacted_blocks", c_all
      if (c_samples > 0) {
        print "compacted_samples", c_samples
        print "compacted_bytes_per_sample", c_bytes / c_samples
      }
      print "compacted_dump_same", c_same
    }' > "$sd/metrics.tsv"
  done
  # Same samples? Every dump against promtool's: raw lines, and with integer le/quantile values
  # written as floats ("1" -> "1.0": Prometheus 3 and Sextant canonicalise them, 2.42 does not).
  if [ -f "$work/prometheus/dump.sorted" ]; then
    canon "$work/prometheus/dump.sorted" > "$work/prometheus/dump.canon"
    for server in $servers; do
      sd="$work/$server"
      [ -f "$sd/dump.sorted" ] || continue
      diff_raw="$(LC_ALL=C comm -3 "$sd/dump.sorted" "$work/prometheus/dump.sorted" | wc -l)"
      canon "$sd/dump.sorted" > "$sd/dump.canon"
      diff_canon="$(LC_ALL=C comm -3 "$sd/dump.canon" "$work/prometheus/dump.canon" | wc -l)"
      printf 'dump_lines_differing\t%s\ndump_lines_differing_canonical\t%s\n' "$diff_raw" "$diff_canon" >> "$sd/metrics.tsv"
      log "$server: dump lines differing from promtool's: $diff_raw raw, $diff_canon with le/quantile canonicalised"
    done
  fi
  servers_loop=""
else
  servers_loop="$servers"
fi

# Stops $server_pid (and its memory guard) and writes $sd/metrics.tsv from what was measured.
# (query-set: called after the runner, once per server, with the state saved in $sd/state.sh.)
finish_server() {
  hwm="$(status_kib "$server_pid" VmHWM)"
  log "$server: stopping (MemAvailable $(avail_mib) MiB)"
  stop_guard
  stop_server "$server_pid"; server_pid=""
  if [ -f "$sd/aborted-low-memory" ]; then
    log "$server: ABORTED, MemAvailable fell to $(cat "$sd/aborted-low-memory") MiB; its figures are not valid"
    printf 'aborted_low_memory_mib\t%s\n' "$(cat "$sd/aborted-low-memory")" > "$sd/metrics.tsv"
    return 0
  fi
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
  if [ -s "$sd/warmup.tsv" ]; then
    cat "$sd/warmup.tsv" >> "$sd/metrics.tsv"
    # disk bytes per sample over everything written, warm-up included
    w_ok="$(awk -F '\t' '$1 == "warmup_samples_ok" {print $2}' "$sd/warmup.tsv")"
    awk -v d="$disk" -v n=$(( samples_ok + w_ok )) 'BEGIN { if (n > 0) printf "disk_bytes_per_sample_all\t%s\n", d / n }' >> "$sd/metrics.tsv"
  fi
  if [ -f "$sd/threads-1.tsv" ]; then
    thread_split "$sd/threads-0.tsv" "$sd/threads-1.tsv" $(( cpu1 - cpu0 )) "" >> "$sd/metrics.tsv"
    log "$server: CPU-s by thread group in the measured window:"
    awk -F '\t' '$1 ~ /^thread_cpu_s:/ && $2 >= 0.05 {sub(/^thread_cpu_s:/, "", $1); printf "  %-28s %8.2f\n", $1, $2}' "$sd/metrics.tsv" | sort -k2 -t$'\t' >&2 || true
  fi
  if [ -f "$sd/rules.tsv" ]; then cat "$sd/rules.tsv" >> "$sd/metrics.tsv"; fi
}

running_pids=(); running_guards=(); running_servers=(); query_urls=()
for server in $servers_loop; do
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
    sextant|sextant-xmx*|sextant2|sextant3)
      # sextant-xmx2g etc.: the same server with a bounded heap (-Xmx2g), to tell the live data
      # from a JVM heap that grows because it may (default max heap: 1/4 of RAM).
      heap=()
      if [[ "$server" == sextant-xmx* ]]; then heap=("-Xmx${server#sextant-xmx}"); fi
      jar="$sextant_jar"
      if [ "$server" = sextant2 ]; then jar="$sextant_jar2"; fi
      if [ "$server" = sextant3 ]; then jar="$sextant_jar3"; fi
      java "${jvm_flags[@]}" "${sextant_tuning[@]}" "${heap[@]}" ${SEXTANT_JAVA_OPTS:-} -jar "$jar" --web.enable-remote-write-receiver \
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
  log "$server: pid $server_pid on $url (MemAvailable $(avail_mib) MiB)"
  guard "$server_pid" "$sd/aborted-low-memory" &
  guard_pid=$!
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
    cpu0="$(cpu_ticks "$server_pid")"; thread_ticks "$server_pid" > "$sd/threads-0.tsv"
    scrapes0="$(scrapes_served)"
    sleep "$scrape_duration"
    cpu1="$(cpu_ticks "$server_pid")"; thread_ticks "$server_pid" > "$sd/threads-1.tsv"
    scrapes1="$(scrapes_served)"
    rss_after="$(status_kib "$server_pid" VmRSS)"
    interval_s=$(( interval_ms / 1000 ))
    samples_ok=$(( (scrapes1 - scrapes0) * target_series ))
    { printf 'scrapes_served\t%s\n' $(( scrapes1 - scrapes0 ))
      printf 'scrapes_expected\t%s\n' $(( targets * scrape_duration / interval_s ))
      printf 'samples_ok\t%s\n' "$samples_ok"
      printf 'scraped_samples_per_s\t%s\n' $(( samples_ok / scrape_duration )); } > "$sd/scrape.tsv"
  else
    : > "$sd/warmup.tsv"
    if [ "$warmup_samples" -gt 0 ] && [ "$mode" = write ]; then
      # Warm-up pass: the same series, stamped just before the measured samples.
      w0="$(cpu_ticks "$server_pid")"; thread_ticks "$server_pid" > "$sd/threads-w0.tsv"
      log "$server: warm-up: $series series x $warmup_samples samples (before the measured ones)"
      java -cp "$bench_jar" dev.sextant.bench.load.RemoteWriteLoad --url="$url/api/v1/write" --series="$series" \
        --samples="$warmup_samples" --interval="$interval" --batch="$batch" --concurrency="$concurrency" \
        --end-ms=$(( start_ms - interval_ms )) --timeout="$load_timeout" --json-out="$sd/warmup-load.json" 2>"$sd/warmup-load.log" | tee -a "$sd/warmup-load.log" >&2 || true
      w1="$(cpu_ticks "$server_pid")"; thread_ticks "$server_pid" > "$sd/threads-w1.tsv"
      w_ok="$(jq -r '.samples_ok // 0' "$sd/warmup-load.json" 2>/dev/null || echo 0)"
      awk -v ticks=$(( w1 - w0 )) -v tck="$clk_tck" -v ok="$w_ok" \
          -v sps="$(jq -r '.samples_per_s // 0' "$sd/warmup-load.json" 2>/dev/null || echo 0)" 'BEGIN {
        OFS = "\t"
        print "warmup_samples_ok", ok
        print "warmup_samples_per_s", sps
        print "warmup_cpu_s", ticks / tck
        if (ok > 0) print "warmup_cpu_s_per_million", ticks / tck / (ok / 1e6)
      }' >> "$sd/warmup.tsv"
      thread_split "$sd/threads-w0.tsv" "$sd/threads-w1.tsv" $(( w1 - w0 )) warmup_ >> "$sd/warmup.tsv"
      log "$server: warm-up $(awk -F '\t' '$1 == "warmup_cpu_s_per_million" {print $2}' "$sd/warmup.tsv") CPU-s per 1M"
    fi
    cpu0="$(cpu_ticks "$server_pid")"; thread_ticks "$server_pid" > "$sd/threads-0.tsv"
    log "$server: sending $series series x $samples samples"
    java -cp "$bench_jar" dev.sextant.bench.load.RemoteWriteLoad --url="$url/api/v1/write" --series="$series" \
      --samples="$samples" --interval="$interval" --batch="$batch" --concurrency="$concurrency" \
      --end-ms="$end_ms" --timeout="$load_timeout" --json-out="$sd/load.json" 2>"$sd/load.log" | tee -a "$sd/load.log" >&2 || true
    cpu1="$(cpu_ticks "$server_pid")"; thread_ticks "$server_pid" > "$sd/threads-1.tsv"
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
  fi
  if [ "$queries" = 1 ]; then
    # query-set: the server stays up (idle) until every server is loaded; then one runner process
    # measures all of them, interleaved (below), and finish_server stops each one.
    printf 'cpu0=%s\ncpu1=%s\nsamples_ok=%s\nrss_after=%s\nrss_idle=%s\nserver_pid=%s\nguard_pid=%s\n' \
      "$cpu0" "$cpu1" "$samples_ok" "$rss_after" "$rss_idle" "$server_pid" "$guard_pid" > "$sd/state.sh"
    running_pids+=("$server_pid"); running_guards+=("$guard_pid"); running_servers+=("$server")
    query_urls+=("$server=$url")
    server_pid=""; guard_pid=""
    continue
  fi
  finish_server
done

if [ "$queries" = 1 ] && [ "${#query_urls[@]}" -gt 0 ]; then
  log "query set: one runner over ${query_urls[*]}: $query_warmup warm-up passes, $query_rounds rounds x $query_repeat requests per query, servers interleaved"
  java -cp "$bench_jar" dev.sextant.bench.load.QuerySetRunner --servers="$(IFS=,; echo "${query_urls[*]}")" \
    --start-ms="$start_ms" --end-ms="$end_ms" --step="$interval" --warmup-passes="$query_warmup" --rounds="$query_rounds" \
    --repeat="$query_repeat" --client="$query_client" --out-dir="$work" >"$work/queries.log" 2>&1 || true
  cat "$work/queries.log" >&2
  for server in "${running_servers[@]}"; do
    sd="$work/$server"
    # shellcheck disable=SC1090
    . "$sd/state.sh"
    finish_server
  done
  running_pids=(); running_guards=(); running_servers=()
fi

mkdir -p "$here/results"
out="$here/results/$workload-$(date -u +%Y%m%dT%H%M%SZ).json"
printf 'load_avg_at_end\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)" >> "$work/meta.tsv"
java -cp "$bench_jar" dev.sextant.bench.load.CompareReport --workload="$workload" --dir="$work" \
  --servers="$(echo $servers | tr ' ' ',')" --json-out="$out"
exit
}
