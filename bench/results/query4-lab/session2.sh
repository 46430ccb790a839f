#!/bin/bash
# Second hold: every lab server restarted and loaded with a fresh end timestamp (dev2's first load
# lost 16 batches as "out of bounds": loaded 68 min after the data's end), warmed, 5 warm rounds.
cd /tmp/q4
echo "hold2 start $(date -u +%T) $(cut -d' ' -f1-3 /proc/loadavg)"
for s in prometheus base dev2; do ./lab.sh stop $s; done; sleep 3
echo $(( ($(date +%s) / 15) * 15 * 1000 )) > end_ms
./lab.sh start prometheus 19701; ./lab.sh start base 19702 /tmp/q4/base; ./lab.sh start dev2 19703 /tmp/q4/dev2
for s in prometheus=19701 base=19702 dev2=19703; do ./lab.sh load ${s%%=*} ${s#*=}; done
for p in 19703 19702 19701; do END_MS_FILE=/tmp/q4/end_ms timeout 100 python3 /work/wt-query4/bench/lab/loop.py $p 150; done
echo "warm done $(date -u +%T) $(cut -d' ' -f1-3 /proc/loadavg)"
./lab.sh rounds /tmp/q4/r3 ${ROUNDS:-5} "prometheus=19701 base=19702 dev2=19703"
for p in 19701 19702 19703; do python3 /work/wt-query4/bench/lab/fixed.py $p | sed "s/^/$p fixed /"; done
echo "hold2 end $(date -u +%T) $(cut -d' ' -f1-3 /proc/loadavg)"
