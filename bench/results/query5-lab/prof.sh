#!/bin/bash
# prof.sh NAME PORT : warm 150 passes, then JFR 1ms over range max_over_time + rate_regex
cd /tmp/q5; name=$1; p=$2
echo "prof start $(date -u +%T) $(cut -d' ' -f1-3 /proc/loadavg)"
END_MS_FILE=/tmp/q5/end_ms timeout 200 python3 /work/wt-query5/bench/lab/loop.py $p ${WARM:-150}
for q in 'max_over_time(temperature_celsius[5m])' 'rate(node_network_receive_bytes_total{namespace=~"ns-(1|2|3)"}[5m])'; do
  for k in "" range; do END_MS_FILE=/tmp/q5/end_ms python3 /work/wt-query5/bench/lab/qt.py $p 100 "$q" $k; done; done
pid=$(cat $name.pid)
jh=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
sed '/<event name="jdk.ExecutionSample">/,/<\/event>/s|>10 ms<|>1 ms<|' "$jh/lib/jfr/profile.jfc" > fast.jfc
for q in 'max_over_time(temperature_celsius[5m])' 'rate(node_network_receive_bytes_total{namespace=~"ns-(1|2|3)"}[5m])'; do
  tag=$(echo "$q" | cut -c1-4)
  jcmd $pid JFR.start name=prof settings=$PWD/fast.jfc filename=$PWD/prof-$name-$tag.jfr >/dev/null
  python3 rloop.py $p ${LOOPS:-400} "$q"
  jcmd $pid JFR.stop name=prof >/dev/null
done
echo "prof end $(date -u +%T) $(cut -d' ' -f1-3 /proc/loadavg)"
