#!/usr/bin/env python3
# rloop.py PORT N query... : range queries only, N times each
import http.client, sys, urllib.parse, os
port=int(sys.argv[1]); n=int(sys.argv[2]); qs=sys.argv[3:]
end=int(open(os.environ.get('END_MS_FILE', '/tmp/q5/end_ms')).read())/1000.0; start=end-19*15
c=http.client.HTTPConnection('127.0.0.1',port); h={'Content-Type':'application/x-www-form-urlencoded'}
for i in range(n):
  for q in qs:
    c.request('POST','/api/v1/query_range',urllib.parse.urlencode({'query':q,'start':start,'end':end,'step':'15s'}),h); r=c.getresponse(); r.read()
