# Lighthouse in Debian's Chromium: builds the shipped site, serves it with
# lighttpd and build/kb.cgi on a free 127.0.0.1 port (as browser_cgi.sh
# does), and runs tests/browser/lighthouse.mjs on the home page, an
# article, the wizard index, a question and an outcome (static pages and
# the CGI's recorded walk), the map and a search results page, with the
# mobile preset: one line per page and category with its score. The JSON
# reports land in $TMP/lighthouse/. (tests/cli/build.sh checks the meta
# description of every page, not only these.)
. tests/lib.sh
# checked once, in the plain run: the [asan] run prints nothing it did not check
case $KBGEN in *asan*) finish ;; esac

out="$TMP/out"
if ! "$KBGEN" build --out "$out" 2>"$TMP/build.stderr"; then
	fail "shipped site builds" "$(head -c 600 "$TMP/build.stderr")"
	finish
fi
if [ ! -d tests/browser/node_modules/lighthouse ]; then
	fail "lighthouse installed" "run make test-deps (npm ci in tests/browser)"
	finish
fi
if [ ! -x build/kb.cgi ]; then
	fail "build/kb.cgi built" "run make"
	finish
fi
cp build/kb.cgi "$TMP/kb.cgi"

lighttpd_pid=""
trap '[ -n "$lighttpd_pid" ] && kill "$lighttpd_pid" 2>/dev/null; wait 2>/dev/null' EXIT
up=""
for attempt in 1 2 3; do
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
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

mkdir -p "$TMP/lighthouse"
SUITE=$SUITE node tests/browser/lighthouse.mjs "http://127.0.0.1:$port" "$TMP/lighthouse" \
	>"$TMP/lighthouse.out" 2>"$TMP/lighthouse.stderr"
rc=$?
cat "$TMP/lighthouse.out"
n=$(grep -c '^FAIL: ' "$TMP/lighthouse.out")
failures=$((failures + n))
if [ "$rc" -ne 0 ] && [ "$n" -eq 0 ]; then
	fail "lighthouse.mjs ran" "exit $rc: $(tail -c 600 "$TMP/lighthouse.stderr")"
elif [ "$(grep -c '^PASS: ' "$TMP/lighthouse.out")" -eq 0 ] && [ "$n" -eq 0 ]; then
	fail "lighthouse.mjs ran" "no checks reported"
fi
finish
