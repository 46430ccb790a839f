#!/usr/bin/env bash
# Soak test: Sextant under remote write at a fixed fraction of the maximum measured in the same
# session, Grafana-like range queries and rule evaluation, for a fixed time; then an exact count of
# the stored samples against the acknowledged ones. Prints and saves the JSON of
# dev.sextant.bench.load.Soak (bench/results/soak-<time>.json) and the server's log tail.
#
#   bench/soak.sh [duration=10m] [series=20000] [fraction=0.8]
#
# Measurements must not overlap: run it as `flock /work/notes/bench.lock bench/soak.sh ...` on a
# shared machine. SEXTANT_JAVA_OPTS (e.g. -Xmx1g) is passed to the server, SOAK_ARGS (e.g.
# --calibrate=10s --query-interval=2s) to the Soak tool.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
duration="${1:-10m}"
series="${2:-20000}"
fraction="${3:-0.8}"
sextant_jar="$root/api/target/sextant.jar"
bench_jar="$root/bench/target/benchmarks.jar"
if [ ! -f "$bench_jar" ] || [ ! -f "$sextant_jar" ]; then
  (cd "$root" && ./mvnw -B -q -pl api,bench -am package -DskipTests)
fi
work="$(mktemp -d /tmp/sextant-soak.XXXXXX)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

cat > "$work/rules.yml" <<'YAML'
groups:
  - name: soak
    interval: 5s
    rules:
      - record: soak:rate1m
        expr: sum by (group) (rate(soak_total[1m]))
      - record: soak:series
        expr: count(soak_total)
      - alert: SoakStalled
        expr: sum(rate(soak_total[1m])) == 0
        for: 1m
YAML
cat > "$work/prometheus.yml" <<'YAML'
global:
  evaluation_interval: 5s
rule_files: [rules.yml]
YAML

port=19690
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
java --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
  --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED \
  -Xlog:gc:file="$work/gc.log" ${SEXTANT_JAVA_OPTS:-} -jar "$sextant_jar" --config.file="$work/prometheus.yml" \
  --storage.tsdb.path="$work/data" --web.listen-address="127.0.0.1:$port" --web.enable-remote-write-receiver \
  > "$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do
  curl -sf -o /dev/null "http://127.0.0.1:$port/-/ready" && break
  sleep 0.5
done
curl -sf -o /dev/null "http://127.0.0.1:$port/-/ready" || { tail -20 "$work/server.log" >&2; exit 1; }

mkdir -p "$root/bench/results"
out="$root/bench/results/soak-$(date -u +%Y%m%dT%H%MZ).json"
echo "soak: $(uptime)" >&2
status=0
java -Xmx1g -cp "$bench_jar" dev.sextant.bench.load.Soak --base="http://127.0.0.1:$port" --pid="$server_pid" \
  --series="$series" --fraction="$fraction" --duration="$duration" --json-out="$out" ${SOAK_ARGS:-} || status=$?
echo "soak: $(uptime)" >&2
errors="$(grep -c -i ' error\|level=error\|exception' "$work/server.log" || true)"
echo "soak: server errors logged: $errors" >&2
if [ "$errors" != "0" ]; then
  # Keep the evidence: the data directory goes with $work.
  grep -i -A12 ' error\|level=error\|exception' "$work/server.log" | head -400 > "${out%.json}.server-errors.log" || true
  echo "soak: server error lines in ${out%.json}.server-errors.log" >&2
fi
# Live heap after each collection (the "after" of "before->after(committed)"), to tell a leak from
# the collector's sizing: its first and last values after warm-up and the maximum.
python3 - "$work/gc.log" "$out" <<'PY' >&2 || true
import json, re, sys
after = []
for line in open(sys.argv[1]):
    m = re.search(r"\[([0-9.]+)s\].*Pause.* (\d+)M->(\d+)M\((\d+)M\)", line)
    if m:
        after.append((float(m.group(1)), int(m.group(3)), int(m.group(4))))
if after:
    res = json.load(open(sys.argv[2]))
    res["heap_after_gc_mib"] = [[round(t), a, c] for t, a, c in after[:: max(1, len(after) // 200)]]
    json.dump(res, open(sys.argv[2], "w"))
    late = [a for t, a, c in after if t > after[-1][0] / 2]
    print(f"soak: {len(after)} collections; heap after GC: first {after[0][1]} MiB, "
          f"second half min {min(late)} / max {max(late)} MiB, last {after[-1][1]} MiB, committed {after[-1][2]} MiB")
PY
echo "soak: results in $out" >&2
exit "$status"
