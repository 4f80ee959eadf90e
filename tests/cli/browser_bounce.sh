# The bounce analyzer in a real browser: builds the shipped site, serves it
# with lighttpd and build/kb.cgi, and runs tests/browser/bounce.mjs (paste
# a bounce on /bounce/, read the result, follow next into the recorded
# walk, with and without JavaScript; upload an .eml; axe-core).
. tests/lib.sh
# checked once, in the plain run
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
cp build/kb.cgi "$TMP/kb.cgi"
served_pid=""
trap '[ -n "$served_pid" ] && kill "$served_pid" 2>/dev/null; wait 2>/dev/null' EXIT
if ! serve_site "$out" "$TMP/kb.cgi"; then
	finish
fi
SUITE=$SUITE node tests/browser/bounce.mjs "$served_url" "$PWD" "$TMP" >"$TMP/bounce.out" 2>"$TMP/bounce.stderr"
rc=$?
cat "$TMP/bounce.out"
n=$(grep -c '^FAIL: ' "$TMP/bounce.out")
failures=$((failures + n))
if [ "$rc" -ne 0 ] && [ "$n" -eq 0 ]; then
	fail "bounce.mjs ran" "exit $rc: $(tail -c 600 "$TMP/bounce.stderr")"
elif [ "$(grep -c '^PASS: ' "$TMP/bounce.out")" -lt 10 ]; then
	fail "bounce.mjs: every check ran" "$(tail -c 600 "$TMP/bounce.stderr")"
fi
finish
