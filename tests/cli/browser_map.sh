# The wizard's map for support staff in a real browser: builds the shipped
# site, serves it with lighttpd on a free 127.0.0.1 port, and runs
# tests/browser/map.mjs (at 390 and 1280 px: the diagram fits and starts at
# the first question, ids on the boxes, the key, zoom and the full-size
# link with and without JavaScript, the step table as cards and its Copy
# buttons, axe-core). Screenshots land in build/screenshots/ (map-390.png,
# map-1280.png), for people to look at.
. tests/lib.sh
# checked once, in the plain run: the [asan] run prints nothing it did not check
case $KBGEN in *asan*) finish ;; esac

out="$TMP/out"
if ! "$KBGEN" build --out "$out" 2>"$TMP/build.stderr"; then
	fail "shipped site builds" "$(head -c 600 "$TMP/build.stderr")"
	finish
fi
if [ ! -d tests/browser/node_modules/playwright-core ]; then
	fail "playwright-core installed" "run make test-deps (npm ci in tests/browser)"
	finish
fi

# A free port: the kernel picks one; lighttpd binds it right after.
lighttpd_pid=""
trap '[ -n "$lighttpd_pid" ] && kill "$lighttpd_pid" 2>/dev/null; wait 2>/dev/null' EXIT
up=""
for attempt in 1 2 3; do
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	tools/lighttpd-conf.sh "$out" "$port" > "$TMP/lighttpd.conf"
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

mkdir -p build/screenshots
SUITE=$SUITE node tests/browser/map.mjs "http://127.0.0.1:$port" build/screenshots \
	>"$TMP/map.out" 2>"$TMP/map.stderr"
rc=$?
cat "$TMP/map.out"
n=$(grep -c '^FAIL: ' "$TMP/map.out")
failures=$((failures + n))
if [ "$rc" -ne 0 ] && [ "$n" -eq 0 ]; then
	fail "map.mjs ran" "exit $rc: $(tail -c 600 "$TMP/map.stderr")"
elif [ "$(grep -c '^PASS: ' "$TMP/map.out")" -eq 0 ] && [ "$n" -eq 0 ]; then
	fail "map.mjs ran" "no checks reported"
fi
finish
