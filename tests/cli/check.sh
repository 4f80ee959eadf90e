# kbgen check: the writer checks, --strict, --quiet, --format json, colour
# on terminals, the progress line, and the shipped site passing --strict.
#
# Each tests/check/NAME/ is a small site (site.yaml, content/,
# decision-trees/) whose expected.txt is the exact stderr of `kbgen check`
# run in that folder: the diagnostics, then the summary line.
. tests/lib.sh

kbgen=$(cd "$(dirname "$KBGEN")" && pwd)/$(basename "$KBGEN")
theme=$PWD/theme
# colour is tested on purpose below, with NO_COLOR set per command
unset NO_COLOR

# copy_fixture NAME — a copy of the fixture at $site, with the theme linked.
copy_fixture() {
	site="$TMP/fixture-$1"
	rm -rf "$site"
	cp -R "tests/check/$1" "$site"
	rm -f "$site/expected.txt"
	ln -sfn "$theme" "$site/theme"
}

# snapshot DIR — every path under DIR with its type, size and mtime.
snapshot() {
	(cd "$1" && find . -printf '%p %y %s %T@\n' | sort)
}

# in_pty COMMAND... — runs the command on a pseudo-terminal (script from
# util-linux); prints what the terminal showed, with the exit status kept.
in_pty() {
	script -qec "$(printf '%q ' "$@")" /dev/null </dev/null
}

# json_as_text FILE — the JSON diagnostics as GCC-style lines; fails when
# the file is not a JSON array of objects with exactly the six fields.
json_as_text() {
	python3 - "$1" <<'EOF'
import json, sys
items = json.load(open(sys.argv[1], encoding="utf-8"))
assert isinstance(items, list), "not a list"
for item in items:
    assert sorted(item) == ["column", "file", "line", "line_text", "message", "severity"], item
    assert item["line_text"] is None or isinstance(item["line_text"], str), item
    assert isinstance(item["line"], int) and isinstance(item["column"], int), item
    assert item["severity"] in ("error", "warning", "note"), item
    print("%s:%d:%d: %s: %s" % (item["file"], item["line"], item["column"],
                                item["severity"], item["message"]))
EOF
}

fixture_count=0
for fixture in tests/check/*/; do
	name=$(basename "$fixture")
	expected="$fixture/expected.txt"
	fixture_count=$((fixture_count + 1))
	copy_fixture "$name"
	before=$(snapshot "$site")
	want=0
	grep -q ': error: ' "$expected" && want=1
	strict_want=$want
	grep -q ': warning: ' "$expected" && strict_want=1

	(cd "$site" && "$kbgen" check) >"$TMP/$name.stdout" 2>"$TMP/$name.stderr"
	check_eq "$name: exit status" "$?" "$want"
	check_eq "$name: diagnostics" "$(cat "$TMP/$name.stderr")" "$(cat "$expected")"
	check_eq "$name: nothing on standard output" "$(cat "$TMP/$name.stdout")" ""
	check_eq "$name: nothing written (no out/ either)" "$(snapshot "$site")" "$before"

	(cd "$site" && "$kbgen" check --strict) 2>"$TMP/$name.strict"
	check_eq "$name --strict: exit status" "$?" "$strict_want"
	check_eq "$name --strict: same diagnostics" \
		"$(grep -v '^kbgen: ' "$TMP/$name.strict")" "$(grep -v '^kbgen: ' "$expected")"

	(cd "$site" && "$kbgen" check --quiet) 2>"$TMP/$name.quiet"
	check_eq "$name --quiet: exit status" "$?" "$want"
	check_eq "$name --quiet: the diagnostics, no summary line" \
		"$(cat "$TMP/$name.quiet")" "$(grep -v '^kbgen: ' "$expected")"

	(cd "$site" && "$kbgen" check --format json) >"$TMP/$name.json" 2>"$TMP/$name.json-stderr"
	check_eq "$name --format json: exit status" "$?" "$want"
	if text=$(json_as_text "$TMP/$name.json" 2>"$TMP/$name.json-error"); then
		check_eq "$name --format json: same diagnostics, every field" \
			"$text" "$(grep -v '^kbgen: ' "$expected")"
	else
		fail "$name --format json: parses" "$(tail -1 "$TMP/$name.json-error")"
	fi
	check_eq "$name --format json: only the summary on stderr" \
		"$(cat "$TMP/$name.json-stderr")" "$(grep '^kbgen: ' "$expected")"
	check_eq "$name: still nothing written" "$(snapshot "$site")" "$before"
done
check_eq "one fixture per writer check, plus clean and errors" "$fixture_count" 9

# The summary line says when --strict turned warnings into a failure.
copy_fixture orphan
out=$("$kbgen" check --strict --root "$site" 2>&1 | tail -1)
check_eq "--strict: summary line" "$out" \
	"kbgen: 0 errors, 2 warnings (--strict: warnings count as errors); nothing written"

# --strict belongs to check; build has no use for it.
out=$("$kbgen" build --strict --root "$site" --out "$TMP/strict-out" 2>&1)
check_eq "build --strict: usage error" "$?" 2
check_eq "build --strict: message" "$out" "kbgen: unknown option '--strict'
Try 'kbgen help' for more information."
check_eq "build --strict: nothing built" "$(ls -d "$TMP/strict-out" 2>/dev/null)" ""

# The writer checks are check's: a build of the same site warns of nothing.
"$kbgen" build --root "$site" --out "$TMP/orphan-out" 2>"$TMP/orphan-build.stderr"
check_eq "build: exit status with writer-check findings" "$?" 0
check_eq "build: no writer warnings" "$(cat "$TMP/orphan-build.stderr")" ""

# build --quiet: a failed build's diagnostics without the summary line.
copy_fixture errors
"$kbgen" build --quiet --root "$site" --out "$TMP/errors-out" 2>"$TMP/errors-build.stderr"
check_eq "build --quiet: exit status" "$?" 1
check_eq "build --quiet: diagnostics only" "$(cat "$TMP/errors-build.stderr")" \
	"content/docs/a.md:7:8: error: broken link: 'missing.md' does not exist (resolved to content/docs/missing.md)"

# The shipped site has nothing for a writer to fix.
out=$("$kbgen" check --strict --out "$TMP/shipped-out" 2>&1)
check_eq "shipped site: check --strict passes" "$?" 0
check_eq "shipped site: no diagnostics at all" "$out" ""
check_eq "shipped site: nothing written" "$(ls -d "$TMP/shipped-out" 2>/dev/null)" ""

# ---- colour ----------------------------------------------------------------

esc=$(printf '\033')
copy_fixture orphan
plain=$("$kbgen" check --root "$site" 2>&1)
check_not_contains "not a terminal: no escape sequences" "$plain" "$esc"

out=$(in_pty "$kbgen" check --root "$site" | tr -d '\r')
check_eq "terminal: 'warning:' in bold magenta, as GCC" "$(printf '%s\n' "$out" | head -1)" \
	"content/docs/c.md:1:1: ${esc}[01;35m${esc}[Kwarning: ${esc}[m${esc}[Kno other article or wizard links to this article (orphan)"
check_eq "terminal: the summary line is not coloured" "$(printf '%s\n' "$out" | tail -1)" \
	"kbgen: 0 errors, 2 warnings; nothing written"
out=$(NO_COLOR= in_pty "$kbgen" check --root "$site" | tr -d '\r')
check_contains "terminal, NO_COLOR empty: coloured (no-color.org)" "$out" "${esc}[01;35m"
out=$(NO_COLOR=1 in_pty "$kbgen" check --no-excerpt --root "$site" | tr -d '\r')
check_eq "terminal, NO_COLOR=1, --no-excerpt: plain text" "$out" "$plain"
# on a terminal each diagnostic shows its line, as GCC's do
out=$(NO_COLOR=1 in_pty "$kbgen" check --root "$site" | tr -d '\r')
check_eq "terminal: the line and a caret under each diagnostic" "$out" \
"content/docs/c.md:1:1: warning: no other article or wizard links to this article (orphan)
    1 | ---
      | ^
content/docs/f.md:1:1: warning: no other article or wizard links to this article (orphan)
    1 | ---
      | ^
kbgen: 0 errors, 2 warnings; nothing written"

copy_fixture errors
in_pty "$kbgen" check --root "$site" >"$TMP/errors.tty"
check_eq "terminal: exit status kept" "$?" 1
out=$(tr -d '\r' <"$TMP/errors.tty")
check_eq "terminal: 'error:' in bold red, as GCC" "$(printf '%s\n' "$out" | head -1)" \
	"content/docs/a.md:7:8: ${esc}[01;31m${esc}[Kerror: ${esc}[m${esc}[Kbroken link: 'missing.md' does not exist (resolved to content/docs/missing.md)"
out=$(in_pty "$kbgen" check --root "$site" --format json)
check_not_contains "JSON is never coloured" "$out" "$esc"

# ---- progress line ---------------------------------------------------------

# A small build finishes within the first second: no line, even on a
# terminal.
copy_fixture clean
out=$(in_pty "$kbgen" build --root "$site" --out "$TMP/clean-out")
check_eq "progress: a build under a second shows no line" "$out" ""

# A corpus large enough that rendering takes over a second here: it grows
# until a plain build lasts 3.5 s (rendering is about half of a build,
# so it still takes over a second if the machine gets twice as fast).
corpus="$TMP/corpus"
rm -rf "$corpus"
make_site "$corpus"
add_articles() { # FIRST COUNT
	python3 - "$corpus" "$1" "$2" <<'EOF'
import os, sys
root, first, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
paragraph = "配信したメールが届かないときは、配信履歴とエラーの種類を順に確かめてください。" * 6
for i in range(first, first + count):
    folder = os.path.join(root, "content", "s%02d" % (i % 20))
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "a%05d.md" % i), "w", encoding="utf-8") as f:
        f.write("---\ntitle: 記事 %d\ndescription: 記事 %d の説明です。\n---\n" % (i, i))
        for k in range(4):
            f.write("## 節 %d\n\n%s\n\n- 項目 `code`\n- 項目 *強調*\n\n" % (k, paragraph))
EOF
}
articles=0
for batch in 2500 2500 5000 10000; do
	add_articles "$articles" "$batch"
	articles=$((articles + batch))
	rm -rf "$TMP/corpus-out"
	start=$(date +%s%N)
	"$kbgen" build --root "$corpus" --out "$TMP/corpus-out" 2>"$TMP/corpus.stderr"
	status=$?
	elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
	[ "$status" -ne 0 ] || [ "$elapsed" -ge 3500 ] && break
done
check_eq "progress: corpus of $articles articles builds" "$status" 0
check_eq "progress: not a terminal, ${elapsed} ms build: nothing on stderr" \
	"$(cat "$TMP/corpus.stderr")" ""

# a fresh output folder each time: a build cache there would skip the
# rendering the line counts
# The line waits a second; a machine fast enough to render the whole
# corpus sooner (CI's once did) would show none, so here it does not wait:
# that the line waits is the small build's case above.
rm -rf "$TMP/corpus-out"
start=$(date +%s%N)
KBGEN_PROGRESS_DELAY_MS=0 in_pty "$kbgen" build --root "$corpus" --out "$TMP/corpus-out" >"$TMP/progress.tty"
status=$?
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
check_eq "progress: terminal build succeeds" "$status" 0
python3 - "$TMP/progress.tty" "$articles" "$elapsed" >"$TMP/progress.report" <<'EOF'
import re, sys
shown = open(sys.argv[1], encoding="utf-8", newline="").read()
total = "{:,}".format(int(sys.argv[2]))
elapsed = int(sys.argv[3]) / 1000
draws = re.findall(r"\r\x1b\[Kkbgen: ([0-9,]+)/([0-9,]+) files", shown)
print("drawn" if draws else "no line: %r" % shown[:200])
print("totals %s" % ("ok" if draws and all(t == total for _, t in draws)
                     else "wrong: %r" % draws[:3]))
counts = [int(c.replace(",", "")) for c, _ in draws]
print("counts %s" % ("rising" if counts == sorted(counts) else "not rising: %r" % counts))
print("rate %s" % ("ok" if len(draws) <= elapsed * 10 + 2
                   else "%d draws in %.1f s" % (len(draws), elapsed)))
print("cleared" if shown.endswith("files\r\x1b[K") else "not cleared: %r" % shown[-60:])
EOF
check_eq "progress: the line is shown on a terminal" "$(sed -n 1p "$TMP/progress.report")" drawn
check_eq "progress: 'kbgen: N/$articles files' with thousands separators" \
	"$(sed -n 2p "$TMP/progress.report")" "totals ok"
check_eq "progress: the count only goes up" "$(sed -n 3p "$TMP/progress.report")" "counts rising"
check_eq "progress: at most ten redraws a second" "$(sed -n 4p "$TMP/progress.report")" "rate ok"
check_eq "progress: cleared at the end, nothing after it" \
	"$(sed -n 5p "$TMP/progress.report")" "cleared"

rm -rf "$TMP/corpus-out"
out=$(in_pty "$kbgen" build --quiet --root "$corpus" --out "$TMP/corpus-out")
check_eq "progress: --quiet on a terminal shows no line" "$out" ""
rm -rf "$corpus" "$TMP/corpus-out"
finish
