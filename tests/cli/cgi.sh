# kb.cgi behind a real web server: builds the shipped site, serves it with
# lighttpd (the configuration tools/lighttpd-conf.sh writes for `make
# serve`) on a free 127.0.0.1 port, and makes real HTTP requests with curl:
# every route, every status, the headers of every response. Then replays
# the hostile corpus (tests/cgi/hostile.txt) over HTTP and straight into
# the program (tests/cgi/hostile.py). In the [asan] run the server runs
# build/asan/kb.cgi, and its log must hold no sanitizer report.
# With KB_CGI_MODE=fastcgi (tests/cli/cgi_fastcgi.sh) the same checks run
# with lighttpd spawning kb.cgi as FastCGI workers (mod_fastcgi), and what
# runs "straight into the program" runs through a fresh worker's socket
# (tests/cgi/fastcgi.py).
. tests/lib.sh
mode=${KB_CGI_MODE:-cgi}

case $KBGEN in
*asan*) program=build/asan/kb.cgi ;;
*) program=build/kb.cgi ;;
esac
if [ ! -x "$program" ]; then
	fail "$program built" "run make"
	finish
fi
# A copy: a rebuild in the same checkout must not swap the program under
# the server mid-test.
cp "$program" "$TMP/kb.cgi"
cgi="$TMP/kb.cgi"

out="$TMP/out"
if ! "$KBGEN" build --out "$out" 2>"$TMP/build.stderr"; then
	fail "shipped site builds" "$(head -c 600 "$TMP/build.stderr")"
	finish
fi

pids=""
trap 'for p in $pids; do kill "$p" 2>/dev/null; done; wait 2>/dev/null' EXIT

# start_server OUT_DIR LOG — lighttpd for OUT_DIR on a free port; sets
# $port, or fails.
start_server() {
	local up="" pid attempt
	for attempt in 1 2 3; do
		port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
		KB_CGI_MODE=$mode KB_CGI_SOCKET_DIR=$TMP KB_CGI_WORKERS=2 \
			tools/lighttpd-conf.sh "$1" "$port" "$cgi" > "$TMP/lighttpd-$port.conf"
		lighttpd -D -f "$TMP/lighttpd-$port.conf" 2>>"$2" &
		pid=$!
		for _ in $(seq 50); do
			if curl -s -o /dev/null "http://127.0.0.1:$port/"; then up=1; break; fi
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		if [ -n "$up" ]; then pids="$pids $pid"; return 0; fi
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	return 1
}

log="$TMP/lighttpd.log"
if ! start_server "$out" "$log"; then
	fail "lighttpd serves the site with kb.cgi" "$(head -c 600 "$log")"
	finish
fi
base="http://127.0.0.1:$port/cgi-bin/kb.cgi"


# fetch NAME CURL-ARGS... — the response's headers in $TMP/NAME.h, body in
# $TMP/NAME.b; sets $code.
fetch() {
	local name=$1; shift
	code=$(curl -s --path-as-is -D "$TMP/$name.h" -o "$TMP/$name.b" -w '%{http_code}' "$@")
}

# header NAME FIELD — a header's value (first one), without CR.
header() {
	grep -i "^$2:" "$TMP/$1.h" | head -1 | cut -d: -f2- | sed 's/^ //' | tr -d '\r'
}

# check_response WHAT NAME STATUS — the status and every header kb.cgi
# must send.
check_response() {
	check_eq "$1: status" "$code" "$3"
	check_contains "$1: Content-Type with charset" "$(header "$2" Content-Type)" "charset=utf-8"
	check_contains "$1: Content-Security-Policy" "$(header "$2" Content-Security-Policy)" "default-src 'self'"
	check_eq "$1: X-Content-Type-Options" "$(header "$2" X-Content-Type-Options)" "nosniff"
	check_contains "$1: Referrer-Policy" "$(header "$2" Referrer-Policy)" "origin"
	check_contains "$1: Cache-Control" "$(header "$2" Cache-Control)" "-"
}

# search
fetch search "$base/search?q=%E8%BF%B7%E6%83%91"
check_response "GET /search?q=迷惑" search 200
check_contains "search: HTML" "$(header search Content-Type)" "text/html"
check_contains "search: highlighted snippet" "$(cat "$TMP/search.b")" "<mark>迷惑</mark>"
check_contains "search: query kept in the box" "$(cat "$TMP/search.b")" 'value="迷惑"'
check_contains "search: links to a heading" "$(cat "$TMP/search.b")" 'href="/delivery/spam-folder/#'
check_contains "search: sections under their article" "$(cat "$TMP/search.b")" 'class="result-sections"'
check_contains "search: the footer names site.yaml's service, as static pages do" \
	"$(cat "$TMP/search.b")" "<p>このサイトは配配メールのお客さま向けサポートサイトです。</p>"

# メール: more articles than one page holds
fetch search_many "$base/search?q=%E3%83%A1%E3%83%BC%E3%83%AB"
check_contains "search: pagination" "$(cat "$TMP/search_many.b")" 'class="pagination"'

fetch search2 "$base/search?q=%E3%83%A1%E3%83%BC%E3%83%AB&page=2"
check_response "GET /search?q=メール&page=2" search2 200
check_contains "search page 2: numbered from 11" "$(cat "$TMP/search2.b")" 'start="11"'

fetch none "$base/search?q=qqqzzzxxyy"
check_response "GET /search (no results)" none 200
check_contains "no results: says so" "$(cat "$TMP/none.b")" "見つかりませんでした"
check_contains "no results: suggests the wizard" "$(cat "$TMP/none.b")" 'href="/wizard/mail-not-arriving/"'

fetch json "$base/search.json?q=%E8%BF%B7%E6%83%91"
check_response "GET /search.json?q=迷惑" json 200
check_contains "json: application/json" "$(header json Content-Type)" "application/json"
check_eq "json: query, total, results with url/title/heading/snippet" \
	"$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); r=d["results"][0]; print(d["query"], d["corrected"], d["total"] > 0, sorted(k for k in r if k != "snippet_parts"), r["url"], r["kind"], sorted(r["sections"][0]), r["sections"][0]["url"].startswith("/delivery/spam-folder/#"))' "$TMP/json.b" 2>&1)" \
	"迷惑 None True ['heading', 'kind', 'sections', 'snippet', 'title', 'url'] /delivery/spam-folder/ article ['heading', 'snippet', 'snippet_parts', 'url'] True"

# grouping: over every page of a few queries, no url twice, total the
# distinct urls, at most 3 sections, each of its own article
check_eq "json: one result per article, on every page" \
	"$(python3 - "$base" <<'PY' 2>&1
import json, sys, urllib.parse, urllib.request
problems = []
for q in ["メール", "設定", "エラー", "spf", "の", "迷惑"]:
    seen, page, total = [], 1, None
    while True:
        url = "%s/search.json?q=%s&page=%d" % (sys.argv[1], urllib.parse.quote(q), page)
        d = json.load(urllib.request.urlopen(url))
        total = d["total"]
        if not d["results"]:
            break
        for r in d["results"]:
            if "#" in r["url"] or r["url"] in seen or len(r["sections"]) > 3:
                problems.append((q, r["url"]))
            for s in r["sections"]:
                if not s["url"].startswith(r["url"] + "#") or not s["heading"]:
                    problems.append((q, s["url"]))
            seen.append(r["url"])
        page += 1
    if total != len(seen):
        problems.append((q, total, len(seen)))
print(problems or "ok")
PY
)" "ok"

fetch corrected "$base/search.json?q=SFP"
check_eq "json: a Latin typo is corrected, and says so" \
	"$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["query"], d["corrected"], d["total"] > 0)' "$TMP/corrected.b" 2>&1)" \
	"SFP SPF True"
fetch exact "$base/search.json?q=SFP&exact=1"
check_eq "json: exact=1 searches the words as typed" \
	"$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["query"], d["corrected"])' "$TMP/exact.b" 2>&1)" \
	"SFP None"
fetch corrected_page "$base/search?q=SFP"
check_contains "search: a corrected search says so" "$(cat "$TMP/corrected_page.b")" '」の検索結果を表示しています'
check_contains "search: with a link to the words as typed" "$(cat "$TMP/corrected_page.b")" 'search?q=SFP&amp;exact=1'
fetch bad_exact "$base/search?q=SFP&exact=2"
check_eq "search: exact other than 1 is refused" "$code" 400

# The build cache inside the output is not served.
fetch cache --path-as-is "http://127.0.0.1:$port/.kbgen/cache"
check_eq "the build cache (/.kbgen/cache) is not served" "$code" 403
fetch cachedir "http://127.0.0.1:$port/.kbgen/"
check_eq "the build cache folder (/.kbgen/) is not served" "$code" 403

code=$(curl -s -I -D "$TMP/head.h" -o /dev/null -w '%{http_code} %{size_download}' "$base/search?q=spf")
check_eq "HEAD /search: 200, no body" "$code" "200 0"
check_contains "HEAD /search: Content-Type" "$(header head Content-Type)" "text/html"
check_eq "HEAD /search: Content-Length of the GET body" "$(header head Content-Length)" \
	"$(curl -s "$base/search?q=spf" | wc -c)"

# wizard
fetch tree "$base/wizard/mail-not-arriving"
check_response "GET /wizard/<tree>" tree 303
check_eq "tree: Location is the first question" "$(header tree Location)" "/cgi-bin/kb.cgi/wizard/mail-not-arriving/delivery-error-shown"

fetch start "$base/wizard/mail-not-arriving/delivery-error-shown"
check_response "GET /wizard/<tree>/<start>" start 200
check_contains "start: the question" "$(cat "$TMP/start.b")" '<h1 id="kb-wizard-question">'
next=$(grep -o 'href="/cgi-bin/kb.cgi/wizard/mail-not-arriving/check-spam?[^"]*"' "$TMP/start.b" | head -1 | sed 's/^href="//; s/"$//; s/&amp;/\&/g')
check_eq "start: option link records the answer" "$next" "/cgi-bin/kb.cgi/wizard/mail-not-arriving/check-spam?delivery-error-shown=no"

fetch step "http://127.0.0.1:$port$next"
check_response "GET the linked step" step 200
check_contains "step: Your answers" "$(cat "$TMP/step.b")" "回答の履歴"
check_contains "step: Change link" "$(cat "$TMP/step.b")" 'class="change"'
check_contains "step: summary" "$(cat "$TMP/step.b")" "【トラブル診断の回答】"

fetch outcome "$base/wizard/mail-not-arriving/no-bounce-server?delivery-error-shown=no&check-spam=not-found&elapsed-time=over-week&no-bounce-auth=no"
check_response "GET an outcome" outcome 200
check_contains "outcome: SPF article" "$(cat "$TMP/outcome.b")" 'href="/deliverability/spf/"'
check_contains "outcome: DKIM article" "$(cat "$TMP/outcome.b")" 'href="/deliverability/dkim/"'
check_contains "outcome: result" "$(cat "$TMP/outcome.b")" 'class="result result-unresolved"'

fetch skip "$base/wizard/mail-not-arriving/no-bounce-auth?delivery-error-shown=no"
check_response "GET an unreachable step" skip 303
check_eq "unreachable: Location is where the answers lead" "$(header skip Location)" "/cgi-bin/kb.cgi/wizard/mail-not-arriving/check-spam?delivery-error-shown=no"

# other statuses
fetch notfound "$base/no-such-page"
check_response "GET /no-such-page" notfound 404
check_contains "404: themed" "$(cat "$TMP/notfound.b")" "ページが見つかりません"
fetch notree "$base/wizard/no-such-tree/x"
check_response "GET /wizard/<unknown tree>" notree 404
fetch nonode "$base/wizard/mail-not-arriving/no-such-node"
check_response "GET /wizard/<tree>/<unknown node>" nonode 404

for method in POST PUT DELETE; do
	fetch method -X "$method" -d '' "$base/search?q=a"
	check_response "$method /search" method 405
	check_eq "$method /search: Allow" "$(header method Allow)" "GET, HEAD"
done

long=$(python3 -c 'print("a" * 257)')
fetch long "$base/search?q=$long"
check_response "q of 257 characters" long 400
check_contains "400: themed" "$(cat "$TMP/long.b")" "リクエストを処理できません"
fetch nul "$base/search?q=a%00b"
check_eq "%00 in q: 400" "$code" 400
# lighttpd itself refuses invalid UTF-8 and control characters in URLs;
# kb.cgi's own answer to them, from the program:
fetch utf8 "$base/search?q=%FF"
check_eq "invalid UTF-8 in q: 400 (from lighttpd)" "$code" 400
for query in 'q=%FF' 'q=%C0%AF' 'q=a%00b' 'q=%1B'; do
	REQUEST_METHOD=GET PATH_INFO=/search QUERY_STRING=$query KB_DB=$out/kb.db \
		"$cgi" > "$TMP/direct.out" 2>"$TMP/direct.err"
	check_eq "kb.cgi alone, $query: exit status" "$?" 0
	sed -n '1,/^\r$/p' "$TMP/direct.out" > "$TMP/direct.h"
	code=$(head -1 "$TMP/direct.h" | cut -d' ' -f2)
	check_response "kb.cgi alone, $query" direct 400
	check_contains "kb.cgi alone, $query: themed" "$(cat "$TMP/direct.out")" "リクエストを処理できません"
done
big=$(python3 -c 'print("a" * 5000)')
fetch big "$base/search?q=a&x=$big"
check_response "query string over 4 KiB" big 400

# no database: 503, from the program run by the server
mkdir -p "$TMP/nodb"
cp "$out/index.html" "$TMP/nodb/"
if start_server "$TMP/nodb" "$log"; then
	fetch nodb "http://127.0.0.1:$port/cgi-bin/kb.cgi/search?q=a"
	check_response "no kb.db" nodb 503
	check_contains "no kb.db: Retry-After" "$(header nodb Retry-After)" "10"
else
	fail "lighttpd serves a site without kb.db"
fi

# Issue 15's reproductions, straight into the program.
# direct NAME ENV... — runs kb.cgi with a GET's environment plus ENV (at
# most 10 s); headers in $TMP/NAME.h, the whole answer in $TMP/NAME.out;
# sets $code and $elapsed (seconds).
direct() {
	local name=$1 start; shift
	start=$(date +%s.%N)
	if [ "$mode" = fastcgi ]; then
		timeout 10 python3 tests/cgi/fastcgi.py "$cgi" REQUEST_METHOD=GET \
			KB_DB="$out/kb.db" "$@" > "$TMP/$name.out" 2>"$TMP/$name.err"
	else
		env REQUEST_METHOD=GET KB_DB="$out/kb.db" "$@" timeout 10 "$cgi" \
			> "$TMP/$name.out" 2>"$TMP/$name.err"
	fi
	elapsed=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
	sed -n '1,/^\r$/p' "$TMP/$name.out" > "$TMP/$name.h"
	code=$(head -1 "$TMP/$name.h" | cut -d' ' -f2)
}
# JSON route: every status is JSON
for query in 'q=%FF' 'q=a%00b' "q=a&x=$big"; do
	direct jsonerr PATH_INFO=/search.json "QUERY_STRING=$query"
	check_eq "search.json, $(printf %.20s "$query"): 400" "$code" 400
	check_contains "search.json, $(printf %.20s "$query"): JSON" "$(header jsonerr Content-Type)" "application/json"
	check_contains "search.json, $(printf %.20s "$query"): the error shape" "$(sed '1,/^\r$/d' "$TMP/jsonerr.out")" '{"error":"'
done
fetch jsonpost -X POST -d '' "$base/search.json?q=a"
check_eq "POST /search.json: 405" "$code" 405
check_contains "POST /search.json: JSON" "$(header jsonpost Content-Type)" "application/json"
direct jsonnodb PATH_INFO=/search.json QUERY_STRING=q=a KB_DB="$TMP/nodb/kb.db"
check_eq "search.json without kb.db: 503" "$code" 503
check_contains "search.json without kb.db: JSON" "$(header jsonnodb Content-Type)" "application/json"

# an unclosed U+202E in q does not reach the page
fetch bidi "$base/search?q=%E2%80%AE%E8%BF%B7%E6%83%91"
check_eq "q with U+202E: 200" "$code" 200
check_not_contains "q with U+202E: not in the page" "$(cat "$TMP/bidi.b")" "$(printf '\342\200\256')"
fetch c1 "$base/search?q=%C2%9B31m"
check_eq "q with a C1 control (CSI): 400" "$code" 400

# a FIFO as KB_DB, a locked kb.db: a quick 503
mkfifo "$TMP/fifo.db"
direct fifo PATH_INFO=/search QUERY_STRING=q=a KB_DB="$TMP/fifo.db"
check_eq "a FIFO as KB_DB: 503" "$code" 503
check_eq "a FIFO as KB_DB: answered at once" "$(awk -v t="$elapsed" 'BEGIN { print (t < 2) }')" 1
check_contains "a FIFO as KB_DB: logged" "$(cat "$TMP/fifo.err")" "not a regular file"
cp "$out/kb.db" "$TMP/locked.db"
python3 - "$TMP/locked.db" "$TMP/lock.ready" <<'PY' &
import sqlite3, sys, time, os
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
open(sys.argv[2], "w").close()
time.sleep(8)
PY
locker=$!
for _ in $(seq 50); do [ -e "$TMP/lock.ready" ] && break; sleep 0.1; done
direct locked PATH_INFO=/search QUERY_STRING=q=a KB_DB="$TMP/locked.db"
check_eq "a kb.db locked by a writer: 503" "$code" 503
check_eq "a kb.db locked by a writer: answered within 2 s" "$(awk -v t="$elapsed" 'BEGIN { print (t < 2) }')" 1
kill "$locker" 2>/dev/null
wait "$locker" 2>/dev/null

# cgi_url unset: URLs are built on SCRIPT_NAME, a plain path only
root="$TMP/nocgi"
mkdir -p "$root"
for part in content decision-trees theme bounce-rules.yaml; do ln -sfn "$PWD/$part" "$root/$part"; done
grep -v '^cgi_url:' site.yaml > "$root/site.yaml"
if "$KBGEN" build --root "$root" --out "$root/out" 2>"$TMP/nocgi.stderr"; then
	for script in '//evil.example' '/\evil.example' '/a b/kb.cgi' "$(printf '/kb.cgi\r\nSet-Cookie: a=b')" '/kb.cgi?x' '/cgi-bin/../kb.cgi'; do
		direct script PATH_INFO=/wizard/mail-not-arriving "SCRIPT_NAME=$script" KB_DB="$root/out/kb.db"
		what="SCRIPT_NAME $(printf %s "$script" | tr '\r\n' 'RN')"
		check_eq "$what: 400" "$code" 400
		check_eq "$what: no Location" "$(header script Location)" ""
		check_contains "$what: a themed page" "$(cat "$TMP/script.out")" "リクエストを処理できません"
	done
	direct script PATH_INFO=/wizard/mail-not-arriving SCRIPT_NAME=/help/kb.cgi KB_DB="$root/out/kb.db"
	check_eq "SCRIPT_NAME /help/kb.cgi: 303" "$code" 303
	check_eq "SCRIPT_NAME /help/kb.cgi: the redirect built on it" "$(header script Location)" \
		"/help/kb.cgi/wizard/mail-not-arriving/delivery-error-shown"
else
	fail "the shipped site builds without cgi_url" "$(head -c 600 "$TMP/nocgi.stderr")"
fi

# the hostile corpus (straight into the program: as CGI only; the FastCGI
# worker's answers to it are compared with those by tests/cli/fastcgi.sh)
direct_program=$cgi
[ "$mode" = fastcgi ] && direct_program=-
SUITE=$SUITE python3 tests/cgi/hostile.py tests/cgi/hostile.txt "$base" "$direct_program" "$out/kb.db" \
	>"$TMP/hostile.out" 2>"$TMP/hostile.stderr"
rc=$?
cat "$TMP/hostile.out"
n=$(grep -c '^FAIL: ' "$TMP/hostile.out")
failures=$((failures + n))
total=$(grep -c '^[A-Z]*: ' "$TMP/hostile.out")
if [ "$rc" -ne 0 ] && [ "$n" -eq 0 ]; then
	fail "hostile.py ran" "exit $rc: $(tail -c 600 "$TMP/hostile.stderr")"
elif [ "$total" -lt 200 ]; then
	fail "hostile corpus: at least 200 requests" "only $total"
else
	pass "hostile corpus: $total requests"
fi

# What the server logged of its CGI: no sanitizer report, no crash.
for p in $pids; do kill "$p" 2>/dev/null; done
wait 2>/dev/null
pids=""
if grep -aE 'Sanitizer|runtime error:|Segmentation|signal' "$log" > "$TMP/log-problems"; then
	fail "server log: no crash or sanitizer report" "$(head -c 600 "$TMP/log-problems")"
else
	pass "server log: no crash or sanitizer report"
fi
finish
