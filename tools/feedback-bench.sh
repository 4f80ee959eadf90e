#!/bin/sh
# feedback-bench.sh — `make bench-feedback`: votes per second through
# lighttpd at 16 connections, with kb.cgi as plain CGI and as FastCGI
# workers, each run checked for lost votes (the database must hold every
# vote answered), alternated RUNS times (default 3) and reported as the
# median with the spread; then the feedback database's size per 100,000
# votes (written through db/feedback.h by build/feedback-fill, checkpointed).
# A measurement, not a test: no pass or fail on time.
set -eu
cd "$(dirname "$0")/.."
runs=${RUNS:-3}
votes=${VOTES:-2000}
work=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
mkdir -p "$work/site"
cp -r content decision-trees theme site.yaml "$work/site/"
[ -f bounce-rules.yaml ] && cp bounce-rules.yaml "$work/site/"
printf 'feedback:\n  db: %s/feedback.db\n' "$work" >> "$work/site/site.yaml"
build/kbgen build --root "$work/site" --out "$work/out" --quiet
cp build/kb.cgi "$work/kb.cgi"

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
one_run() { # mode
	rm -f "$work"/feedback.db*
	port=$(free_port)
	KB_CGI_MODE=$1 tools/lighttpd-conf.sh "$work/out" "$port" "$work/kb.cgi" > "$work/lighttpd.conf"
	lighttpd -D -f "$work/lighttpd.conf" 2>"$work/lighttpd.log" &
	pid=$!
	for _ in $(seq 100); do
		curl -s -o /dev/null "http://127.0.0.1:$port/" && break
		sleep 0.1
	done
	result=$(python3 tools/feedback_load.py "http://127.0.0.1:$port" 16 "$votes")
	kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
	answered=$(echo "$result" | sed 's/.*answered=\([0-9]*\).*/\1/')
	seconds=$(echo "$result" | sed 's/.*seconds=\([0-9.]*\).*/\1/')
	stored=$(sqlite3 "$work/feedback.db" 'SELECT count(*) FROM votes')
	lost=$((answered - stored))
	echo "$1 $(echo "$answered / $seconds" | bc -l) $result stored=$stored lost=$lost"
}
: > "$work/results"
for run in $(seq "$runs"); do
	for mode in cgi fastcgi; do
		one_run $mode | tee -a "$work/results"
	done
done
for mode in cgi fastcgi; do
	grep "^$mode " "$work/results" | awk -v mode=$mode '{ print $2 }' | sort -n |
		awk -v mode=$mode '{ v[NR] = $1 } END {
			printf "%s: %.0f votes/s median (%.0f to %.0f) over %d runs, 16 connections\n",
				mode, v[int((NR + 1) / 2)], v[1], v[NR], NR }'
done
echo "lost votes over all runs: $(awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^lost=/) { sub("lost=", "", $i); s += $i } } END { print s + 0 }' "$work/results")"
build/feedback-fill "$work/size.db" 100000
size=$(stat -c %s "$work/size.db")
echo "feedback database: $size bytes for 100,000 votes ($((size / 100000)) bytes a vote)"
