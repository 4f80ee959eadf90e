#!/bin/sh
# bench-cgi.sh [SECONDS] [PROGRAM] — kb.cgi's throughput and latency
# through lighttpd on loopback with wrk (apt-get install wrk): a search
# (迷惑) and a wizard step with two answers, at 1 and 16 connections, each
# for SECONDS (10 by default). PROGRAM is the CGI to serve (build/kb.cgi).
# Prints one line per run: requests/s, latency mean, 50/90/99th percentile,
# and errors (non-2xx, socket errors). A measurement, not a test: run it on
# a quiet machine (it prints the load average first).
set -eu
cd "$(dirname "$0")/.."
seconds=${1:-10}
program=${2:-build/kb.cgi}
command -v wrk >/dev/null || { echo "bench-cgi: needs wrk (apt-get install wrk)" >&2; exit 2; }
tmp=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
build/kbgen build --out "$tmp/out" >/dev/null
cp "$program" "$tmp/kb.cgi"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
tools/lighttpd-conf.sh "$tmp/out" "$port" "$tmp/kb.cgi" > "$tmp/lighttpd.conf"
lighttpd -D -f "$tmp/lighttpd.conf" 2>"$tmp/lighttpd.log" &
pid=$!
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
cgi="http://127.0.0.1:$port/cgi-bin/kb.cgi"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs; $program; ${seconds}s per run"
for what in search wizard; do
	case $what in
	search) url="$cgi/search?q=%E8%BF%B7%E6%83%91" ;;
	wizard) url="$cgi/wizard/mail-not-arriving/elapsed-time?delivery-error-shown=no&check-spam=not-found" ;;
	esac
	for connections in 1 16; do
		threads=$([ "$connections" -gt 1 ] && echo 2 || echo 1)
		wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency "$url" > "$tmp/wrk.out"
		awk -v what="$what" -v c="$connections" '
			/Requests\/sec/ { rps = $2 }
			/^    Latency/ { mean = $2 }
			/^     50%/ { p50 = $2 } /^     90%/ { p90 = $2 } /^     99%/ { p99 = $2 }
			/requests in/ { total = $1 }
			/Non-2xx/ { non2xx = $NF }
			/Socket errors/ { sock = $0; sub(/.*Socket errors: /, "", sock) }
			END { printf "%-6s c=%-2s %8s req/s  mean %-8s p50 %-8s p90 %-8s p99 %-8s %s requests, non-2xx %s, socket errors %s\n",
				what, c, rps, mean, p50, p90, p99, total, non2xx ? non2xx : 0, sock ? sock : "none" }' "$tmp/wrk.out"
	done
done
