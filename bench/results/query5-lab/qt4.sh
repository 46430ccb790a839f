#!/bin/bash
# qt4.sh PORT...: qt.py 100 of the two target queries, instant and range
echo "qt4 start $(date -u +%T) $(cut -d' ' -f1-3 /proc/loadavg)"
for p in "$@"; do for q in 'max_over_time(temperature_celsius[5m])' 'rate(node_network_receive_bytes_total{namespace=~"ns-(1|2|3)"}[5m])' 'http_requests_total{job="api"}'; do
  for k in "" range; do echo -n "$p "; END_MS_FILE=/tmp/q5/end_ms python3 /work/wt-query5/bench/lab/qt.py $p ${N:-100} "$q" $k; done; done; done
echo "qt4 end $(date -u +%T) $(cut -d' ' -f1-3 /proc/loadavg)"
