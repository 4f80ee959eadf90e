# tests/cli/customer_search.sh — search as customers type it, on the
# shipped site: each row of tests/search/customer-queries.tsv must find its
# article among the top 3 results (kana, inflected and polite forms, loose
# compounds, Latin typos, mixed and full-width text); and results are one
# per article: no URL twice in a result list, and `total` counts articles.
. tests/lib.sh

table=tests/search/customer-queries.tsv
gaps=tests/search/known-gaps.tsv
out="$TMP/out"
db="$out/kb.db"
# Leak checking stays on everywhere else; a leak scan at every one of the
# hundreds of searches would only make the ASan run slow.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

if ! "$KBGEN" build --root . --out "$out" >"$TMP/build.log" 2>&1; then
	fail "kbgen build of the shipped knowledge base" "$(head -c 600 "$TMP/build.log")"
	finish
fi
pass "kbgen build of the shipped knowledge base"

# The table's rows as query TAB url TAB what; comments and blank lines out.
rows() { grep -v -e '^#' -e '^[[:space:]]*$' "$table"; }

rows_total=$(rows | wc -l | tr -d ' ')
if [ "$rows_total" -ge 40 ]; then
	pass "the table has at least 40 rows ($rows_total)"
else
	fail "the table has at least 40 rows" "$rows_total rows"
fi
malformed=$(rows | awk -F'\t' 'NF != 3 || $2 !~ /^\/.*\/$/ { print NR ": " $0 }')
check_eq "every row is query, /url/, what" "$malformed" ""

# judge MODE FILE [EXPECTED] — reads `kbgen search --json` output from FILE
# and prints nothing when it holds, else what went wrong.
#   top3 EXPECTED: EXPECTED (a URL without #) is among the results
#   distinct:      no URL (before '#') appears twice
#   total:         when fewer results than the limit came back, total
#                  equals the number of distinct URLs
judge() {
	python3 - "$@" <<'EOF'
import json, sys

mode, path = sys.argv[1], sys.argv[2]
try:
    with open(path, encoding="utf-8") as f:
        answer = json.load(f)
    results = answer["results"]
    urls = [result["url"].split("#", 1)[0] for result in results]
except (OSError, ValueError, KeyError, TypeError) as error:
    print(f"no JSON answer: {error}")
    sys.exit()
distinct = list(dict.fromkeys(urls))
if mode == "top3":
    if sys.argv[3] not in urls:
        shown = " ".join(result["url"] for result in results) or "no results"
        corrected = answer.get("corrected")
        print(f"got {shown}" + (f"; corrected to {corrected!r}" if corrected else ""))
elif mode == "distinct":
    twice = sorted({url for url in urls if urls.count(url) > 1})
    if twice:
        print(f"{len(urls)} results, {len(distinct)} distinct; twice or more: "
              + " ".join(twice[:5]) + (" …" if len(twice) > 5 else ""))
elif mode == "total":
    if len(results) < int(sys.argv[3]) and answer.get("total") != len(distinct):
        print(f"total {answer.get('total')}, {len(distinct)} distinct URLs "
              f"in {len(results)} results")
EOF
}

# search_json FILE LIMIT QUERY — `kbgen search --json` into FILE; the exit
# status 1 (no results) is an answer too.
search_json() {
	"$KBGEN" search --db "$db" --json --limit "$2" -- "$3" >"$1" 2>"$TMP/err"
	rc=$?
	if [ "$rc" -gt 1 ]; then
		echo "exit $rc: $(head -c 300 "$TMP/err")" >"$1.error"
	else
		rm -f "$1.error"
	fi
}

# gap QUERY — the reason known-gaps.tsv gives for QUERY, or nothing.
gap() { awk -F'\t' -v q="$1" '!/^#/ && $1 == q { print $2; exit }' "$gaps"; }

# --- each row: the expected article in the top 3 ------------------------
# A row listed in known-gaps.tsv is a SKIP while it misses (with the
# listed reason and what it got) and a FAIL once it passes, so that the
# list only ever names what is still missing.
while IFS=$'\t' read -r query url what; do
	what="'$query' finds $url in the top 3 ($what)"
	known=$(gap "$query")
	search_json "$TMP/top3.json" 3 "$query"
	if [ -e "$TMP/top3.json.error" ]; then
		fail "$what" "$(cat "$TMP/top3.json.error")"
		continue
	fi
	problem=$(judge top3 "$TMP/top3.json" "$url")
	if [ -n "$known" ] && [ -n "$problem" ]; then
		skip "$what" "known gap: $known; $problem"
	elif [ -n "$known" ]; then
		fail "$what" "it passes now: delete its line from $gaps"
	elif [ -z "$problem" ]; then
		pass "$what"
	else
		fail "$what" "$problem"
	fi
done < <(rows)
stale=$(grep -v -e '^#' -e '^[[:space:]]*$' "$gaps" | cut -f1 | while IFS= read -r q; do
	rows | cut -f1 | grep -qxF -- "$q" || printf '%s ' "$q"; done)
check_eq "every known gap is a row of the table" "$stale" ""

# --- grouping: one result per article ------------------------------------
limit=1000
while IFS= read -r query; do
	search_json "$TMP/all.json" "$limit" "$query"
	if [ -e "$TMP/all.json.error" ]; then
		fail "'$query': no URL twice in the results" "$(cat "$TMP/all.json.error")"
		fail "'$query': total counts distinct URLs" "$(cat "$TMP/all.json.error")"
		continue
	fi
	problem=$(judge distinct "$TMP/all.json")
	if [ -z "$problem" ]; then
		pass "'$query': no URL twice in the results"
	else
		fail "'$query': no URL twice in the results" "$problem"
	fi
	problem=$(judge total "$TMP/all.json" "$limit")
	if [ -z "$problem" ]; then
		pass "'$query': total counts distinct URLs"
	else
		fail "'$query': total counts distinct URLs" "$problem"
	fi
done < <({ rows | cut -f1; printf '%s\n' メール 設定 SPF; } | awk '!seen[$0]++')

finish
