#!/usr/bin/env bash
# qs.sh PORT N : all query-set queries + trivial
p=$1; n=${2:-20}
cd "$(dirname "$0")"
for q in '1' 'http_requests_total{job="api"}' 'sum by (job) (rate(http_requests_total[5m]))' 'rate(node_network_receive_bytes_total{namespace=~"ns-(1|2|3)"}[5m])' 'histogram_quantile(0.9, sum by (le, job) (rate(http_request_duration_seconds_bucket[5m])))' 'topk(5, node_memory_usage_bytes)' 'sum by (namespace) (process_resident_memory_bytes)' 'max_over_time(temperature_celsius[5m])' 'count(node_load1 > 5000)'; do
python3 qt.py $p $n "$q"; python3 qt.py $p $n "$q" r; done
