#!/usr/bin/env bash
# promtool tsdb bench write vs sextant tsdb bench write on the same input, same flags, same machine.
#
#   flock /work/notes/bench.lock bench/tsdb-bench-write.sh
#
# Both tools append --metrics series x --scrapes scrapes (defaults 10000 x 3000 = 30M samples) into a
# fresh TSDB (WAL on, no compaction) and print samples/s of the ingest stage. "1 thread" is
# GOMAXPROCS=1 for promtool and --threads=1 for Sextant; "2 threads" is GOMAXPROCS=2 / --threads=2
# (the machine's cores). The JVM's JIT and GC threads, like Go's runtime, are not limited by either,
# so the CPU-seconds (user+sys of the process, /usr/bin/time) are recorded next to the rate.
# Runs alternate tool by tool (RUNS rounds); the JSON (every run's output lines, medians, load
# averages, versions) goes to bench/results/tsdb-bench-write-<UTC date>.json.
#
# What "threads" means for each tool: promtool runs one goroutine per shard of 1,000 series (10 per
# round at 10,000 series), GOMAXPROCS of them executing Go code at once, its GC's marking included
# (the GC's workers take their share of the GOMAXPROCS Ps). Sextant runs the same shards on a pool of
# --threads threads; the JVM's JIT compiler and GC threads come on top, so on 1 thread they run on the
# machine's other core (favouring Sextant), and on 2 threads they compete with the appenders for the
# two cores (the JIT compiles during most of a 4 s stage). PIN=1 makes the 1-thread figure strict:
# every N-thread run of both tools is confined to cores 0..N-1 with taskset (a no-op at N=2 here).
# WARMUP_SCRAPES=N adds a third entry per round, "sextant-warm": Sextant with --warmup-scrapes=N, the
# same ingestion into a throwaway TSDB first, so its measured stage runs JIT-compiled code.
#
# SEXTANT_JAR2=<jar> adds entries "sextant2" (and "sextant2-warm" with WARMUP_SCRAPES) right after
# Sextant's in every round: a second build (e.g. main and a branch) measured interleaved with the
# first in the same runs, so load from other processes falls on both alike; the summary then also
# prints sextant2/sextant. JAR2_COMMIT names it in the JSON.
#
# Sextant runs with the ./sextant launcher's JVM tuning (sextant_tuning below, kept equal to the
# launcher's tuning=(...) line by JvmOptionsInSyncTest), as users run it; SEXTANT_NO_TUNING=1 leaves it
# out (A/B runs). SEXTANT_JAVA_OPTS comes after it (so a value there wins) and applies to every Sextant
# entry; SEXTANT2_JAVA_OPTS (default: SEXTANT_JAVA_OPTS) replaces it for the sextant2 entries, so one
# jar can be measured against itself with other JVM options, interleaved; SEXTANT2_FLAGS (default:
# SEXTANT_FLAGS) likewise replaces SEXTANT_FLAGS for them.
#
# Environment: RUNS (5), METRICS (10000), SCRAPES (3000), THREADS ("1 2"), PIN (0), WARMUP_SCRAPES (0), SERIES_FILE (generated
# from SeriesModel: 20,000 series, when missing), SEXTANT_JAR (api/target/sextant.jar, with lib/
# beside it; copy both away for long runs), BENCH_JAR (bench/target/benchmarks.jar), SEXTANT_JAVA_OPTS,
# SEXTANT_FLAGS (extra flags for Sextant's bench write, e.g. --wal-compression; jars before 2026-11-26
# 14:00 compress WAL records by default and know no such flag).
set -euo pipefail
{
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
runs="${RUNS:-5}"
metrics="${METRICS:-10000}"
scrapes="${SCRAPES:-3000}"
threads="${THREADS:-1 2}"
warmup="${WARMUP_SCRAPES:-0}"
sextant_jar="${SEXTANT_JAR:-$root/api/target/sextant.jar}"
sextant_jar2="${SEXTANT_JAR2:-}"
bench_jar="${BENCH_JAR:-$root/bench/target/benchmarks.jar}"
work="$(mktemp -d /tmp/tsdb-bench-write.XXXXXX)"
trap 'rm -rf "$work"' EXIT
jflags=(--add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED)
# The ./sextant launcher's JVM tuning (JvmOptionsInSyncTest keeps it equal to the launcher's line).
sextant_tuning=(-XX:CompileThresholdScaling=4)
if [ "${SEXTANT_NO_TUNING:-0}" = 1 ]; then sextant_tuning=(); fi
series_file="${SERIES_FILE:-$work/20kseries.json}"
if [ ! -f "$series_file" ]; then
  java -cp "$bench_jar" dev.sextant.bench.load.SeriesJsonFile --series=20000 --out="$series_file" >&2
fi
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
results="$work/runs.jsonl"
: > "$results"

one() { # tool threads run
  local tool="$1" th="$2" run="$3"
  local out="$work/out-$1" log="$work/log" tm="$work/time"
  local pin=()
  if [ "${PIN:-0}" = 1 ]; then
    pin=(taskset -c "0-$((th - 1))")
  fi
  local warm=()
  if [ "$tool" = sextant-warm ] || [ "$tool" = sextant2-warm ]; then
    warm=(--warmup-scrapes="$warmup")
  fi
  local jar="$sextant_jar" opts="${SEXTANT_JAVA_OPTS:-}" flags="${SEXTANT_FLAGS:-}"
  if [ "$tool" = sextant2 ] || [ "$tool" = sextant2-warm ]; then
    jar="$sextant_jar2"
    opts="${SEXTANT2_JAVA_OPTS-${SEXTANT_JAVA_OPTS:-}}"
    flags="${SEXTANT2_FLAGS-${SEXTANT_FLAGS:-}}"
  fi
  if [ "$tool" = promtool ]; then
    GOMAXPROCS="$th" "${pin[@]}" /usr/bin/time -o "$tm" -f '%e %U %S %M' promtool tsdb bench write --out="$out" \
      --metrics="$metrics" --scrapes="$scrapes" "$series_file" > "$log" 2>/dev/null
  else
    "${pin[@]}" /usr/bin/time -o "$tm" -f '%e %U %S %M' java "${jflags[@]}" "${sextant_tuning[@]}" $opts -jar "$jar" \
      tsdb bench write --out="$out" --metrics="$metrics" --scrapes="$scrapes" --threads="$th" "${warm[@]}" $flags "$series_file" \
      > "$log" 2>/dev/null
  fi
  rm -rf "$out"
  local rate total
  rate="$(sed -n 's/^ > samples\/sec: //p' "$log")"
  total="$(sed -n 's/^ > total samples: //p' "$log")"
  read -r wall user sys maxrss < "$tm"
  jq -nc --arg tool "$tool" --argjson threads "$th" --argjson run "$run" --argjson rate "$rate" \
    --argjson total "$total" --argjson wall "$wall" --argjson user "$user" --argjson sys "$sys" \
    --argjson maxrss_kb "$maxrss" --arg load "$(cut -d' ' -f1-3 /proc/loadavg)" --rawfile output "$log" \
    '{tool:$tool, threads:$threads, run:$run, samples_per_sec:$rate, total_samples:$total, wall_s:$wall,
      cpu_s:($user+$sys), cpu_s_per_1m_samples:(($user+$sys)/$total*1e6), maxrss_kb:$maxrss_kb,
      load_avg_after:$load, output:$output}' >> "$results"
  printf '%-8s threads=%s run=%s  %14.0f samples/s  cpu %5.2f s  peak RSS %s MiB\n' "$tool" "$th" "$run" \
    "$rate" "$(echo "$user + $sys" | bc)" "$(( maxrss / 1024 ))" >&2
}

for r in $(seq 1 "$runs"); do
  for th in $threads; do
    one promtool "$th" "$r"
    one sextant "$th" "$r"
    if [ "$warmup" -gt 0 ]; then
      one sextant-warm "$th" "$r"
    fi
    if [ -n "$sextant_jar2" ]; then
      one sextant2 "$th" "$r"
      if [ "$warmup" -gt 0 ]; then
        one sextant2-warm "$th" "$r"
      fi
    fi
  done
done

out="$root/bench/results/tsdb-bench-write-$stamp.json"
jq -s --arg date "$stamp" --arg load_start "$load_start" --arg load_end "$(cut -d' ' -f1-3 /proc/loadavg)" \
  --arg host "$(nproc) cores, $(free -m | awk '/Mem:/ {print $2}') MiB, $(uname -sr)" \
  --arg promtool "$(promtool --version 2>&1 | head -1)" --arg java "$(java -version 2>&1 | head -1)" \
  --arg commit "${JAR_COMMIT:-$(git -C "$root" rev-parse --short HEAD)}" --arg sextant_flags "${SEXTANT_FLAGS:-}" --arg sextant2_flags "${SEXTANT2_FLAGS-${SEXTANT_FLAGS:-}}" --arg jvm_opts "${sextant_tuning[*]} ${SEXTANT_JAVA_OPTS:-}" --arg jvm_opts2 "${sextant_tuning[*]} ${SEXTANT2_JAVA_OPTS-${SEXTANT_JAVA_OPTS:-}}" --arg commit2 "${JAR2_COMMIT:-}" --arg pin "${PIN:-0}" --argjson warmup "$warmup" --arg metrics "$metrics" --arg scrapes "$scrapes" \
  'def median: sort | if length % 2 == 1 then .[length/2|floor] else (.[length/2-1] + .[length/2]) / 2 end;
   {meta: {date:$date, machine:$host, load_avg_at_start:$load_start, load_avg_at_end:$load_end,
           promtool:$promtool, java:$java, commit:$commit, commit2:$commit2, sextant_flags:$sextant_flags, sextant2_flags:$sextant2_flags, sextant_jvm_options:$jvm_opts, sextant2_jvm_options:$jvm_opts2, pinned_to_n_cores:($pin == "1"), sextant_warm_warmup_scrapes:$warmup, metrics:($metrics|tonumber), scrapes:($scrapes|tonumber)},
    medians: (group_by(.tool + "/" + (.threads|tostring)) | map({key: (.[0].tool + "/" + (.[0].threads|tostring)),
       value: {samples_per_sec: (map(.samples_per_sec)|median), cpu_s_per_1m_samples: (map(.cpu_s_per_1m_samples)|median),
               maxrss_mib: ((map(.maxrss_kb)|median)/1024), runs: length}}) | from_entries),
    runs: .}' "$results" > "$out"
jq '.medians' "$out"
for th in $threads; do
  jq -r --arg th "$th" '"threads=\($th): sextant/promtool samples/s = \(.medians["sextant/"+$th].samples_per_sec / .medians["promtool/"+$th].samples_per_sec | . * 100 | round / 100)"' "$out"
  if [ "$warmup" -gt 0 ]; then
    jq -r --arg th "$th" '"threads=\($th): sextant-warm/promtool samples/s = \(.medians["sextant-warm/"+$th].samples_per_sec / .medians["promtool/"+$th].samples_per_sec | . * 100 | round / 100)"' "$out"
  fi
  if [ -n "$sextant_jar2" ]; then
    jq -r --arg th "$th" '"threads=\($th): sextant2/promtool samples/s = \(.medians["sextant2/"+$th].samples_per_sec / .medians["promtool/"+$th].samples_per_sec | . * 100 | round / 100), sextant2/sextant = \(.medians["sextant2/"+$th].samples_per_sec / .medians["sextant/"+$th].samples_per_sec | . * 100 | round / 100)"' "$out"
    if [ "$warmup" -gt 0 ]; then
      jq -r --arg th "$th" '"threads=\($th): sextant2-warm/promtool samples/s = \(.medians["sextant2-warm/"+$th].samples_per_sec / .medians["promtool/"+$th].samples_per_sec | . * 100 | round / 100)"' "$out"
    fi
  fi
done
echo "wrote $out" >&2
exit 0
}
