import http.client, sys, time, statistics
port=int(sys.argv[1])
c=http.client.HTTPConnection('127.0.0.1',port)
def t(method,path,body=None,h={}):
    ts=[]
    for i in range(203):
        t0=time.perf_counter(); c.request(method,path,body,h); r=c.getresponse(); r.read(); t1=time.perf_counter()
        if i>=3: ts.append((t1-t0)*1e3)
    return statistics.median(ts)
h={'Content-Type':'application/x-www-form-urlencoded'}
print(port, 'ready GET %.3f'%t('GET','/-/ready'), 'buildinfo %.3f'%t('GET','/api/v1/status/buildinfo'), 'query 1 POST %.3f'%t('POST','/api/v1/query','query=1&time=1000',h), 'query 1 GET %.3f'%t('GET','/api/v1/query?query=1&time=1000'))
