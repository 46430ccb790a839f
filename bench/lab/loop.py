#!/usr/bin/env python3
# loop.py PORT N [filter] : run every query-set query (instant+range) N times
import http.client, sys, urllib.parse
port=int(sys.argv[1]); n=int(sys.argv[2]); flt=sys.argv[3] if len(sys.argv)>3 else ''
import os
end=int(open(os.environ.get('END_MS_FILE', 'end_ms')).read())/1000.0; start=end-19*15
Q=['http_requests_total{job="api"}','sum by (job) (rate(http_requests_total[5m]))','rate(node_network_receive_bytes_total{namespace=~"ns-(1|2|3)"}[5m])','histogram_quantile(0.9, sum by (le, job) (rate(http_request_duration_seconds_bucket[5m])))','topk(5, node_memory_usage_bytes)','sum by (namespace) (process_resident_memory_bytes)','max_over_time(temperature_celsius[5m])','count(node_load1 > 5000)','1']
c=http.client.HTTPConnection('127.0.0.1',port); h={'Content-Type':'application/x-www-form-urlencoded'}
for i in range(n):
  for q in Q:
    if flt and flt not in q: continue
    for path,body in (('/api/v1/query',{'query':q,'time':end}),('/api/v1/query_range',{'query':q,'start':start,'end':end,'step':'15s'})):
      c.request('POST',path,urllib.parse.urlencode(body),h); r=c.getresponse(); r.read()
