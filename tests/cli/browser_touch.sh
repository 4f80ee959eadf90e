# Touch targets and printing in a real browser: builds the shipped site
# with its base_url set to the address it is served at (so the printed
# URL of a page can be compared with the browser's), serves it with
# lighttpd and build/kb.cgi on a free 127.0.0.1 port, and runs
# tests/browser/touch.mjs (every link and button at least 44x44 CSS px at
# 390 px; what a printed article and outcome show and hide; a PDF).
# Screenshots and the PDF land in build/screenshots/.
. tests/lib.sh
# checked once, in the plain run: the [asan] run prints nothing it did not check
case $KBGEN in *asan*) finish ;; esac

if [ ! -d tests/browser/node_modules/playwright-core ]; then
	fail "playwright-core installed" "run make test-deps (npm ci in tests/browser)"
	finish
fi
if [ ! -x build/kb.cgi ]; then
	fail "build/kb.cgi built" "run make"
	finish
fi
cp build/kb.cgi "$TMP/kb.cgi"

# The shipped content under a site.yaml whose base_url is this server's.
site="$TMP/site"
mkdir -p "$site"
for part in content decision-trees theme bounce-rules.yaml; do
	ln -sfn "$PWD/$part" "$site/$part"
done

out="$TMP/out"
lighttpd_pid=""
trap '[ -n "$lighttpd_pid" ] && kill "$lighttpd_pid" 2>/dev/null; wait 2>/dev/null' EXIT
up=""
for attempt in 1 2 3; do
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	sed "s|^base_url:.*|base_url: http://127.0.0.1:$port/|" site.yaml > "$site/site.yaml"
	if ! "$KBGEN" build --quiet --root "$site" --out "$out" 2>"$TMP/build.stderr"; then
		fail "shipped site builds" "$(head -c 600 "$TMP/build.stderr")"
		finish
	fi
	tools/lighttpd-conf.sh "$out" "$port" "$TMP/kb.cgi" > "$TMP/lighttpd.conf"
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
	fail "lighttpd serves the site with kb.cgi" "$(head -c 600 "$TMP/lighttpd.log")"
	finish
fi

shots=build/screenshots
mkdir -p "$shots"
SUITE=$SUITE node tests/browser/touch.mjs "http://127.0.0.1:$port" "$shots" \
	>"$TMP/touch.out" 2>"$TMP/touch.stderr"
rc=$?
cat "$TMP/touch.out"
n=$(grep -c '^FAIL: ' "$TMP/touch.out")
failures=$((failures + n))
if [ "$rc" -ne 0 ] && [ "$n" -eq 0 ]; then
	fail "touch.mjs ran" "exit $rc: $(tail -c 600 "$TMP/touch.stderr")"
elif [ "$(grep -c '^PASS: ' "$TMP/touch.out")" -eq 0 ] && [ "$n" -eq 0 ]; then
	fail "touch.mjs ran" "no checks reported"
fi
finish
