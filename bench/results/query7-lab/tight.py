#!/usr/bin/env python3
# tight.py PORT SECONDS KIND QUERY : POST one query over one keep-alive connection for SECONDS; prints count and median ms
import http.client, sys, time, urllib.parse, statistics
port=int(sys.argv[1]); secs=float(sys.argv[2]); kind=sys.argv[3]; q=sys.argv[4]
end=int(open('/tmp/q7/end_ms').read())/1000.0; start=end-19*15
if kind=='range': path='/api/v1/query_range'; body=urllib.parse.urlencode({'query':q,'start':start,'end':end,'step':'15s'})
else: path='/api/v1/query'; body=urllib.parse.urlencode({'query':q,'time':end})
c=http.client.HTTPConnection('127.0.0.1',port); h={'Content-Type':'application/x-www-form-urlencoded'}
ts=[]; stop=time.time()+secs
while time.time()<stop:
  t0=time.perf_counter(); c.request('POST',path,body,h); r=c.getresponse(); r.read(); ts.append(time.perf_counter()-t0)
print(kind, q[:40], len(ts), 'median %.3f ms'%(statistics.median(ts)*1e3))
