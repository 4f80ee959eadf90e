# kb.cgi's record checker in live mode (issue 22) against a real
# authoritative DNS server (nsd on a loopback port, the zone of
# tests/records/dns/), as a CGI process under its sandbox: a domain looked
# up and checked (page and JSON), the walk through includes, the hourly
# limits per visitor (an IPv6 visitor by its /64) and for the whole site
# (429 with Retry-After), a bad domain or selector (400), live mode off
# in site.yaml (403, no form), a resolver that never answers (the budget
# holds, under kb.cgi's time limit), site.yaml's mistakes located.
. tests/lib.sh

case $KBGEN in
*asan*) program=build/asan/kb.cgi ;;
*) program=build/kb.cgi ;;
esac
if [ ! -x /usr/sbin/nsd ]; then
	fail "nsd installed" "missing /usr/sbin/nsd (tools/deps.sh test installs nsd)"
	finish
fi
. tests/records/nsd.sh
start_nsd

FDB="$TMP/var/feedback.db"
mkdir -p "$TMP/var"

# site NAME EXTRA — a site whose site.yaml ends with EXTRA, built into
# $TMP/NAME-out; the build's exit status and log in $TMP/NAME.log.
site() {
	local name=$1 extra=$2
	make_site "$TMP/$name"
	printf 'cgi_url: /cgi-bin/kb.cgi\nspf_include: _spf.service.example.test\n%s' "$extra" \
		>> "$TMP/$name/site.yaml"
	"$KBGEN" build --root "$TMP/$name" --out "$TMP/$name-out" --quiet >"$TMP/$name.log" 2>&1
	echo "exit $?" >> "$TMP/$name.log"
}

site live "feedback:
  db: $FDB
records_live:
  per_visitor_per_hour: 3
  per_hour: 5
"
check_eq "a live site builds" "$(tail -n 1 "$TMP/live.log")" "exit 0"
check_contains "the static /records/ page has the lookup form" \
	"$(cat "$TMP/live-out/records/index.html")" \
	'<form class="records-form" method="get" action="/cgi-bin/kb.cgi/records"><div class="records-field"><label for="records-domain">ドメイン名</label>'

check_contains "the static page's lead points to the lookup" \
	"$(cat "$TMP/live-out/records/index.html")" "下の「DNSに登録済みのレコードを調べる」で"

# ask QUERY [PATH] [ADDRESS] [extra env...] — kb.cgi's answer in $answer
answer="$TMP/answer"
ask() {
	local query=$1 path=${2:-/records} address=${3:-192.0.2.10}
	shift 3 2>/dev/null || shift $#
	env -i ${ASAN_OPTIONS:+ASAN_OPTIONS=$ASAN_OPTIONS} \
		REQUEST_METHOD=GET PATH_INFO="$path" SCRIPT_NAME=/cgi-bin/kb.cgi \
		QUERY_STRING="$query" HTTP_HOST=127.0.0.1:8080 REMOTE_ADDR="$address" \
		KB_DB="$DB" KB_RECORDS_DNS="127.0.0.1@$port" "$@" \
		timeout 10 "$program" >"$answer" 2>"$answer.log"
	echo $? > "$answer.rc"
}
status() { head -n 1 "$answer" | tr -d '\r'; }
header() { sed -n "s/^$1: \(.*\)\r\$/\1/p" "$answer" | head -n 1; }
body() { sed '1,/^\r$/d' "$answer"; }
# keep NAME — the last answer's body, for the Nu HTML checker at the end
mkdir -p "$TMP/vnu"
keep() { body > "$TMP/vnu/$1.html"; }
json() { body | python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"; }
DB="$TMP/live-out/kb.db"

ask "domain=good.example.test&selector=sel"
check_eq "good: 200" "$(status)" "Status: 200 OK"
check_eq "good: kb.cgi exited 0 under its sandbox" "$(cat "$answer.rc")" 0
check_eq "good: nothing logged" "$(cat "$answer.log")" ""
check_contains "good: the three records found" "$(body)" "good.example.test TXT"
check_contains "good: the DKIM key at the selector" "$(body)" "sel._domainkey.good.example.test"
check_contains "good: no problem" "$(body)" "問題は見つかりませんでした。"
check_contains "good: the lookup form again, filled" "$(body)" \
	'name="domain" maxlength="253" aria-describedby="records-domain-hint" spellcheck="false" autocapitalize="off" autocomplete="off" value="good.example.test"'

keep live-good
cp "$TMP/live-out/records/index.html" "$TMP/vnu/live-static.html"
ask "domain=many.example.test" /records.json
check_eq "many (json): 200" "$(status)" "Status: 200 OK"
check_eq "many (json): the walk's totals" \
	"$(json 'd["records"][0]["summary"]["lookups"], d["records"][0]["summary"]["lookups_total"]')" "3 11"
check_contains "many (json): over the limit, located" \
	"$(json '[x["code"] for x in d["records"][0]["diagnostics"]]')" "spf-lookups-total"

# This visitor has made 2 lookups; the third is its last in the hour.
ask "domain=loop.example.test" /records.json
check_eq "loop (json): 200" "$(status)" "Status: 200 OK"
check_contains "loop (json): the loop found" \
	"$(json '[x["code"] for x in d["records"][0]["diagnostics"]]')" "spf-include-loop"
ask "domain=good.example.test"
check_eq "a visitor's 4th lookup in the hour: 429" "$(status)" "Status: 429 Too Many Requests"
retry=$(header Retry-After)
check "429: Retry-After within the hour ($retry)" test "${retry:-0}" -ge 3500 -a "${retry:-0}" -le 3600
check_contains "429: says so, and what to do instead" "$(body)" \
	'<p class="records-status" role="alert">DNSへの問い合わせが続いたため'
keep live-limited
ask "domain=good.example.test" /records.json
check_eq "429 (json)" "$(json 'd["error"], d["retry_after"] >= 3500')" "limited True"
ask "spf=v%3Dspf1+-all"
check_eq "pasting still works for a limited visitor" "$(status)" "Status: 200 OK"

# IPv6 visitors are counted by their /64: two addresses of one /64 share
# the 2 lookups the site has left (5 an hour in all).
ask "domain=good.example.test" /records 2001:db8:1:2::10
check_eq "an IPv6 visitor: 200" "$(status)" "Status: 200 OK"
ask "domain=good.example.test" /records 2001:db8:1:2:ffff::1
check_eq "the same /64: 200 (its second)" "$(status)" "Status: 200 OK"
ask "domain=good.example.test" /records 198.51.100.7
check_eq "the site's 6th lookup in the hour: 429 for a new visitor too" "$(status)" "Status: 429 Too Many Requests"
check_eq "the database counts 5 lookups, no address stored" \
	"$(sqlite3 "$FDB" 'SELECT count(*) FROM lookups')|$(strings "$FDB" "$FDB-wal" 2>/dev/null | grep -c -e 192.0.2.10 -e 2001:db8)" "5|0"

# Bad input: refused before any lookup or count.
for bad in "domain=-bad-.example.test" "domain=a..b" "domain=localhost" \
	"domain=$(python3 -c 'print("a" * 64)').test" "domain=%E4%BE%8B.test"; do
	ask "$bad" /records 203.0.113.1
	check_eq "$bad: 400" "$(status)" "Status: 400 Bad Request"
done
check_contains "a bad domain: says what to give" "$(body)" "ドメイン名として読めませんでした。"
keep live-bad-domain
ask "domain=good.example.test&selector=s%20el" /records.json 203.0.113.1
check_eq "a bad selector (json): 400" "$(status)|$(json 'd["error"]')" "Status: 400 Bad Request|bad-selector"
check_eq "refused requests counted nothing" "$(sqlite3 "$FDB" 'SELECT count(*) FROM lookups')" 5

# A fresh limit for the rest; a resolver that never answers: the check
# ends within its budget, under the time limit, and says what it missed.
rm -f "$FDB" "$FDB-wal" "$FDB-shm"
start_sink
start=$(date +%s%N)
ask "domain=good.example.test" /records.json 192.0.2.20 KB_RECORDS_DNS="127.0.0.1@$sink_port"
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
check_eq "a silent resolver: answered 200" "$(status)" "Status: 200 OK"
check "a silent resolver: within the 5 s time limit (${elapsed} ms)" test "$elapsed" -lt 5000
check_contains "a silent resolver: says it could not finish" \
	"$(json '[x["code"] for r in d["records"] for x in r["diagnostics"]]')" "dns-failure"
kill "$sink_pid" 2>/dev/null
wait "$sink_pid" 2>/dev/null
sink_pid=""

ask "domain=good.example.test" /records 192.0.2.21 KB_RECORDS_DNS="127.0.0.1@99999"
check_eq "KB_RECORDS_DNS with a bad port: live off (403)" "$(status)" "Status: 403 Forbidden"
check_eq "KB_RECORDS_DNS with a bad port: logged" "$(cat "$answer.log")" \
	"kb.cgi: records: KB_RECORDS_DNS '127.0.0.1@99999': the port after '@' must be from 1 to 65535; no live lookups"

# Live mode off (the default): 403, and no lookup form anywhere.
site off "feedback:
  db: $FDB
"
check_eq "a site without records_live builds" "$(tail -n 1 "$TMP/off.log")" "exit 0"
check_contains "off: the lead says nothing is looked up" \
	"$(cat "$TMP/off-out/records/index.html")" "DNSには問い合わせず、貼り付けた値だけを調べます。"
check_not_contains "off: no lookup form on /records/" \
	"$(cat "$TMP/off-out/records/index.html")" 'name="domain"'
DB="$TMP/off-out/kb.db"
ask "domain=good.example.test"
check_eq "off: a domain asked: 403" "$(status)" "Status: 403 Forbidden"
check_contains "off: says to paste instead" "$(body)" "このサイトではDNSへの問い合わせをしていません。"
check_not_contains "off: no lookup form on kb.cgi's page" "$(body)" 'name="domain"'
keep live-off
ask "domain=good.example.test" /records.json
check_eq "off (json): 403 live-off" "$(status)|$(json 'd["error"]')" "Status: 403 Forbidden|live-off"

# site.yaml's mistakes, located; the published site is left as it was.
before=$(cat "$TMP/off-out/records/index.html")
bad_site() {
	local name=$1 extra=$2
	make_site "$TMP/$name"
	printf '%s' "$extra" >> "$TMP/$name/site.yaml"
	cp -r "$TMP/off-out" "$TMP/$name-out"
	"$KBGEN" build --root "$TMP/$name" --out "$TMP/$name-out" --quiet 2>&1
	echo "exit $?"
}
make_site "$TMP/probe"
base=$(wc -l < "$TMP/probe/site.yaml")
check_eq "records_live without feedback.db: the error" \
	"$(bad_site nofb 'records_live: true
')" "site.yaml:$((base + 1)):1: error: 'records_live' needs 'feedback.db': kb.cgi counts each visitor's live lookups in the feedback database
exit 1"
check_eq "records_live.per_hour 0: the error" \
	"$(bad_site zero "feedback:
  db: $FDB
records_live:
  per_hour: 0
")" "site.yaml:$((base + 4)):13: error: 'records_live.per_hour' must be a whole number from 1 to 100000
exit 1"
check_eq "records_live: a list: the error" \
	"$(bad_site list "feedback:
  db: $FDB
records_live: [1]
")" "site.yaml:$((base + 3)):15: error: 'records_live' must be true, false or a mapping of per_visitor_per_hour and per_hour
exit 1"
check_eq "records_live: an unknown key: a warning, the build goes on" \
	"$(bad_site unknown "cgi_url: /cgi-bin/kb.cgi
feedback:
  db: $FDB
records_live:
  per_day: 3
")" "site.yaml:$((base + 5)):3: warning: unknown key 'records_live.per_day' (ignored)
exit 0"
check_eq "a failed build left the published page as it was" \
	"$(cat "$TMP/zero-out/records/index.html")" "$before"

# An en site's live answers are in English (kb.db's language): the loop,
# the include found missing at its domain.
site en "feedback:
  db: $TMP/var/en-feedback.db
records_live: true
"
sed -i 's/^language: ja$/language: en/' "$TMP/en/site.yaml"
"$KBGEN" build --root "$TMP/en" --out "$TMP/en-out" --quiet >"$TMP/en.log" 2>&1
check_eq "an en live site builds" "$?" 0
DB="$TMP/en-out/kb.db"
ask "domain=loop.example.test" /records.json 192.0.2.50
check_eq "en, loop (json): 200" "$(status)" "Status: 200 OK"
check_contains "en, loop (json): the loop's message in English" \
	"$(json '[x["message"] for x in d["records"][0]["diagnostics"] if x["code"] == "spf-include-loop"][0]')" \
	"Following include:loop.example.test leads back to loop.example.test (a loop)."
ask "domain=nospf.example.test" /records 192.0.2.50
check_contains "en, no SPF record: the page says so in English" "$(body)" \
	"There is no TXT record starting with v=spf1 at nospf.example.test."

# The Nu HTML checker on the pages kept (plain run: the [asan] run's
# pages are the same bytes).
vnu=tests/browser/node_modules/vnu-jar/build/dist/vnu.jar
case $KBGEN in
*asan*) ;;
*)
	if [ ! -f "$vnu" ]; then
		fail "vnu.jar installed" "missing $vnu (make test-deps runs npm ci in tests/browser)"
	else
		java -jar "$vnu" --errors-only --format gnu "$TMP"/vnu/*.html >"$TMP/vnu.out" 2>&1
		for page in "$TMP"/vnu/*.html; do
			name=$(basename "$page" .html)
			errors=$(grep -F "$page" "$TMP/vnu.out" | head -3)
			if [ ! -s "$page" ]; then
				fail "vnu: page $name" "empty"
			elif [ -n "$errors" ]; then
				fail "vnu: page $name" "$errors"
			else
				pass "vnu: page $name"
			fi
		done
	fi
	;;
esac

finish
