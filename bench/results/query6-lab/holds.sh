#!/bin/bash
# holds.sh : two fair A/B holds back to back (each restarts and reloads all three servers)
cd /tmp/q6
./hold.sh /tmp/q6/h1 > /tmp/q6/hold-1.log 2>&1
./hold.sh /tmp/q6/h2 > /tmp/q6/hold-2.log 2>&1
