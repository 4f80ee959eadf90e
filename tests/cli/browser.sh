# The shipped site in a real browser: builds it, serves it with lighttpd on
# a free 127.0.0.1 port, and runs tests/browser/axe.mjs (axe-core in
# Debian's Chromium, light and dark; no horizontal scrolling at 320 px;
# renders without JavaScript). Screenshots land in $TMP.
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

SUITE=$SUITE node tests/browser/axe.mjs "http://127.0.0.1:$port" "$TMP" \
	>"$TMP/axe.out" 2>"$TMP/axe.stderr"
rc=$?
cat "$TMP/axe.out"
n=$(grep -c '^FAIL: ' "$TMP/axe.out")
failures=$((failures + n))
if [ "$rc" -ne 0 ] && [ "$n" -eq 0 ]; then
	fail "axe.mjs ran" "exit $rc: $(tail -c 600 "$TMP/axe.stderr")"
elif [ "$(grep -c '^PASS: ' "$TMP/axe.out")" -eq 0 ] && [ "$n" -eq 0 ]; then
	fail "axe.mjs ran" "no checks reported"
fi

# The pages a Hugo layout brings (tests/hugo-layout/): the home page's and
# a section's _index.md body, a nested section, an article two folders
# down, a page of content/ itself.
hugo="$TMP/hugo"
make_site "$hugo"
cp -r tests/hugo-layout/content/. "$hugo/content/"
if ! "$KBGEN" build --root "$hugo" --out "$hugo/out" 2>"$TMP/hugo.stderr"; then
	fail "the Hugo-layout site builds" "$(head -c 600 "$TMP/hugo.stderr")"
elif serve_site "$hugo/out"; then
	SUITE=$SUITE AXE_PATHS="/ /guide/ /guide/mail/ /guide/mail/setup/step/ /contact/" \
		node tests/browser/axe.mjs "$served_url" "$TMP" \
		>"$TMP/axe-hugo.out" 2>"$TMP/axe-hugo.stderr"
	rc=$?
	kill "$served_pid" 2>/dev/null
	cat "$TMP/axe-hugo.out"
	n=$(grep -c '^FAIL: ' "$TMP/axe-hugo.out")
	failures=$((failures + n))
	if [ "$rc" -ne 0 ] && [ "$n" -eq 0 ]; then
		fail "axe.mjs ran on the Hugo-layout site" "exit $rc: $(tail -c 600 "$TMP/axe-hugo.stderr")"
	elif [ "$(grep -c '^PASS: ' "$TMP/axe-hugo.out")" -lt 15 ]; then
		fail "axe.mjs ran on the Hugo-layout site" "fewer checks than its 5 pages need"
	fi
fi
finish
