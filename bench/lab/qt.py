#!/usr/bin/env python3
# qt.py PORT N query [range]  -> median ms over N requests (keep-alive), after 3 warmups
import http.client, sys, time, urllib.parse, statistics
port=int(sys.argv[1]); n=int(sys.argv[2]); q=sys.argv[3]; rng=len(sys.argv)>4
import os
end=int(open(os.environ.get('END_MS_FILE', 'end_ms')).read())/1000.0
start=end-19*15
c=http.client.HTTPConnection('127.0.0.1',port)
if rng:
    path='/api/v1/query_range'; body=urllib.parse.urlencode({'query':q,'start':start,'end':end,'step':'15s'})
else:
    path='/api/v1/query'; body=urllib.parse.urlencode({'query':q,'time':end})
h={'Content-Type':'application/x-www-form-urlencoded'}
ts=[]
for i in range(n+3):
    t0=time.perf_counter(); c.request('POST',path,body,h); r=c.getresponse(); d=r.read(); t1=time.perf_counter()
    if i>=3: ts.append((t1-t0)*1000)
ts.sort()
print(f"{q[:60]:60s} {'range' if rng else 'inst ':5s} median={statistics.median(ts):7.2f} p10={ts[len(ts)//10]:7.2f} bytes={len(d)} status={r.status}")
