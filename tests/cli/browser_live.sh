# Live reload in a real browser: `kbgen watch` on a copy of the shipped
# site, lighttpd on a free 127.0.0.1 port with /_kb/ mapped to the
# watcher's live folder (tools/lighttpd-conf.sh, as make serve does), and
# tests/browser/live.mjs in Debian's Chromium: an edit reloads the open
# page, a broken edit shows the error overlay (axe-clean, in the site's
# language, with the line), on kb.cgi's pages too, the fix removes it.
# Screenshots of the overlay land in $TMP.
. tests/lib.sh
# checked once, in the plain run: the [asan] run prints nothing it did not check
case $KBGEN in *asan*) finish ;; esac

site="$TMP/site"
out="$TMP/out"
live="$TMP/out.live"
rm -rf "$site" "$out" "$live"
mkdir -p "$site"
cp -r site.yaml bounce-rules.yaml content decision-trees theme "$site"/
if [ ! -d tests/browser/node_modules/playwright-core ]; then
	fail "playwright-core installed" "run make test-deps (npm ci in tests/browser)"
	finish
fi

# kb.cgi's pages of the preview load live.js too (a copy: a rebuild in
# the checkout must not swap the program under the server)
cp build/kb.cgi "$TMP/kb.cgi"
cgi="$TMP/kb.cgi"

watch_pid=""
lighttpd_pid=""
trap 'kill $watch_pid $lighttpd_pid 2>/dev/null; wait 2>/dev/null' EXIT
"$KBGEN" watch --root "$site" --out "$out" >"$TMP/watch.log" 2>&1 &
watch_pid=$!
for _ in $(seq 600); do
	[ -s "$live/status.json" ] && break
	kill -0 "$watch_pid" 2>/dev/null || break
	sleep 0.05
done
if ! grep -q '"ok": true' "$live/status.json" 2>/dev/null; then
	fail "kbgen watch builds the site" "$(head -c 600 "$TMP/watch.log")"
	finish
fi

# A free port: the kernel picks one; lighttpd binds it right after.
up=""
for attempt in 1 2 3; do
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	KB_CGI_MODE=cgi tools/lighttpd-conf.sh "$out" "$port" "$cgi" "$live" > "$TMP/lighttpd.conf"
	lighttpd -D -f "$TMP/lighttpd.conf" 2>"$TMP/lighttpd.log" &
	lighttpd_pid=$!
	for _ in $(seq 50); do
		if curl -s -o /dev/null "http://127.0.0.1:$port/"; then up=1; break; fi
		kill -0 "$lighttpd_pid" 2>/dev/null || break
		sleep 0.1
	done
	[ -n "$up" ] && break
	kill "$lighttpd_pid" 2>/dev/null
	wait "$lighttpd_pid" 2>/dev/null
	lighttpd_pid=""
done
if [ -z "$up" ]; then
	fail "lighttpd serves the site" "$(head -c 600 "$TMP/lighttpd.log")"
	finish
fi
check_eq "status.json is served uncached" \
	"$(curl -s -D - -o /dev/null "http://127.0.0.1:$port/_kb/status.json" | tr -d '\r' | grep -i '^cache-control:')" \
	"Cache-Control: no-store"

SUITE=$SUITE node tests/browser/live.mjs "http://127.0.0.1:$port" "$site" "$TMP" \
	>"$TMP/live.out" 2>"$TMP/live.stderr"
rc=$?
cat "$TMP/live.out"
n=$(grep -c '^FAIL: ' "$TMP/live.out")
failures=$((failures + n))
if [ "$rc" -ne 0 ] && [ "$n" -eq 0 ]; then
	fail "live.mjs ran" "exit $rc: $(tail -c 600 "$TMP/live.stderr")"
elif [ "$(grep -c '^PASS: ' "$TMP/live.out")" -eq 0 ] && [ "$n" -eq 0 ]; then
	fail "live.mjs ran" "no checks reported"
fi
if [ "$n" -gt 0 ]; then
	echo "watch log:"
	tail -20 "$TMP/watch.log"
fi
finish
