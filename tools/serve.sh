#!/bin/sh
# serve.sh PORT — the writer's live preview on http://127.0.0.1:PORT/:
# `kbgen watch` builds build/preview/ and rebuilds it on every save, and
# lighttpd serves it (in the background) with /_kb/ mapped to
# build/preview.live/, where the watcher keeps the live-reload script and
# the last build's status. Ctrl-C stops both. out/, the site to publish,
# is never written here: its pages must not load the live-reload script.
# The configuration is generated into build/lighttpd.conf on every run
# (nothing machine-specific is kept in git); when build/kb.cgi exists it is
# mounted at the site's cgi_url, as FastCGI workers lighttpd spawns (one
# per core; KB_CGI_MODE=cgi runs it as a CGI program instead). Each worker
# opens the new kb.db at the first request after a rebuild.
set -eu
port=${1:-8080}
root=$(pwd)
preview="$root/build/preview"
live="$preview.live"
conf="$root/build/lighttpd.conf"
kbgen="$root/build/kbgen"
[ -x "$kbgen" ] || { echo "serve: $kbgen is missing; run 'make all' first" >&2; exit 1; }
lighttpd=$(command -v lighttpd || echo /usr/sbin/lighttpd)
mkdir -p "$preview" "$live"
KB_CGI_MODE=${KB_CGI_MODE:-fastcgi} \
	tools/lighttpd-conf.sh "$preview" "$port" "$root/build/kb.cgi" "$live" > "$conf"
"$lighttpd" -tt -f "$conf" >/dev/null
"$lighttpd" -D -f "$conf" &
lighttpd_pid=$!
watch_pid=""
trap 'kill $watch_pid $lighttpd_pid 2>/dev/null || true; wait' EXIT
trap 'exit 0' INT TERM HUP
# A port already taken stops lighttpd as soon as it starts.
sleep 0.3
kill -0 "$lighttpd_pid" 2>/dev/null || { echo "serve: lighttpd did not start on port $port" >&2; exit 1; }
echo "kbgen: serving $preview on http://127.0.0.1:$port/ (Ctrl-C stops)"
# In the background only so that a stop signal sent to this script alone
# (not the terminal's Ctrl-C, which reaches every process) stops it too.
"$kbgen" watch --out "$preview" &
watch_pid=$!
wait "$watch_pid"
