# "Did this help?" in Debian's Chromium (issue 23): builds the shipped site
# with site.yaml's feedback:, serves it with lighttpd and kb.cgi on a free
# 127.0.0.1 port, runs tests/browser/feedback.mjs (in place with
# JavaScript, the forms without, the search beacon, axe), then reads the
# feedback database: every vote and comment the browser sent is there, and
# the query nobody opened. The Nu checker reads kb.cgi's thank-you pages.
# Screenshots go to build/screenshots/.
. tests/lib.sh
# checked once, in the plain run: the [asan] run prints nothing it did not check
case $KBGEN in *asan*) finish ;; esac

site="$TMP/site"
mkdir -p "$site" "$TMP/var"
cp -r content decision-trees theme site.yaml "$site/"
[ -f bounce-rules.yaml ] && cp bounce-rules.yaml "$site/"
FDB="$TMP/var/feedback.db"
printf 'feedback:\n  db: %s\n  votes_per_day: 10\n' "$FDB" >> "$site/site.yaml"
out="$TMP/out"
if ! "$KBGEN" build --root "$site" --out "$out" 2>"$TMP/build.stderr"; then
	fail "the site with feedback builds" "$(head -c 600 "$TMP/build.stderr")"
	finish
fi
cp build/kb.cgi "$TMP/kb.cgi"
trap '[ -n "$served_pid" ] && kill "$served_pid" 2>/dev/null; wait 2>/dev/null' EXIT
serve_site "$out" "$TMP/kb.cgi" || finish

mkdir -p build/screenshots
SUITE=$SUITE node tests/browser/feedback.mjs "$served_url" build/screenshots \
	>"$TMP/feedback.out" 2>"$TMP/feedback.stderr"
rc=$?
cat "$TMP/feedback.out"
n=$(grep -c '^FAIL: ' "$TMP/feedback.out")
failures=$((failures + n))
if [ "$rc" -ne 0 ] && [ "$n" -eq 0 ]; then
	fail "feedback.mjs ran" "exit $rc: $(tail -c 600 "$TMP/feedback.stderr")"
fi

rows() { sqlite3 "$FDB" "$1" 2>&1; }
check_eq "the database: two いいえ in place, はい without JavaScript and for axe" \
	"$(rows "SELECT helpful, count(*) FROM votes WHERE page = '/errors/permanent-error/' GROUP BY helpful ORDER BY helpful")" \
	"0|2
1|2"
check_eq "the database: the comments sent in place" \
	"$(rows "SELECT comment FROM votes WHERE comment LIKE 'JSで%' ORDER BY comment")" \
	"JSで送った意見 1280
JSで送った意見 390"
check_eq "the database: the outcome's いいえ with its comment (and axe's)" \
	"$(rows "SELECT kind, helpful, comment FROM votes WHERE page = '/wizard/mail-not-arriving/contact-support/' ORDER BY id")" \
	"outcome|0|JSなしで送った意見
outcome|0|"
check_eq "the database: the search nobody opened" \
	"$(rows "SELECT query FROM searches WHERE kind = 'unopened'")" "dkim"

# the Nu checker on kb.cgi's thank-you pages (the comment form, the thanks)
jar=tests/browser/node_modules/vnu-jar/build/dist/vnu.jar
for body in 'page=%2Fwizard%2Fmail-not-arriving%2Fcontact-support%2F&kind=outcome&vote=no' \
	'page=%2Ferrors%2Fpermanent-error%2F&kind=article&vote=yes'; do
	curl -s -H "Origin: $served_url" -d "$body" "$served_url/cgi-bin/kb.cgi/feedback" -o "$TMP/thanks.html"
	if java -jar "$jar" --errors-only "$TMP/thanks.html" 2>"$TMP/vnu.log"; then
		pass "Nu: kb.cgi's thank-you page for '$body'"
	else
		fail "Nu: kb.cgi's thank-you page for '$body'" "$(head -c 600 "$TMP/vnu.log")"
	fi
done
finish
