# kbgen report (issue 23): the writers' report from feedback databases —
# exact text, JSON and HTML for a known set of rows, a visitor's comment
# shown escaped, two databases reported as their union, --since, and each
# usage and file mistake with its message and exit status.
. tests/lib.sh

site="$TMP/site"
mkdir -p "$site" "$TMP/var"
cp -r content decision-trees theme site.yaml "$site/"
[ -f bounce-rules.yaml ] && cp bounce-rules.yaml "$site/"
printf 'feedback:\n  db: %s/var/made.db\n' "$TMP" >> "$site/site.yaml"
"$KBGEN" build --root "$site" --out "$TMP/out" --quiet 2>/dev/null
check_eq "the site builds" "$?" 0
case $KBGEN in *asan*) program=build/asan/kb.cgi ;; *) program=build/kb.cgi ;; esac
# kb.cgi creates the database (its schema) on its first request
env -i REQUEST_METHOD=GET PATH_INFO=/search SCRIPT_NAME=/cgi-bin/kb.cgi QUERY_STRING=q=SPF \
	KB_DB="$TMP/out/kb.db" ${ASAN_OPTIONS:+ASAN_OPTIONS=$ASAN_OPTIONS} "$program" >/dev/null 2>&1
check_file "kb.cgi created the feedback database" "$TMP/var/made.db"
empty="$TMP/var/empty.db"
cp "$TMP/var/made.db" "$empty"

# rows at known times: 2026-12-01 (1796083200) and later; steps long past
# their 30 minutes
day=1796083200
fill() { # DB SQL
	sqlite3 "$1" "$2"
}
cp "$empty" "$TMP/a.db"
cp "$empty" "$TMP/b.db"
fill "$TMP/a.db" "INSERT INTO votes(at, page, kind, helpful, comment, client) VALUES
	($day, '/errors/permanent-error/', 'article', 1, NULL, 1),
	($day + 60, '/errors/permanent-error/', 'article', 0, '<script>alert(1)</script> 分かりにくい', 2),
	($day + 120, '/wizard/mail-not-arriving/found-in-spam/', 'outcome', 1, NULL, 3);
	INSERT INTO searches(at, query, kind, client) VALUES
	($day, 'ばうんす', 'none', 1), ($day + 5, 'ばうんす', 'none', 2), ($day + 9, 'spf 設定', 'unopened', 1);
	INSERT INTO steps(at, tree, node, outcome, walk, parent, client) VALUES
	($day, 'mail-not-arriving', 'delivery-error-shown', 0, 11, 0, 5),
	($day + 30, 'mail-not-arriving', 'check-spam', 0, 12, 11, 5),
	($day, 'mail-not-arriving', 'delivery-error-shown', 0, 11, 0, 6);"
fill "$TMP/b.db" "INSERT INTO votes(at, page, kind, helpful, comment, client) VALUES
	($day + 86400 * 3, '/errors/permanent-error/', 'article', 1, NULL, 9);
	INSERT INTO searches(at, query, kind, client) VALUES ($day + 86400 * 3, 'ドコモ 届かない', 'none', 9);
	INSERT INTO steps(at, tree, node, outcome, walk, parent, client) VALUES
	($day + 86400 * 3, 'mail-not-arriving', 'delivery-error-shown', 0, 21, 0, 9),
	($day + 86400 * 3 + 40, 'mail-not-arriving', 'found-in-spam', 1, 22, 21, 9);"

out=$("$KBGEN" report --feedback "$TMP/a.db" --feedback "$TMP/b.db" --db "$TMP/out/kb.db" 2>&1)
check_eq "report: exit 0" "$?" 0
check_eq "report: the header" "$(printf '%s\n' "$out" | head -n 1)" \
	"Feedback report: 2 databases; 4 votes, 4 searches, 5 wizard steps"
check_contains "report: votes per page, share of はい, the comment" "$out" \
"Votes (はい share, votes, page)
   67% of    3  article /errors/permanent-error/  (アドレスは正しいのに「永続的エラー」になる場合)
      2026-12-01  <script>alert(1)</script> 分かりにくい"
check_contains "report: an outcome vote with its node's title" "$out" \
	"  100% of    1  outcome /wizard/mail-not-arriving/found-in-spam/  ("
check_contains "report: searches that found nothing, most first" "$out" \
"Searches that found nothing
       2  ばうんす
       1  ドコモ 届かない"
check_contains "report: searches unopened" "$out" \
"Searches whose results nobody opened
       1  spf 設定"
check_contains "report: where walks ended (the one that went on is not counted)" "$out" \
"Wizard mail-not-arriving: steps where walks ended
       1  check-spam  ("
check_contains "report: delivery-error-shown ended once (client 6)" "$out" \
	"       1  delivery-error-shown  ("
check_contains "report: outcomes reached" "$out" \
"Wizard mail-not-arriving: outcomes reached
       1  found-in-spam  ("
check_contains "report: articles nobody voted on" "$out" "Articles nobody voted on
  /deliverability/dkim/  (DKIM署名(作成者署名)の設定方法)"
check_not_contains "report: the voted article is not among them" \
	"$(printf '%s\n' "$out" | sed -n '/^Articles nobody/,$p')" "/errors/permanent-error/"

# two databases = their union
cp "$TMP/a.db" "$TMP/union.db"
sqlite3 "$TMP/union.db" "ATTACH '$TMP/b.db' AS b;
	INSERT INTO votes(at, page, kind, helpful, comment, client) SELECT at, page, kind, helpful, comment, client FROM b.votes;
	INSERT INTO searches(at, query, kind, client) SELECT at, query, kind, client FROM b.searches;
	INSERT INTO steps(at, tree, node, outcome, walk, parent, client) SELECT at, tree, node, outcome, walk, parent, client FROM b.steps;"
for format in text json html; do
	two=$("$KBGEN" report --feedback "$TMP/a.db" --feedback "$TMP/b.db" --db "$TMP/out/kb.db" --format $format)
	one=$("$KBGEN" report --feedback "$TMP/union.db" --db "$TMP/out/kb.db" --format $format)
	check_eq "report --format $format: two databases equal their union" \
		"$(printf '%s\n' "$two" | sed 's/2 databases/N/; s/"databases":2/"databases":N/')" \
		"$(printf '%s\n' "$one" | sed 's/1 database/N/; s/"databases":1/"databases":N/')"
done

# JSON
json=$("$KBGEN" report --feedback "$TMP/a.db" --db "$TMP/out/kb.db" --format json)
check_eq "report --format json: valid, the page's figures" \
	"$(printf '%s' "$json" | python3 -c 'import json, sys; d = json.load(sys.stdin); p = d["pages"][0]; print(p["page"], p["votes"], p["yes"], p["share_yes"], p["comments"][0]["text"])')" \
	"/errors/permanent-error/ 2 1 50 <script>alert(1)</script> 分かりにくい"

# HTML: one page, the comment escaped, no script
html=$("$KBGEN" report --feedback "$TMP/a.db" --db "$TMP/out/kb.db" --format html)
check_contains "report --format html: the comment escaped" "$html" \
	"&lt;script&gt;alert(1)&lt;/script&gt; 分かりにくい"
check_not_contains "report --format html: no script element" "$html" "<script"
check_contains "report --format html: inline bars" "$html" '<svg width="200" height="12" role="img" aria-label="50 / 100">'
printf '%s' "$html" > "$TMP/report.html"
if command -v vnu >/dev/null 2>&1 || [ -f tests/browser/node_modules/vnu-jar/build/dist/vnu.jar ]; then
	jar=tests/browser/node_modules/vnu-jar/build/dist/vnu.jar
	if [ -f "$jar" ]; then
		check "report --format html: the Nu checker finds no error" java -jar "$jar" --errors-only "$TMP/report.html"
	fi
fi

# --since
out=$("$KBGEN" report --feedback "$TMP/a.db" --feedback "$TMP/b.db" --since 2026-12-02)
check_eq "report --since: only what came after" "$(printf '%s\n' "$out" | head -n 1)" \
	"Feedback report: 2 databases, since 2026-12-02; 1 votes, 1 searches, 2 wizard steps"

# mistakes
out=$("$KBGEN" report 2>&1); status=$?
check_eq "report without --feedback: exit 2" "$status" 2
check_eq "report without --feedback: message" "$out" "kbgen report: name at least one feedback database with --feedback
usage: kbgen report --feedback DB [--feedback DB]... [--db PATH] [--since YYYY-MM-DD] [--format text|json|html]"
out=$("$KBGEN" report --feedback "$TMP/a.db" --since 2026-02-30 2>&1); status=$?
check_eq "report --since 2026-02-30: exit 2" "$status" 2
check_contains "report --since 2026-02-30: message" "$out" "kbgen report: --since needs a date YYYY-MM-DD, not '2026-02-30'"
out=$("$KBGEN" report --feedback "$TMP/a.db" --format pdf 2>&1); status=$?
check_eq "report --format pdf: exit 2" "$status" 2
check_contains "report --format pdf: message" "$out" "kbgen report: --format is text, json or html, not 'pdf'"
out=$("$KBGEN" report --feedback "$TMP/missing.db" 2>&1); status=$?
check_eq "report on a missing database: exit 1" "$status" 1
check_eq "report on a missing database: message" "$out" "kbgen report: $TMP/missing.db: No such file or directory"
out=$("$KBGEN" report --feedback "$TMP/out/kb.db" 2>&1); status=$?
check_eq "report on kb.db: exit 1" "$status" 1
check_eq "report on kb.db: message" "$out" "kbgen report: $TMP/out/kb.db: not a feedback database of schema 1 to 2 (it says $(sqlite3 "$TMP/out/kb.db" 'PRAGMA user_version'))"

# a database kb.cgi has not yet upgraded (schema 1, before live lookups)
# reports as it did, and stays schema 1
cp "$TMP/a.db" "$TMP/v1.db"
sqlite3 "$TMP/v1.db" 'DROP TABLE lookups; PRAGMA user_version = 1;'
out=$("$KBGEN" report --feedback "$TMP/v1.db" 2>&1); status=$?
check_eq "report on schema 1: exit 0" "$status" 0
check_eq "report on schema 1: the same report" "$out" "$("$KBGEN" report --feedback "$TMP/a.db" 2>&1 | sed "s|$TMP/a.db|$TMP/v1.db|g")"
check_eq "report on schema 1: not upgraded" "$(sqlite3 "$TMP/v1.db" 'PRAGMA user_version')" 1
sqlite3 "$TMP/v1.db" 'PRAGMA user_version = 3;'
out=$("$KBGEN" report --feedback "$TMP/v1.db" 2>&1); status=$?
check_eq "report on a newer schema: exit 1" "$status" 1
check_eq "report on a newer schema: message" "$out" "kbgen report: $TMP/v1.db: not a feedback database of schema 1 to 2 (it says 3)"
before=$(sha256sum "$TMP/a.db")
"$KBGEN" report --feedback "$TMP/a.db" >/dev/null
check_eq "report changes no database" "$(sha256sum "$TMP/a.db")" "$before"
finish
