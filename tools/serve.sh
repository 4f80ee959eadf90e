#!/bin/sh
# serve.sh PORT — serves out/ with lighttpd on 127.0.0.1:PORT in the
# foreground until Ctrl-C. The configuration is generated into
# build/lighttpd.conf on every run (nothing machine-specific is kept in git);
# when build/kb.cgi exists it is mounted at the site's cgi_url.
set -eu
port=${1:-8080}
root=$(pwd)
out="$root/out"
conf="$root/build/lighttpd.conf"
[ -f "$out/index.html" ] || { echo "serve: $out has no site; run 'make site' first" >&2; exit 1; }
lighttpd=$(command -v lighttpd || echo /usr/sbin/lighttpd)
mkdir -p "$root/build"
tools/lighttpd-conf.sh "$out" "$port" "$root/build/kb.cgi" > "$conf"
"$lighttpd" -tt -f "$conf" >/dev/null
echo "kbgen: serving $out on http://127.0.0.1:$port/ (Ctrl-C stops)"
exec "$lighttpd" -D -f "$conf"
