import sys,re
# usage: nmtmap.py smaps.txt nmt-detail.txt heapinfo : RSS per NMT category via VMA overlap
sm=open(sys.argv[1]).read().split('\n')
nmt=open(sys.argv[2]).read().split('\n')
regs=[]  # (a,b,cat) committed
cat=None
for l in nmt:
    m=re.match(r'^\[0x([0-9a-f]+) - 0x([0-9a-f]+)\] reserved \d+KB for (.+?) from',l)
    if m: cat=m.group(3); continue
    m=re.match(r'^\s+\[0x([0-9a-f]+) - 0x([0-9a-f]+)\] committed \d+KB',l)
    if m and cat: regs.append((int(m.group(1),16),int(m.group(2),16),cat))
    if re.match(r'^\[0x[0-9a-f]+ - 0x[0-9a-f]+\] reserved',l) and not re.match(r'^\[0x([0-9a-f]+) - 0x([0-9a-f]+)\] reserved \d+KB for',l): cat=None
out={}
cur=None; a=b=0; path=''
def classify(a,b,path):
    best=None;bo=0
    for ra,rb,c in regs:
        o=min(b,rb)-max(a,ra)
        if o>bo: bo=o;best=c
    if best: return best
    if path.endswith('.jsa'): return 'CDS (file)'
    if 'chunks_head' in path: return 'chunks_head mmap (file)'
    if '/wal/' in path: return 'wal mmap (file)'
    if path.startswith('['): return path
    if path: return 'jars, libs (file)'
    return 'anon, not in NMT map (malloc: Internal/Other/Symbol/Arena, direct buffers, chronicle off-heap)'
for line in sm:
    mm=re.match(r'^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$',line)
    if mm:
        cur=classify(int(mm.group(1),16),int(mm.group(2),16),mm.group(4)); continue
    if line.startswith('Rss:'):
        out[cur]=out.get(cur,0)+int(line.split()[1])
tot=sum(out.values())
for k,v in sorted(out.items(),key=lambda x:-x[1]):
    print(f"{v/1024:8.1f} MiB  {k}")
print(f"{tot/1024:8.1f} MiB  total")
