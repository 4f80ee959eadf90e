#!/bin/sh
# tools/cgi-load.sh OUT_DIR CGI [SECONDS] — requests per second of an
# ordinary search (迷惑) through lighttpd at 16 connections, for SECONDS
# (10), alone and while 8 more clients send the worst query of
# tools/cgi-cost.py ("の " x 128), with ab from Debian's apache2-utils, on
# a free loopback port. Issue 15's measurement; not a test.
set -eu
out=$1
cgi=$2
seconds=${3:-10}
tmp=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
tools/lighttpd-conf.sh "$out" "$port" "$cgi" > "$tmp/lighttpd.conf"
lighttpd -D -f "$tmp/lighttpd.conf" 2>"$tmp/lighttpd.log" &
server=$!
trap 'kill $server 2>/dev/null; pkill -f "^$cgi\$" 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
base="http://127.0.0.1:$port/cgi-bin/kb.cgi/search"
ordinary="$base?q=%E8%BF%B7%E6%83%91"
worst="$base?q=$(python3 -c 'import urllib.parse; print(urllib.parse.quote("の " * 128))')"
rate() { ab -q -c 16 -t "$seconds" -n 1000000 "$ordinary" 2>/dev/null | sed -n 's/^Requests per second: *\([0-9.]*\).*/\1/p'; }
echo "alone: $(rate) requests/s"
ab -q -c 8 -t "$seconds" -n 1000000 -s 120 "$worst" > "$tmp/worst.txt" 2>&1 &
attack=$!
sleep 0.5
echo "with 8 clients sending the worst query: $(rate) requests/s"
wait $attack || true
echo "worst query: $(sed -n 's/^Complete requests: *//p; s/^Non-2xx responses: *\(.*\)/(non-2xx \1)/p' "$tmp/worst.txt" | tr '\n' ' ')completed in ${seconds} s"
echo "kb.cgi processes still running after the clients stopped: $(pgrep -fc "^$cgi\$" || true)"
