# The writer's side: each mistake reported once, at its cause, with the
# line shown under it.
#
# Each tests/writer/NAME/ is a small site (site.yaml, content/,
# decision-trees/) whose expected.txt is the exact stderr of
# `kbgen check --excerpt` run in that folder: every diagnostic with its
# source line and caret, then the summary line. A file that does not load
# is known to exist: links and tree references to it are no errors of
# their own, only one note at its first error counts them.
. tests/lib.sh

kbgen=$(cd "$(dirname "$KBGEN")" && pwd)/$(basename "$KBGEN")
theme=$PWD/theme
unset NO_COLOR

# copy_fixture NAME — a copy of the fixture at $site, with the theme linked.
copy_fixture() {
	site="$TMP/fixture-$1"
	rm -rf "$site"
	cp -R "tests/writer/$1" "$site"
	rm -f "$site/expected.txt"
	ln -sfn "$theme" "$site/theme"
}

# without_excerpts — the diagnostics lines only (GCC's excerpt lines start
# with the gutter: spaces, then a line number or nothing, then " | ").
without_excerpts() {
	grep -av '^ *[0-9]* | '
}

fixture_count=0
for fixture in tests/writer/*/; do
	name=$(basename "$fixture")
	expected="$fixture/expected.txt"
	fixture_count=$((fixture_count + 1))
	copy_fixture "$name"
	want=0
	grep -q ': error: ' "$expected" && want=1

	(cd "$site" && "$kbgen" check --excerpt) >"$TMP/$name.stdout" 2>"$TMP/$name.stderr"
	check_eq "$name: exit status" "$?" "$want"
	check_eq "$name: diagnostics with excerpts" "$(cat "$TMP/$name.stderr")" "$(cat "$expected")"

	(cd "$site" && "$kbgen" check) 2>"$TMP/$name.plain"
	check_eq "$name: not a terminal: one line per diagnostic" \
		"$(cat "$TMP/$name.plain")" "$(without_excerpts <"$expected")"
	(cd "$site" && "$kbgen" check --excerpt --no-excerpt) 2>"$TMP/$name.none"
	check_eq "$name: --no-excerpt (the last option wins)" \
		"$(cat "$TMP/$name.none")" "$(without_excerpts <"$expected")"

	(cd "$site" && "$kbgen" build --excerpt --out "$TMP/$name-out") 2>"$TMP/$name.build"
	check_eq "$name: build reports the same" \
		"$(grep -v '^kbgen: ' "$TMP/$name.build")" "$(grep -v '^kbgen: ' "$expected")"
	check_eq "$name: build wrote nothing" "$(ls -d "$TMP/$name-out" 2>/dev/null)" ""
done
check_eq "every writer fixture ran" "$fixture_count" "$(ls -d tests/writer/*/ | wc -l)"

# A reference to a file that is really missing is still an error, next
# to the file that did not load.
check_contains "a missing file is still reported" \
	"$(cat tests/writer/cascade-unterminated/expected.txt)" \
	"content/docs/a.md:7:43: error: broken link: 'missing.md' does not exist"

# --format json: each diagnostic with its source line (null for none).
copy_fixture cascade-unterminated
(cd "$site" && "$kbgen" check --format json) >"$TMP/json.out" 2>/dev/null
check_eq "--format json: exit status" "$?" 1
out=$(python3 - "$TMP/json.out" <<'PY'
import json, sys
for item in json.load(open(sys.argv[1], encoding="utf-8")):
    print("%s:%d:%d: %s | %r" % (item["file"], item["line"], item["column"],
                                item["severity"], item["line_text"]))
PY
)
check_eq "--format json: line_text of each" "$out" \
"content/docs/a.md:7:43: error | '[設定](target.md)と[手順](target.md#手順)、[ない記事](missing.md)へ。'
content/docs/target.md:1:1: error | '---'
content/docs/target.md:1:1: note | '---'
content/docs/target.md:5:1: note | ''"

# A message about a whole file shows no line: a folder of articles
# ignored.
copy_fixture cascade-bad-yaml
mkdir -p "$site/content/docs/deeper"
printf -- '---\ntitle: 深すぎる\n---\n本文\n' > "$site/content/docs/deeper/lost.md"
(cd "$site" && "$kbgen" check --excerpt) 2>"$TMP/folder.stderr"
check_eq "a message about a folder: no excerpt" \
	"$(grep -a -A1 'deeper' "$TMP/folder.stderr")" \
	"content/docs:1:1: warning: folder 'deeper' ignored: articles live one level deep, in content/<section>/ (or as content/<section>/<name>/index.md)
content/docs/target.md:2:8: error: invalid YAML: this '[' is not closed by a ']', or its items are not separated by ','"

finish
