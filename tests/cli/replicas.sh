# tests/cli/replicas.sh — kb.db is immutable per build, so replicas are
# copies: two FastCGI workers, each on its own copy of out/, behind one
# nginx upstream on loopback, and a new build rolled out to one copy after
# the other under load, with zero errors and no answer mixing two builds
# (tests/cgi/replicas.py). In the [asan] run the workers are
# build/asan/kb.cgi.
. tests/lib.sh

case $KBGEN in
*asan*) program=build/asan/kb.cgi ;;
*) program=build/kb.cgi ;;
esac
if [ ! -x "$program" ]; then
	fail "$program built" "run make"
	finish
fi
if ! command -v nginx >/dev/null 2>&1; then
	skip "replicas behind nginx" "nginx-light is not installed; tools/deps.sh test installs it"
	finish
fi
cp "$program" "$TMP/kb.cgi"
SUITE=$SUITE timeout 300 python3 tests/cgi/replicas.py "$TMP/kb.cgi" "$KBGEN" . "$TMP" \
	>"$TMP/replicas.out" 2>"$TMP/replicas.err"
rc=$?
cat "$TMP/replicas.out"
n=$(grep -c '^FAIL: ' "$TMP/replicas.out")
failures=$((failures + n))
if [ "$rc" -ne 0 ] && [ "$n" -eq 0 ]; then
	fail "replicas.py ran" "exit $rc: $(tail -c 600 "$TMP/replicas.err")"
elif [ "$(grep -c '^PASS: ' "$TMP/replicas.out")" -lt 6 ]; then
	fail "replicas.py: every check ran" "$(tail -c 600 "$TMP/replicas.err")"
fi
finish
