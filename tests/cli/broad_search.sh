# tests/cli/broad_search.sh — a query matching more rows than search
# reads (db/search.h, "Broad queries") on the 1,000-article bench corpus:
# its first page is the first page of the same query read in full, its
# total is said to be a lower bound (kbgen search, kb.cgi's page and
# JSON), and a page deeper than its first rows reach is read in full, its
# total exact.
. tests/lib.sh

shared=${KB_SHARED:-../shared}
corpus_script=$shared/bench/make-corpus.py
case $KBGEN in
*asan*) cgi=build/asan/kb.cgi ;;
*) cgi=build/kb.cgi ;;
esac

if [ ! -f "$corpus_script" ]; then
	fail "the bench corpus generator" "no $corpus_script (set KB_SHARED)"
	finish
fi
corpus=$TMP/corpus
if ! python3 "$corpus_script" --articles 1000 --out "$corpus" >/dev/null 2>"$TMP/corpus.log"; then
	fail "generate the 1,000-article corpus" "$(head -c 600 "$TMP/corpus.log")"
	finish
fi
printf 'title: Bench\nbase_url: http://127.0.0.1:8080/\n' >"$corpus/site.yaml"
ln -sfn "$PWD/theme" "$corpus/theme"
if ! "$KBGEN" build --root "$corpus" --out "$TMP/out" >"$TMP/build.log" 2>&1; then
	fail "build the corpus" "$(head -c 600 "$TMP/build.log")"
	finish
fi
db=$TMP/out/kb.db

# The results of kbgen search --json as lines: url#anchor and rank of
# each result and of each of its sections, then the total and whether it
# is a lower bound. First the page of LIMIT results, then, with `all`,
# the first LIMIT results of a search for 1,000 (read in full: more than
# the first rows reach), by the plain build: under ASan that much work
# runs over the query's budget.
summary() { # QUERY LIMIT [all]
	local asked=$2 program=$KBGEN
	if [ "${3:-}" = all ]; then
		asked=1000
		program=build/kbgen
	fi
	"$program" search --db "$db" --json --limit "$asked" -- "$1" |
		python3 -c '
import json, sys
answer = json.load(sys.stdin)
for result in answer["results"][:int(sys.argv[1])]:
    print(result["url"], result["anchor"], result["rank"], result["snippet_html"])
    for section in result["sections"]:
        print("  ", section["url"], section["rank"], section["snippet_html"])
print("total", answer["total"], answer["total_at_least"])
' "$2"
}

for query in メール 配信 エラー spf 設定 の; do
	summary "$query" 10 >"$TMP/page" 2>"$TMP/page.err"
	summary "$query" 10 all >"$TMP/full" 2>>"$TMP/page.err"
	check_eq "$query: the first page read in part is the first page read in full" \
		"$(grep -v '^total' "$TMP/page")" "$(grep -v '^total' "$TMP/full")"
	read -r _ part part_bound <<EOF
$(grep '^total' "$TMP/page")
EOF
	read -r _ whole whole_bound <<EOF
$(grep '^total' "$TMP/full")
EOF
	check_eq "$query: read in part, the total is a lower bound" "$part_bound" True
	check_eq "$query: read in full, the total is exact" "$whole_bound" False
	check "$query: the lower bound $part is at most the total $whole and at least a page" \
		test "${part:-0}" -le "${whole:-0}" -a "${part:-0}" -ge 10
done

text=$("$KBGEN" search --db "$db" -- メール 2>&1)
check_contains "kbgen search says the total is a lower bound" "$text" "(10 of at least "

cgi_get() { # PATH QUERY
	env -i REQUEST_METHOD=GET PATH_INFO="$1" QUERY_STRING="$2" KB_DB="$db" \
		timeout 20 "$cgi"
}
page=$(cgi_get /search 'q=%E3%83%A1%E3%83%BC%E3%83%AB')
check_contains "kb.cgi's page: 200" "$page" "Status: 200"
check_contains "kb.cgi's page says the total is a lower bound" "$page" "件以上中 1〜10件目を表示"
json=$(cgi_get /search.json 'q=%E3%83%A1%E3%83%BC%E3%83%AB')
check_contains "kb.cgi's JSON says so" "$json" '"total_at_least":true'
deep=$(cgi_get /search 'q=%E3%83%A1%E3%83%BC%E3%83%AB&page=99')
check_contains "a page past what the first rows reach: read in full, the total exact" \
	"$deep" "1000件中 981〜990件目を表示"
check_not_contains "a page past what the first rows reach: no lower bound" "$deep" "件以上中"
json=$(cgi_get /search.json 'q=%E3%83%A1%E3%83%BC%E3%83%AB&page=99')
check_contains "a page past the reach, as JSON: exact" "$json" '"total_at_least":false'
finish
