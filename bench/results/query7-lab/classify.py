import sys, collections
# classify.py script.txt COMM : inclusive shares of frames whose text contains any of KEYS
keys=sys.argv[3].split(',') if len(sys.argv)>3 else []
comm=sys.argv[2]
tot=collections.Counter(); n=0; alln=0; leaf=collections.Counter()
for block in open(sys.argv[1]).read().split('\n\n'):
    lines=block.strip().split('\n')
    if not lines or not lines[0]: continue
    alln+=1
    if not lines[0].startswith(comm): continue
    n+=1
    frames=[l.strip().split(' ',1)[1] if ' ' in l.strip() else l for l in lines[1:]]
    seen=set()
    for k in keys:
        if any(k in f for f in frames): seen.add(k)
    for k in seen: tot[k]+=1
print('samples all %d, %s %d (%.1f%%)'%(alln,comm,n,100*n/alln))
for k in keys: print('%6.1f%% of all  %6.1f%% of comm  %s'%(100*tot[k]/alln,100*tot[k]/max(n,1),k))
