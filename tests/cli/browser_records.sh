# The record checker in a real browser: builds the shipped site, serves it
# with lighttpd and build/kb.cgi on a free 127.0.0.1 port, and runs
# tests/browser/records.mjs (paste a record with two mistakes, with and
# without JavaScript and by keyboard: both located and linked to their
# guide headings; 320 px; axe-core). Then fetches the checker's pages with
# curl and runs the Nu HTML checker on them. Screenshots land in $TMP.
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

SUITE=$SUITE node tests/browser/records.mjs "$base" "$TMP" >"$TMP/records.out" 2>"$TMP/records.stderr"
rc=$?
cat "$TMP/records.out"
n=$(grep -c '^FAIL: ' "$TMP/records.out")
failures=$((failures + n))
if [ "$rc" -ne 0 ] && [ "$n" -eq 0 ]; then
	fail "records.mjs ran" "exit $rc: $(tail -c 600 "$TMP/records.stderr")"
elif [ "$(grep -c '^PASS: ' "$TMP/records.out")" -eq 0 ] && [ "$n" -eq 0 ]; then
	fail "records.mjs ran" "no checks reported"
fi

# The Nu HTML checker on the checker's pages, fetched into files.
mkdir -p "$TMP/vnu"
cgi="$base/cgi-bin/kb.cgi/records"
key=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCr2kqLC9SxRZSeT6ZSzSuIKgu5d4k10R
too_many=$(printf '&spf=v%%3Dspf1+-all%.0s' $(seq 17))
while read -r name url; do
	curl -s -o "$TMP/vnu/$name.html" "$url"
done <<PAGES
records-static $base/records/
records-form $cgi
records-empty $cgi?spf=&dkim=&dmarc=
records-results $cgi?spf=v%3Dspf1+a+mx+%2Ball&spf=v%3Dspf1+-all&dkim=v%3DDKIM1%3B+t%3Dy%3B+p%3D$key&dmarc=_dmarc.example.jp+TXT+%22v%3DDMARC1%3B+p%3Dnone%22
records-good $cgi?spf=v%3Dspf1+include%3A_spf.example.net+-all
records-hostile $cgi?spf=%3C%2Ftextarea%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E
records-too-many $cgi?dmarc=$too_many
PAGES
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
			fail "vnu: page $name" "empty response"
		elif [ -n "$errors" ]; then
			fail "vnu: page $name" "$errors"
		else
			pass "vnu: page $name"
		fi
	done
fi
finish
