# tests/cli/fastcgi.sh — kb.cgi as a FastCGI worker, driven straight
# through its socket by tests/cgi/fastcgi_checks.py (which says what is
# checked): every route and the hostile corpus answered byte for byte as
# a fresh CGI process answers them, no state kept between requests, a new
# build swapped in under load, the time limit, clients gone, SIGTERM, the
# sandbox. In the [asan] run the worker is build/asan/kb.cgi.
. tests/lib.sh

case $KBGEN in
*asan*) program=build/asan/kb.cgi ;;
*) program=build/kb.cgi ;;
esac
if [ ! -x "$program" ]; then
	fail "$program built" "run make"
	finish
fi
cp "$program" "$TMP/kb.cgi"
SUITE=$SUITE timeout 600 python3 tests/cgi/fastcgi_checks.py "$TMP/kb.cgi" "$KBGEN" . "$TMP" \
	>"$TMP/checks.out" 2>"$TMP/checks.err"
rc=$?
cat "$TMP/checks.out"
n=$(grep -c '^FAIL: ' "$TMP/checks.out")
failures=$((failures + n))
if [ "$rc" -ne 0 ] && [ "$n" -eq 0 ]; then
	fail "fastcgi_checks.py ran" "exit $rc: $(tail -c 600 "$TMP/checks.err")"
elif [ "$(grep -c '^PASS: ' "$TMP/checks.out")" -lt 25 ]; then
	fail "fastcgi_checks.py: every check ran" "$(tail -c 600 "$TMP/checks.err")"
fi
finish
