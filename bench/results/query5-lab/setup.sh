#!/bin/bash
# start + load servers given as name=port[=jardir]
cd /tmp/q5
echo "setup start $(date -u +%T) $(cut -d' ' -f1-3 /proc/loadavg)"
echo $(( ($(date +%s) / 15) * 15 * 1000 )) > end_ms
for s in "$@"; do IFS== read name port dir <<< "$s"; ./lab.sh start $name $port $dir; done
for s in "$@"; do IFS== read name port dir <<< "$s"; ./lab.sh load $name $port; done
echo "setup end $(date -u +%T) $(cut -d' ' -f1-3 /proc/loadavg)"
