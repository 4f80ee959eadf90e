# kb.cgi in a real browser: builds the shipped site, serves it with
# lighttpd and build/kb.cgi on a free 127.0.0.1 port, and runs
# tests/browser/cgi.mjs (search, the instant results with an IME and the
# keyboard, the wizard walk by mouse, keyboard and
# without JavaScript, Change, Copy, axe-core). Then fetches the CGI's pages
# with curl and runs the Nu HTML checker on them. Screenshots land in $TMP.
. tests/lib.sh
# checked once, in the plain run: the [asan] run prints nothing it did not check
case $KBGEN in *asan*) finish ;; esac

vnu=tests/browser/node_modules/vnu-jar/build/dist/vnu.jar
out="$TMP/out"
if ! "$KBGEN" build --out "$out" 2>"$TMP/build.stderr"; then
	fail "shipped site builds" "$(head -c 600 "$TMP/build.stderr")"
	finish
fi
if [ ! -d tests/browser/node_modules/playwright-core ]; then
	fail "playwright-core installed" "run make test-deps (npm ci in tests/browser)"
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
base="http://127.0.0.1:$port"

SUITE=$SUITE node tests/browser/cgi.mjs "$base" "$TMP" >"$TMP/cgi.out" 2>"$TMP/cgi.stderr"
rc=$?
cat "$TMP/cgi.out"
n=$(grep -c '^FAIL: ' "$TMP/cgi.out")
failures=$((failures + n))
if [ "$rc" -ne 0 ] && [ "$n" -eq 0 ]; then
	fail "cgi.mjs ran" "exit $rc: $(tail -c 600 "$TMP/cgi.stderr")"
elif [ "$(grep -c '^PASS: ' "$TMP/cgi.out")" -eq 0 ] && [ "$n" -eq 0 ]; then
	fail "cgi.mjs ran" "no checks reported"
fi

# The Nu HTML checker on the CGI's pages, fetched into files.
mkdir -p "$TMP/vnu"
walk="$base/cgi-bin/kb.cgi/wizard/mail-not-arriving"
while read -r name url; do
	curl -s -o "$TMP/vnu/$name.html" "$url"
done <<EOF
search-results $base/cgi-bin/kb.cgi/search?q=%E8%BF%B7%E6%83%91
search-page-2 $base/cgi-bin/kb.cgi/search?q=%E8%BF%B7%E6%83%91&page=2
search-no-results $base/cgi-bin/kb.cgi/search?q=qqqzzzxxyy
search-empty $base/cgi-bin/kb.cgi/search
search-hostile $base/cgi-bin/kb.cgi/search?q=%3C!--%22%3E%3Cscript%3Ealert(1)%3C/script%3E
wizard-start $walk/delivery-error-shown
wizard-question $walk/elapsed-time?delivery-error-shown=no&check-spam=not-found
wizard-outcome $walk/no-bounce-server?delivery-error-shown=no&check-spam=not-found&elapsed-time=over-week&no-bounce-auth=no
wizard-outcome-resolved $walk/found-in-spam?delivery-error-shown=no&check-spam=found
wizard-escalate-contact $walk/contact-support?delivery-error-shown=no&check-spam=not-found&elapsed-time=over-week&no-bounce-auth=yes
wizard-change-marked $walk/check-spam?delivery-error-shown=no&check-spam=found
wizard-from-middle $walk/check-spam?_from=check-spam
not-found $base/cgi-bin/kb.cgi/no-such-page
bad-request $base/cgi-bin/kb.cgi/search?page=x
EOF
if [ ! -f "$vnu" ]; then
	fail "vnu.jar installed" "missing $vnu (make test-deps runs npm ci in tests/browser)"
else
	java -jar "$vnu" --errors-only --format gnu "$TMP"/vnu/*.html >"$TMP/vnu.out" 2>&1
	vnu_rc=$?
	if [ "$vnu_rc" -ne 0 ] && ! grep -q 'error:' "$TMP/vnu.out"; then
		fail "vnu ran" "exit $vnu_rc: $(head -c 600 "$TMP/vnu.out")"
	fi
	for page in "$TMP"/vnu/*.html; do
		name=$(basename "$page" .html)
		errors=$(grep -F "$page" "$TMP/vnu.out" | head -3)
		if [ ! -s "$page" ]; then
			fail "vnu: CGI page $name" "empty response"
		elif [ -n "$errors" ]; then
			fail "vnu: CGI page $name" "$errors"
		else
			pass "vnu: CGI page $name"
		fi
	done
fi
finish
