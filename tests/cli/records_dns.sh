# The record checker's live mode against a real authoritative DNS server:
# nsd (Debian) on a free 127.0.0.1 port serves tests/records/dns/
# example.test.zone, one name per case (good records, each mistake, eleven
# lookups through three levels of includes, void lookups, an include
# loop, two SPF records, no records, an include the server refuses, an
# IPv6-only a: target, eleven MX hosts, a macro), and
# `kbgen records --domain NAME` is checked against each: the exact output
# in tests/records/dns/NAME.expected, then "exit N". A resolver that never
# answers shows the time budget holding. Every run is bounded by timeout.
. tests/lib.sh

nsd=/usr/sbin/nsd
if [ ! -x "$nsd" ]; then
	fail "nsd installed" "missing $nsd (tools/deps.sh test installs nsd)"
	finish
fi

# A site whose spf_include is the test zone's service include.
make_site "$TMP/site"
printf 'spf_include: _spf.service.example.test\n' >> "$TMP/site/site.yaml"

. tests/records/nsd.sh
start_nsd

# live NAME [ARGUMENTS...] — kbgen records --domain NAME.example.test
# against the test server, within 10 s; the output, then "exit N".
live() {
	local name=$1
	shift
	NO_COLOR=1 timeout 10 "$KBGEN" records --root "$TMP/site" \
		--domain "$name.example.test" --dns-server 127.0.0.1 --dns-port "$port" "$@" 2>&1
	echo "exit $?"
}

for expected in tests/records/dns/*.expected; do
	name=$(basename "$expected" .expected)
	arguments=()
	[ -f "tests/records/dns/$name.args" ] && mapfile -t arguments < "tests/records/dns/$name.args"
	check_eq "live $name: exact output and exit status" \
		"$(live "$name" "${arguments[@]}")" "$(cat "$expected")"
done

# The same cases for an en site: the same diagnostics (every line but the
# excerpts, carets and messages) and exit status, each message in English
# (no kana, kanji or full-width form in the output).
make_site "$TMP/en"
sed -i 's/^language: ja$/language: en/' "$TMP/en/site.yaml"
printf 'spf_include: _spf.service.example.test\n' >> "$TMP/en/site.yaml"
for expected in tests/records/dns/*.expected; do
	name=$(basename "$expected" .expected)
	arguments=()
	[ -f "tests/records/dns/$name.args" ] && mapfile -t arguments < "tests/records/dns/$name.args"
	got=$(NO_COLOR=1 timeout 10 "$KBGEN" records --root "$TMP/en" \
		--domain "$name.example.test" --dns-server 127.0.0.1 --dns-port "$port" \
		"${arguments[@]}" 2>&1; echo "exit $?")
	check_eq "live $name in English: the same diagnostics and exit status" \
		"$(grep -v '^ ' <<< "$got")" "$(grep -v '^ ' "$expected")"
	check_eq "live $name in English: no Japanese in the messages" \
		"$(LC_ALL=C.UTF-8 grep -P '[\x{3000}-\x{30FF}\x{4E00}-\x{9FFF}\x{FF00}-\x{FFEF}]' <<< "$got")" ""
done
check_eq "live loop in English: the exact message" \
	"$(NO_COLOR=1 timeout 10 "$KBGEN" records --root "$TMP/en" --domain loop.example.test \
		--dns-server 127.0.0.1 --dns-port "$port" 2>&1 | grep -A3 -m1 spf-include-loop | tail -n 1)" \
	" Following include:loop.example.test leads back to loop.example.test (a loop). Receivers treat SPF as an error (permerror). Delete this include"

# --json carries the walk's totals in the SPF summary.
live many --json | head -n 1 > "$TMP/many.json"
check_eq "live --json: lookups_total and void_lookups in the SPF summary" \
	"$(python3 -c 'import json, sys; s = json.load(open(sys.argv[1]))["records"][0]["summary"]; print(s["lookups"], s["lookups_total"], s["void_lookups"])' "$TMP/many.json")" \
	"3 11 0"

# A resolver that never answers: a UDP socket nobody reads. The whole run
# ends within its budget (1.5 s here), and says what it could not do.
start_sink
start=$(date +%s%N)
NO_COLOR=1 timeout 10 "$KBGEN" records --root "$TMP/site" --domain good.example.test \
	--dns-server 127.0.0.1 --dns-port "$sink_port" --timeout 1500 > "$TMP/silent.out" 2>&1
status=$?
took=$((($(date +%s%N) - start) / 1000000))
check_eq "a silent resolver: exit 1" "$status" 1
check_eq "a silent resolver: what could not be looked up" "$(cat "$TMP/silent.out")" \
"spf:1:1: error: dns-budget
 good.example.test
 ^~~~~~~~~~~~~~~~~
 時間内(1500 ミリ秒)に good.example.test を調べられませんでした
spf:1: summary: name=good.example.test all=-
dmarc:1:1: error: dns-budget
 _dmarc.good.example.test
 ^~~~~~~~~~~~~~~~~~~~~~~~
 時間内(1500 ミリ秒)に _dmarc.good.example.test を調べられませんでした
dmarc:1: summary: name=_dmarc.good.example.test policy=- subdomain_policy=- pct=100
2 errors, 0 warnings, 0 notes"
check_eq "a silent resolver, an en site: the message in English" \
	"$(NO_COLOR=1 timeout 10 "$KBGEN" records --root "$TMP/en" --domain good.example.test \
		--dns-server 127.0.0.1 --dns-port "$sink_port" --timeout 500 2>&1 | sed -n 4p)" \
	" The time allowed (500 ms) ran out before good.example.test was looked up"
if [ "$took" -lt 4000 ]; then
	pass "a silent resolver: the run keeps its 1.5 s budget (${took} ms)"
else
	fail "a silent resolver: the run keeps its 1.5 s budget" "${took} ms"
fi

# Usage of the live options.
"$KBGEN" records --domain good.example.test --dns-server 999.1.1.1 > /dev/null 2> "$TMP/bad-server.err"
check_eq "a DNS server that is not an address: exit 2" "$?" 2
check_eq "a DNS server that is not an address: the message" "$(head -n 1 "$TMP/bad-server.err")" \
	"kbgen records: the DNS server is not an IPv4 or IPv6 address"
"$KBGEN" records --domain good.example.test --dns-port 70000 > /dev/null 2> "$TMP/bad-port.err"
check_eq "a port out of range: the message" "$(head -n 1 "$TMP/bad-port.err")" \
	"kbgen records: '--dns-port' takes a number from 1 to 65535"
"$KBGEN" records --spf "v=spf1 -all" --dns-port 53 > /dev/null 2> "$TMP/paste-live.err"
check_eq "live options with pasted records: the message" "$(head -n 1 "$TMP/paste-live.err")" \
	"kbgen records: '--dns-server', '--dns-port' and '--timeout' are for looking records up (--domain alone)"
"$KBGEN" records --domain "bad domain" > /dev/null 2> "$TMP/bad-domain.err"
check_eq "a domain that is not one: the message" "$(head -n 1 "$TMP/bad-domain.err")" \
	"kbgen records: 'bad domain' is not a domain name"

finish
