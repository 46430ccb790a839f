#!/usr/bin/env python3
# top.py file.jfr : aggregate jdk.ExecutionSample top frames and inclusive frames
import subprocess, sys, json, collections
out=subprocess.run(['jfr','print','--stack-depth','200','--json','--events','jdk.ExecutionSample',sys.argv[1]],capture_output=True,text=True).stdout
ev=json.loads(out)['recording']['events']
top=collections.Counter(); incl=collections.Counter(); n=0
flt=sys.argv[2] if len(sys.argv)>2 else None
for e in ev:
  fr=e['values']['stackTrace']['frames'] if e['values'].get('stackTrace') else []
  names=[f['method']['type']['name'].split('.')[-1]+'.'+f['method']['name'] for f in fr]
  th=e['values'].get('sampledThread',{}).get('javaName','') or ''
  if flt and not any(flt in x for x in names): continue
  n+=1
  if names: top[names[0]]+=1
  for x in set(names): incl[x]+=1
print('samples',n)
print('--- top frames'); [print(f'{c*100.0/n:5.1f}% {k}') for k,c in top.most_common(40)]
print('--- inclusive'); [print(f'{c*100.0/n:5.1f}% {k}') for k,c in incl.most_common(70)]
