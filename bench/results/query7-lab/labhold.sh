#!/bin/bash
# labhold.sh OUT : flock -o ... ; prometheus + base + lab variants, one QuerySetRunner over all, fixed.py each
cd /tmp/q7; out=$1; mkdir -p $out
echo "hold start $(date -u +%T) $(cut -d' ' -f1-3 /proc/loadavg)"
for s in prometheus base inline spinh spinhl spinhly; do [ -f $s.pid ] && kill $(cat $s.pid) 2>/dev/null; done; sleep 2
echo $(( ($(date +%s) / 15) * 15 * 1000 )) > end_ms; cp end_ms $out/
./lab.sh start prometheus 19811
./lab.sh start base 19812 /tmp/q7/base
JOPT="-Dsextant.lab.inline=true" ./lab.sh start inline 19813 /tmp/q7/lab1
JOPT="-Dsextant.lab.spinMicros=300" ./lab.sh start spinh 19814 /tmp/q7/lab1
JOPT="-Dsextant.lab.spinMicros=300 -Dsextant.lab.loopSpinMicros=300" ./lab.sh start spinhl 19815 /tmp/q7/lab1
JOPT="-Dsextant.lab.spinMicros=300 -Dsextant.lab.loopSpinMicros=300 -Dsextant.lab.yield=true" ./lab.sh start spinhly 19816 /tmp/q7/lab1
S="prometheus=19811 base=19812 inline=19813 spinh=19814 spinhl=19815 spinhly=19816"
for s in $S; do ./lab.sh load ${s%%=*} ${s#*=}; done
echo "loaded $(date -u +%T) $(cut -d' ' -f1-3 /proc/loadavg)"
WARM=${WARM:-60} ROUNDS=${ROUNDS:-8} ./lab.sh measure $out "$S"
for s in $S; do python3 fixed.py ${s#*=} | sed "s/^/fixed ${s%%=*} /"; done
for s in $S; do ./lab.sh stop ${s%%=*}; done
echo "hold end $(date -u +%T) $(cut -d' ' -f1-3 /proc/loadavg)"
