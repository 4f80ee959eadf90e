# tests/cli/kbdb_dump.sh — tools/kbdb-dump.sh, the logical dump of kb.db
# that incremental builds are compared with: two builds of the shipped site
# dump alike (and their files are byte-identical: builds are
# deterministic), the dump shows every table and the index but no FTS5
# shadow table, a change to any row or to the index shows, and usage
# errors exit 2.
. tests/lib.sh

dump=tools/kbdb-dump.sh
for n in 1 2; do
	if ! "$KBGEN" build --root . --out "$TMP/out$n" >"$TMP/build$n.log" 2>&1; then
		fail "kbgen build $n of the shipped site" "$(head -c 600 "$TMP/build$n.log")"
		finish
	fi
done
pass "two builds of the shipped site"
check "the two kb.db files are byte-identical" cmp "$TMP/out1/kb.db" "$TMP/out2/kb.db"

if ! command -v sqlite3 >/dev/null 2>&1; then
	fail "sqlite3 shell present (make test-deps)"
	finish
fi
check "dump the first" sh -c "$dump '$TMP/out1/kb.db' >'$TMP/dump1'"
check "dump the second" sh -c "$dump '$TMP/out2/kb.db' >'$TMP/dump2'"
check "the dumps are equal" cmp "$TMP/dump1" "$TMP/dump2"
sections=$(grep '^== ' "$TMP/dump1" | tr '\n' ' ')
check_eq "every table, the rows and the index, in a fixed order" "$sections" \
	"== table articles == table bounce_meta == table bounce_reasons == table bounce_receivers == table bounce_rules == table bounce_walks == table node_articles == table node_body_links == table node_links == table nodes == table options == table search_champions == table search_config == table search_readings == table search_rowmap == table search_rows == table theme == table theme_nav == table trees == search == search index "
check_contains "the schema version comes first" "$(head -n 1 "$TMP/dump1")" "user_version "
check_contains "search rows by rowid with all columns" \
	"$(sed -n '/^== search$/,/^== search index$/p' "$TMP/dump1" | sed -n 2p)" "|'article'"
check_contains "index instances: term, rowid, column, offset" \
	"$(sed -n '/^== search index$/,$p' "$TMP/dump1" | sed -n 2p)" "|"

# a changed row shows; so does an index entry that is missing
cp "$TMP/out1/kb.db" "$TMP/changed.db"
sqlite3 "$TMP/changed.db" "UPDATE trees SET title = title || 'x' WHERE rowid = 1" 2>"$TMP/err"
"$dump" "$TMP/changed.db" >"$TMP/dump3" 2>>"$TMP/err"
check "a changed tree title changes the dump" sh -c "! cmp -s '$TMP/dump1' '$TMP/dump3'"
cp "$TMP/out1/kb.db" "$TMP/stale.db"
# the row's text changes behind the index's back: rows alike, index not
sqlite3 "$TMP/stale.db" "UPDATE search_content SET c0 = 'zzzz' WHERE id = (SELECT min(id) FROM search_content)" 2>>"$TMP/err"
"$dump" "$TMP/stale.db" >"$TMP/dump4" 2>>"$TMP/err"
check "a row changed behind the index's back changes the dump" \
	sh -c "! cmp -s '$TMP/dump1' '$TMP/dump4'"
check_eq "the index part is unchanged then (it shows the index, not the rows)" \
	"$(sed -n '/^== search index$/,$p' "$TMP/dump4" | md5sum)" \
	"$(sed -n '/^== search index$/,$p' "$TMP/dump1" | md5sum)"

"$dump" >/dev/null 2>&1
check_eq "no argument: exit 2" "$?" 2
"$dump" "$TMP/no-such.db" >/dev/null 2>&1
check_eq "a missing file: exit 2" "$?" 2
finish
