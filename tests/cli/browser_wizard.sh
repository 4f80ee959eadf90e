# The wizard as customers and support staff meet it, in a real browser:
# builds the shipped site (cgi_url set, support: set) and a copy without
# cgi_url, serves both with lighttpd (the first with build/kb.cgi), and
# runs tests/browser/wizard.mjs: the walk from 診断を始める to an outcome
# and its contact link with and without JavaScript, progress, Change
# marking the previous answer, a staff link into the middle, the static
# walk where no CGI is deployed. Screenshots at 390 and 1280 px land in
# build/screenshots/.
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
out="$TMP/out"
if ! "$KBGEN" build --out "$out" 2>"$TMP/build.stderr"; then
	fail "shipped site builds" "$(head -c 600 "$TMP/build.stderr")"
	finish
fi
static="$TMP/static"
mkdir -p "$static"
cp -R content decision-trees bounce-rules.yaml "$static"/
ln -sfn "$PWD/theme" "$static/theme"
grep -v '^cgi_url:' site.yaml > "$static/site.yaml"
if ! "$KBGEN" build --root "$static" --out "$static/out" 2>"$TMP/static.stderr"; then
	fail "the site without cgi_url builds" "$(head -c 600 "$TMP/static.stderr")"
	finish
fi
check_eq "without cgi_url: no page links kb.cgi" \
	"$(grep -rl 'kb\.cgi' "$static/out" --include='*.html' | head -3)" ""
cp build/kb.cgi "$TMP/kb.cgi"

pids=""
trap 'for p in $pids; do kill "$p" 2>/dev/null; done; wait 2>/dev/null' EXIT
serve_site "$out" "$TMP/kb.cgi" || finish
cgi_base=$served_url pids="$pids $served_pid"
serve_site "$static/out" || finish
static_base=$served_url pids="$pids $served_pid"

shots=build/screenshots
mkdir -p "$shots"
SUITE=$SUITE node tests/browser/wizard.mjs "$cgi_base" "$static_base" "$shots" \
	>"$TMP/wizard.out" 2>"$TMP/wizard.stderr"
rc=$?
cat "$TMP/wizard.out"
n=$(grep -c '^FAIL: ' "$TMP/wizard.out")
failures=$((failures + n))
if [ "$rc" -ne 0 ] && [ "$n" -eq 0 ]; then
	fail "wizard.mjs ran" "exit $rc: $(tail -c 600 "$TMP/wizard.stderr")"
elif [ "$(grep -c '^PASS: ' "$TMP/wizard.out")" -eq 0 ] && [ "$n" -eq 0 ]; then
	fail "wizard.mjs ran" "no checks reported"
fi
finish
