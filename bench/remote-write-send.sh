#!/usr/bin/env bash
# Remote-write SENDING cost: Sextant vs Prometheus 2.42, both forwarding the same ingested data to
# the same kind of receiver (a fresh VictoriaMetrics per run).
#
#   flock /work/notes/bench.lock bench/remote-write-send.sh
#
# Method: each server is run twice with a fresh data directory, once without and once with a
# remote_write queue to VictoriaMetrics (same queue_config for both servers). The same
# RemoteWriteLoad (SERIES x SAMPLES, 1 s apart, stamped after the server started, because
# Prometheus's WAL watcher only forwards samples newer than its start) is pushed into each run.
# The server's CPU (utime+stime from /proc/<pid>/stat) is measured over a fixed WINDOW seconds
# from the start of the load; in runs with remote_write the window must also cover the queue
# draining (checked: prometheus_remote_storage_samples_total reaches the samples written, both
# servers expose it under that name). Sending CPU = CPU(with) - CPU(without); per million samples
# sent = that / samples sent * 1e6. "Drain" is the time from the start of the load until the
# sender had sent every sample; send throughput = samples / drain.
#
# Environment: SERIES (50000), SAMPLES (20), WINDOW (90), RUNS (3), SERVERS ("sextant prometheus"),
# SEXTANT_JAR (api/target/sextant.jar), BENCH_JAR (bench/target/benchmarks.jar), KEEP=1 keeps the work directory,
# SEXTANT_BASE_JAR (a baseline build, run as server "sextant-base", e.g. SERVERS="sextant-base sextant prometheus"
# to compare before and after in one session), RESULTS_DIR (bench/results; the runs and medians are written
# there as remote-write-send-<time>.json), MODES ("off on"; "on" alone for profiling), SEXTANT_JAVA_OPTS (extra JVM flags for Sextant, e.g. JFR; the
# string "@DIR@" in it is replaced by the run's directory).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
series="${SERIES:-50000}"
samples="${SAMPLES:-20}"
window="${WINDOW:-90}"
runs="${RUNS:-3}"
servers="${SERVERS:-sextant prometheus}"
modes="${MODES:-off on}"
sextant_jar="${SEXTANT_JAR:-$root/api/target/sextant.jar}"
sextant_base_jar="${SEXTANT_BASE_JAR:-}"
results_dir="${RESULTS_DIR:-$root/bench/results}"
bench_jar="${BENCH_JAR:-$root/bench/target/benchmarks.jar}"
jvm_flags=(--add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED)
clk_tck="$(getconf CLK_TCK)"
log() { printf '%s rw-send: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
[ -f "$bench_jar" ] || { log "missing $bench_jar (./mvnw -B -q -pl bench -am package -DskipTests)"; exit 2; }
[ -f "$sextant_jar" ] || { log "missing $sextant_jar (./mvnw -B -q -pl api -am package -DskipTests)"; exit 2; }

work="$(mktemp -d /tmp/sextant-rwsend.XXXXXX)"
pids=()
stop() {
  local pid="$1"
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }; sleep 0.5; done
  kill -KILL "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
}
cleanup() { for p in "${pids[@]:-}"; do [ -n "$p" ] && stop "$p"; done; [ "${KEEP:-0}" = 1 ] && log "kept $work" || rm -rf "$work"; }
trap cleanup EXIT
free_port() { local p; for p in $(seq "$1" $(( $1 + 200 ))); do (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }; done; return 1; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
await_url() { for _ in $(seq 1 120); do curl -sf -o /dev/null "$1" && return 0; sleep 0.5; done; return 1; }
sent_total() { curl -sf "$1/metrics" | awk '/^prometheus_remote_storage_samples_total[{ ]/ {s += $NF} END {printf "%d\n", s}'; }

printf 'date\t%s\nload_avg_at_start\t%s\nworkload\t%s series x %s samples, 1s apart\nwindow_s\t%s\n' \
  "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(cut -d' ' -f1-3 /proc/loadavg)" "$series" "$samples" "$window" > "$work/meta.tsv"
printf 'server\tremote_write\trun\tsamples_ok\tcpu_s\tdrain_s\tsent\n' > "$work/runs.tsv"

queue_yaml() {
  cat <<YAML
remote_write:
  - url: http://127.0.0.1:$1/api/v1/write
    name: vm
    queue_config: {capacity: 10000, max_samples_per_send: 2000, max_shards: 50, min_shards: 1, batch_send_deadline: 5s}
YAML
}

port=19700
for run in $(seq 1 "$runs"); do
  for server in $servers; do
    for rw in $modes; do
      d="$work/$server-$rw-$run"; mkdir -p "$d/data" "$d/vm"
      vm_port="$(free_port $port)"; port=$(( vm_port + 1 ))
      sp="$(free_port $port)"; port=$(( sp + 1 ))
      vm_pid=""
      printf 'global:\n  scrape_interval: 15s\n' > "$d/config.yml"
      if [ "$rw" = on ]; then
        victoria-metrics -httpListenAddr="127.0.0.1:$vm_port" -storageDataPath="$d/vm" >"$d/vm.log" 2>&1 &
        vm_pid=$!; pids+=("$vm_pid")
        await_url "http://127.0.0.1:$vm_port/health"
        queue_yaml "$vm_port" >> "$d/config.yml"
      fi
      case "$server" in
        sextant|sextant-base)
                 jar="$sextant_jar"; [ "$server" = sextant-base ] && jar="$sextant_base_jar"
                 [ -f "$jar" ] || { log "missing jar for $server: '$jar'"; exit 2; }
                 read -r -a extra <<< "${SEXTANT_JAVA_OPTS:+${SEXTANT_JAVA_OPTS//@DIR@/$d}}"
                 java "${jvm_flags[@]}" ${extra[@]+"${extra[@]}"} -jar "$jar" --config.file="$d/config.yml" --web.enable-remote-write-receiver \
                   --storage.tsdb.path="$d/data" --web.listen-address="127.0.0.1:$sp" >"$d/server.log" 2>&1 & ;;
        prometheus) prometheus --config.file="$d/config.yml" --storage.tsdb.path="$d/data" --web.enable-remote-write-receiver \
                   --web.listen-address="127.0.0.1:$sp" >"$d/server.log" 2>&1 & ;;
      esac
      spid=$!; pids+=("$spid")
      url="http://127.0.0.1:$sp"
      await_url "$url/-/ready" || { log "$server did not start"; tail -5 "$d/server.log" >&2; exit 1; }
      sleep 3
      end_ms=$(( ($(date +%s) + samples + 2) * 1000 ))
      cpu0="$(cpu_ticks "$spid")"; t0="$(date +%s.%N)"
      java -cp "$bench_jar" dev.sextant.bench.load.RemoteWriteLoad --url="$url/api/v1/write" --series="$series" \
        --samples="$samples" --interval=1s --batch=2000 --concurrency=2 --end-ms="$end_ms" --timeout=120s \
        --json-out="$d/load.json" >"$d/load.log" 2>&1 || true
      ok="$(jq -r '.samples_ok // 0' "$d/load.json")"
      drain=""; sent=0
      while :; do
        now="$(date +%s.%N)"; el="$(awk -v a="$t0" -v b="$now" 'BEGIN {print b - a}')"
        if [ "$rw" = on ] && [ -z "$drain" ]; then
          sent="$(sent_total "$url" || echo 0)"
          if [ "$sent" -ge "$ok" ]; then drain="$el"; fi
        fi
        awk -v e="$el" -v w="$window" 'BEGIN {exit !(e >= w)}' && break
        sleep 0.5
      done
      cpu1="$(cpu_ticks "$spid")"
      # Per-thread CPU-s (thread name, digits folded) at the end of the window, for diagnosis.
      for t in /proc/"$spid"/task/*; do
        printf '%s\t%s\n' "$(tr -d '0-9' < "$t/comm" 2>/dev/null || echo gone)" "$(cut -d')' -f2 "$t/stat" 2>/dev/null | awk '{print $12 + $13}')"
      done 2>/dev/null | awk -F'\t' -v k="$clk_tck" '$2 != "" {c[$1] += $2} END {for (n in c) if (c[n] > 0) printf "%s\t%.2f\n", n, c[n] / k}' \
        | sort -t$'\t' -k2 -rn > "$d/threads.tsv" || true
      [ "$rw" = on ] && sent="$(sent_total "$url" || echo 0)"
      cpu="$(awk -v t=$(( cpu1 - cpu0 )) -v k="$clk_tck" 'BEGIN {printf "%.2f", t / k}')"
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$server" "$rw" "$run" "$ok" "$cpu" "${drain:-NA}" "$sent" >> "$work/runs.tsv"
      log "$server rw=$rw run=$run: samples=$ok cpu=${cpu}s drain=${drain:-NA}s sent=$sent"
      stop "$spid"; [ -n "$vm_pid" ] && stop "$vm_pid"
      pids=()
    done
  done
done
printf 'load_avg_at_end\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)" >> "$work/meta.tsv"
cat "$work/meta.tsv"
cat "$work/runs.tsv"
# Medians per server and mode, then the sending cost.
awk -F'\t' 'NR > 1 {k = $1 "\t" $2; n[k]++; cpu[k, n[k]] = $5; dr[k, n[k]] = $6; ok[k] = $4; snt[k] = $7}
  function med(a, k, c,   i, j, t, v) { for (i = 1; i <= c; i++) v[i] = a[k, i]
    for (i = 1; i <= c; i++) for (j = i + 1; j <= c; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
    return c % 2 ? v[(c + 1) / 2] : (v[c / 2] + v[c / 2 + 1]) / 2 }
  END {
    printf "\nserver\tcpu_off_s\tcpu_on_s\tsend_cpu_s\tsend_cpu_s_per_million\tdrain_s\tsend_samples_per_s\n"
    for (k in n) { split(k, p, "\t"); if (p[2] != "on") continue; s = p[1]
      on = med(cpu, s "\ton", n[s "\ton"]); off = med(cpu, s "\toff", n[s "\toff"]); d = med(dr, s "\ton", n[s "\ton"])
      send = on - off; per = send / (ok[s "\ton"] / 1e6)
      printf "%s\t%.2f\t%.2f\t%.2f\t%.2f\t%.1f\t%.0f\n", s, off, on, send, per, d, ok[s "\ton"] / d
      res[s] = per }
    if (("sextant" in res) && ("prometheus" in res) && res["prometheus"] > 0)
      printf "\nsextant/prometheus sending CPU per million samples: %.2fx\n", res["sextant"] / res["prometheus"]
  }' "$work/runs.tsv"
# The raw runs, per-run sending cost (on minus off of the same run number) and its spread, as JSON.
mkdir -p "$results_dir"
out="$results_dir/remote-write-send-$(date -u +%Y%m%dT%H%M%SZ).json"
python3 - "$work" "$out" "$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)" <<'PY'
import json, os, statistics, sys
work, out, head = sys.argv[1:4]
meta = dict(l.rstrip('\n').split('\t', 1) for l in open(os.path.join(work, 'meta.tsv')))
rows = [l.rstrip('\n').split('\t') for l in open(os.path.join(work, 'runs.tsv'))][1:]
runs = []
for r in rows:
    d = os.path.join(work, '%s-%s-%s' % (r[0], r[1], r[2]))
    threads = {}
    try:
        for l in open(os.path.join(d, 'threads.tsv')):
            n, c = l.rstrip('\n').split('\t'); threads[n] = float(c)
    except OSError:
        pass
    runs.append({'server': r[0], 'remote_write': r[1], 'run': int(r[2]), 'samples_ok': int(r[3]),
                 'cpu_s': float(r[4]), 'drain_s': None if r[5] == 'NA' else float(r[5]), 'sent': int(r[6]),
                 'thread_cpu_s': threads})
summary = {}
for s in sorted({r['server'] for r in runs}):
    on = {r['run']: r for r in runs if r['server'] == s and r['remote_write'] == 'on'}
    off = {r['run']: r for r in runs if r['server'] == s and r['remote_write'] == 'off'}
    per_run = [(on[k]['cpu_s'] - off[k]['cpu_s']) / on[k]['samples_ok'] * 1e6 for k in sorted(on) if k in off]
    if not on:
        continue
    med_on = statistics.median(r['cpu_s'] for r in on.values())
    med_off = statistics.median(r['cpu_s'] for r in off.values()) if off else None
    samples = statistics.median(r['samples_ok'] for r in on.values())
    drains = [r['drain_s'] for r in on.values() if r['drain_s'] is not None]
    summary[s] = {
        'cpu_on_median_s': med_on, 'cpu_off_median_s': med_off,
        'send_cpu_s_per_million_median_diff': None if med_off is None else round((med_on - med_off) / samples * 1e6, 3),
        'send_cpu_s_per_million_per_run': [round(x, 3) for x in per_run],
        'cpu_on_all_s': sorted(r['cpu_s'] for r in on.values()),
        'cpu_off_all_s': sorted(r['cpu_s'] for r in off.values()),
        'drain_median_s': statistics.median(drains) if drains else None,
        'send_samples_per_s': round(samples / statistics.median(drains)) if drains else None}
json.dump({'benchmark': 'remote-write-send', 'git_head': head, 'meta': meta, 'runs': runs, 'summary': summary},
          open(out, 'w'), indent=1)
print('wrote', out)
PY
