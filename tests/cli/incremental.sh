# Incremental builds equal clean ones: tests/incremental.py applies random
# edits to a copy of the shipped site (bodies, titles, tags, slugs,
# aliases, drafts, Hugo's url, linkTitle, summary, keywords,
# publishDate, expiryDate, headless and _build, the clock (KBGEN_NOW)
# moved on with no file changed, front matter dropped or capitalised
# (Hugo's leniencies), new/deleted/renamed articles, page bundles (nested
# too), articles in folders below sections, section and home _index.md
# pages made, rewritten and removed, pages of content/ itself, images
# beside articles, trees, layout, site.yaml, touches, same-size edits)
# and after each compares an incremental build
# with a clean one, byte for byte (kb.db by its rows and index entries).
# 220 edits in the plain run, 60 under ASan (slower; the same code).
# KB_SEED replays a run. Then: --clean, the cache's own failure modes,
# and a build interrupted between its moves.
. tests/lib.sh
kbgen=$(cd "$(dirname "$KBGEN")" && pwd)/$(basename "$KBGEN")
case $KBGEN in *asan*) edits=60 ;; *) edits=220 ;; esac

python3 tests/incremental.py "$kbgen" "$TMP/random" "$edits" >"$TMP/random.out" 2>&1
rc=$?
grep -E '^(PASS|FAIL): |^    |^incremental: seed' "$TMP/random.out"
n=$(grep -c '^FAIL: ' "$TMP/random.out")
failures=$((failures + n))
if [ "$rc" -ne 0 ] && [ "$n" -eq 0 ]; then
	fail "incremental.py ran" "exit $rc: $(tail -c 800 "$TMP/random.out")"
fi

# same_site WHAT A B — the two outputs hold the same pages (cache aside;
# kb.db by its logical content).
same_site() {
	if diff -r -x .kbgen -x kb.db "$2" "$3" >"$TMP/diff.out" 2>&1 &&
	   [ "$(sh tools/kbdb-dump.sh "$2/kb.db")" = "$(sh tools/kbdb-dump.sh "$3/kb.db")" ]; then
		pass "$1"
	else
		fail "$1" "$(head -c 600 "$TMP/diff.out")"
	fi
}

# A small site with a warning (an unknown front matter key), files aged
# so their stamps are trusted.
site="$TMP/site"
make_site "$site"
mkdir -p "$site/content/a"
for n in 1 2 3; do
	printf -- '---\ntitle: 記事%s\ndescription: 説明%s\ntags: [共通]\n---\n\n本文%s。\n\n## 見出し\n\n[次](%s.md)\n' \
		"$n" "$n" "$n" "$(( n % 3 + 1 ))" >"$site/content/a/$n.md"
done
printf -- '---\ntitle: 記事4\ncolour: red\n---\n\n本文。\n' >"$site/content/a/4.md"
touch -d '-1 hour' "$site"/content/a/*.md
sleep 2.1	# ctimes too must be older than the cache's 2-second window
out="$TMP/out"
"$kbgen" build --root "$site" --out "$out" 2>"$TMP/first.err"
check_eq "first build: exit 0" "$?" 0
warning=$(cat "$TMP/first.err")
check_contains "first build: the unknown key is a warning" "$warning" \
	"content/a/4.md:3:1: warning: unknown front matter key 'colour'"
check_file "first build: the cache is written" "$out/.kbgen/cache"
got=$(KBGEN_TRACE=1 "$kbgen" build --root "$site" --out "$out" 2>&1)
check_contains "no change: nothing is done" "$got" "kbgen: trace: up to date"
check_contains "no change: the warning is shown again" "$got" "$warning"
printf '\n追記。\n' >>"$site/content/a/1.md"
got=$(KBGEN_TRACE=1 "$kbgen" build --root "$site" --out "$out" 2>&1)
check_contains "one body edited: incremental, one page" "$got" "incremental: 1 of"
check_contains "one body edited: the other file's warning is shown again" "$got" "$warning"
check_contains "one body edited: the page has the new text" \
	"$(cat "$out/a/1/index.html")" "追記。"
"$kbgen" build --clean --root "$site" --out "$TMP/clean" 2>/dev/null
same_site "one body edited: equals a clean build" "$out" "$TMP/clean"
got=$(KBGEN_TRACE=1 "$kbgen" build --clean --root "$site" --out "$out" 2>&1)
check_contains "--clean: a full build" "$got" "kbgen: trace: full build: --clean"

# A hidden folder in content/ is no section: Markdown files in it are no
# articles, and do not keep every later build from finding nothing to do.
mkdir -p "$site/content/.notes"
printf -- '---\ntitle: メモ\n---\n\nメモ。\n' >"$site/content/.notes/memo.md"
sleep 2.1	# the last edits' stamps must be old enough to be trusted
"$kbgen" build --root "$site" --out "$out" 2>/dev/null
got=$(KBGEN_TRACE=1 "$kbgen" build --root "$site" --out "$out" 2>&1)
check_contains "hidden folder in content/: then nothing to do" "$got" "kbgen: trace: up to date"
check "hidden folder in content/: no page for its file" test ! -e "$out/.notes"
rm -r "$site/content/.notes"
"$kbgen" build --root "$site" --out "$out" 2>/dev/null

# An update in place does not wait for the disk. The full build that wrote
# kb.db did not sync it, and the first fsync after it waited for the whole
# fresh file (150 ms of a 190 ms rebuild at 10,000 articles).
printf '\n同期。\n' >>"$site/content/a/3.md"
# (LeakSanitizer cannot run under ptrace: the ASan build skips it here)
ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" KBGEN_TRACE=1 \
	strace -f -qq -e trace=fsync,fdatasync,sync_file_range,syncfs \
	-o "$TMP/sync.trace" "$kbgen" build --root "$site" --out "$out" \
	>"$TMP/sync.out" 2>&1
check_eq "body edit after a full build: exit 0" "$?" 0
check_contains "body edit after a full build: in place" "$(cat "$TMP/sync.out")" \
	"incremental: 1 of"
check_eq "body edit after a full build: no fsync" \
	"$(grep -c sync "$TMP/sync.trace")" 0

# A damaged cache is never trusted: the build is a full one.
for damage in truncate garbage empty magic; do
	case $damage in
	truncate) head -c 200 "$out/.kbgen/cache" >"$TMP/c" ;;
	garbage) head -c 5000 /dev/urandom >"$TMP/c" ;;
	empty) : >"$TMP/c" ;;
	magic) { printf 'KBCACHE1'; head -c 64 /dev/zero; printf '\377\377\377\377'; } >"$TMP/c" ;;
	esac
	cp "$TMP/c" "$out/.kbgen/cache"
	printf '\n%s。\n' "$damage" >>"$site/content/a/2.md"
	got=$(KBGEN_TRACE=1 "$kbgen" build --root "$site" --out "$out" 2>&1)
	check_eq "damaged cache ($damage): the build succeeds" "$?" 0
	check_contains "damaged cache ($damage): a full build" "$got" "no usable cache"
	"$kbgen" build --clean --root "$site" --out "$TMP/clean" 2>/dev/null
	same_site "damaged cache ($damage): equals a clean build" "$out" "$TMP/clean"
done

# An edit appends its article's record to the records file, which the
# others' records stay in; a records file that is not the one the cache
# names, or is cut short, is never trusted.
size_before=$(stat -c %s "$out/.kbgen/records")
printf '\n追記2。\n' >>"$site/content/a/3.md"
got=$(KBGEN_TRACE=1 "$kbgen" build --root "$site" --out "$out" 2>&1)
check_contains "records: an edit is incremental" "$got" "incremental: 1 of"
size_after=$(stat -c %s "$out/.kbgen/records")
if [ "$size_after" -gt "$size_before" ]; then pass "records: an edit appends"
else fail "records: an edit appends" "$size_before -> $size_after bytes"; fi
"$kbgen" build --clean --root "$site" --out "$TMP/clean" 2>/dev/null
same_site "records: after an append, equals a clean build" "$out" "$TMP/clean"
for damage in other truncate missing; do
	case $damage in
	other) cp "$TMP/clean/.kbgen/records" "$out/.kbgen/records" ;;
	truncate) head -c 100 "$TMP/clean/.kbgen/records" >"$out/.kbgen/records" ;;
	missing) rm "$out/.kbgen/records" ;;
	esac
	printf '\n%s。\n' "$damage" >>"$site/content/a/3.md"
	got=$(KBGEN_TRACE=1 "$kbgen" build --root "$site" --out "$out" 2>&1)
	check_eq "damaged records ($damage): the build succeeds" "$?" 0
	check_contains "damaged records ($damage): a full build" "$got" "no usable cache"
	"$kbgen" build --clean --root "$site" --out "$TMP/clean" 2>/dev/null
	same_site "damaged records ($damage): equals a clean build" "$out" "$TMP/clean"
done
# The new cache is written while kb.db is updated and renamed into place
# only after it: nothing temporary stays behind, and when kb.db cannot be
# updated (not a database any more) the prepared cache is thrown away and
# the build goes on in full.
check_eq "cache: no temporary file left" \
	"$(find "$out/.kbgen" -name 'cache.tmp-*' | wc -l)" 0
printf 'not a database at all' >"$out/kb.db"
printf '\n追記3。\n' >>"$site/content/a/3.md"
got=$(KBGEN_TRACE=1 "$kbgen" build --root "$site" --out "$out" 2>&1)
check_eq "kb.db not a database: the build succeeds" "$?" 0
check_contains "kb.db not a database: a full build after all" "$got" "full build after all"
check_eq "kb.db not a database: no temporary cache file left" \
	"$(find "$out/.kbgen" -name 'cache.tmp-*' | wc -l)" 0
"$kbgen" build --clean --root "$site" --out "$TMP/clean" 2>/dev/null
same_site "kb.db not a database: equals a clean build" "$out" "$TMP/clean"
# Many edits: the records file is written afresh once most of it is
# records no longer listed, and stays usable.
cp "$site/content/a/1.md" "$TMP/1.md"
long=$(head -c 2000 /dev/zero | tr '\0' 'x')
for n in $(seq 1 40); do
	{ cat "$TMP/1.md"; printf '\n## %s%s\n' "$long" "$n"; } >"$site/content/a/1.md"
	"$kbgen" build --root "$site" --out "$out" 2>/dev/null || break
done
size_after=$(stat -c %s "$out/.kbgen/records")
if [ "$size_after" -lt 120000 ]; then pass "records: written afresh when mostly unused"
else fail "records: written afresh when mostly unused" "$size_after bytes"; fi
sleep 2.1
"$kbgen" build --root "$site" --out "$out" 2>/dev/null
got=$(KBGEN_TRACE=1 "$kbgen" build --root "$site" --out "$out" 2>&1)
check_contains "records: after being written afresh, nothing to do" "$got" "up to date"
"$kbgen" build --clean --root "$site" --out "$TMP/clean" 2>/dev/null
same_site "records: after many edits, equals a clean build" "$out" "$TMP/clean"

# A ref shortcode is a link to the build: an edit of its target reaches
# the unchanged article holding it (its href, the check of its anchor).
refsite="$TMP/refsite"
make_site "$refsite"
mkdir -p "$refsite/content/a"
printf -- '---\ntitle: 参照元\n---\n\n[先]({{< ref "2.md#手順" >}})と[根から]({{< relref "/a/2" >}})\n' \
	>"$refsite/content/a/1.md"
printf -- '---\ntitle: 参照先\n---\n\n## 手順\n\n本文\n' >"$refsite/content/a/2.md"
touch -d '-1 hour' "$refsite"/content/a/*.md
sleep 2.1
"$kbgen" build --root "$refsite" --out "$TMP/refout" 2>"$TMP/ref.err"
check_eq "ref: first build: exit 0" "$?" 0
check_contains "ref: the page's URL" "$(cat "$TMP/refout/a/1/index.html")" \
	'<a href="/a/2/#%E6%89%8B%E9%A0%86">先</a>と<a href="/a/2/">根から</a>'
printf -- '---\ntitle: 参照先\nslug: moved\n---\n\n## 手順\n\n本文\n' >"$refsite/content/a/2.md"
got=$(KBGEN_TRACE=1 "$kbgen" build --root "$refsite" --out "$TMP/refout" 2>&1)
check_eq "ref: target's slug changed: exit 0" "$?" 0
check_contains "ref: target's slug changed: incremental" "$got" "incremental:"
check_contains "ref: target's slug changed: the new URL" "$(cat "$TMP/refout/a/1/index.html")" \
	'<a href="/a/moved/#%E6%89%8B%E9%A0%86">先</a>と<a href="/a/moved/">根から</a>'
"$kbgen" build --clean --root "$refsite" --out "$TMP/refclean" 2>/dev/null
same_site "ref: target's slug changed: equals a clean build" "$TMP/refout" "$TMP/refclean"
printf -- '---\ntitle: 参照先\nslug: moved\n---\n\n## 別の見出し\n\n本文\n' >"$refsite/content/a/2.md"
got=$("$kbgen" build --root "$refsite" --out "$TMP/refout" 2>&1)
check_eq "ref: target's heading gone: exit 1" "$?" 1
check_eq "ref: target's heading gone: the error at the ref" "$got" \
"content/a/1.md:5:14: error: broken anchor: content/a/2.md has no heading '#手順'
kbgen: 1 error, 0 warnings; the output was left as it was"
rm "$refsite/content/a/2.md"
got=$("$kbgen" build --root "$refsite" --out "$TMP/refout" 2>&1)
check_eq "ref: target deleted: exit 1" "$?" 1
check_eq "ref: target deleted: both refs broken" "$got" \
"content/a/1.md:5:14: error: broken link: '2.md#手順' does not exist (resolved to content/a/2.md)
content/a/1.md:5:46: error: broken link: '../a/2.md' does not exist (resolved to content/a/2.md)
kbgen: 2 errors, 0 warnings; the output was left as it was"

# A failed incremental build leaves the output and its cache as they were.
cp -r "$out" "$TMP/before"
printf -- '---\ntitle: 記事1\ndate: 2026-02-30\n---\n本文\n' >"$site/content/a/1.md"
got=$("$kbgen" build --root "$site" --out "$out" 2>&1)
check_eq "broken edit: exit 1" "$?" 1
check_contains "broken edit: the message" "$got" "content/a/1.md:3:7: error:"
if diff -r "$TMP/before" "$out" >/dev/null; then pass "broken edit: output and cache untouched"
else fail "broken edit: output and cache untouched" "$(diff -r "$TMP/before" "$out" | head -c 400)"; fi

# Killed at each stop point of publishing (KBGEN_TEST_STOP, test-only:
# gen/build/publish.h) while many pages change, the next build still ends
# equal to a clean one (moves go through a journal).
big="$TMP/big"
make_site "$big"
python3 - "$big" <<'PY'
import os, sys
root = sys.argv[1]
for s in range(4):
    os.makedirs(f"{root}/content/s{s}", exist_ok=True)
    for n in range(100):
        with open(f"{root}/content/s{s}/p{n}.md", "w") as f:
            f.write(f"---\ntitle: 記事 {s}-{n}\ntags: [t{n % 7}, u{n % 3}]\ndate: 2026-01-{n % 28 + 1:02d}\n---\n\n本文 {n}。\n\n## 手順\n\n説明。\n")
PY
"$kbgen" build --root "$big" --out "$TMP/bigout" 2>/dev/null
killed_ok=0
for round in 1 2 3 4 5 6; do
	for f in "$big"/content/s$((round % 4))/p*.md; do
		sed -i "s/^title: .*/title: 改題 $round $(basename "$f")/" "$f"
	done
	set -- staged journaled published
	shift $(( round % 3 ))
	( KBGEN_TEST_STOP=$1 "$kbgen" build --root "$big" --out "$TMP/bigout"; exit $? ) 2>/dev/null
	check_eq "killed build $round (at $1): killed there" "$?" 137
	"$kbgen" build --root "$big" --out "$TMP/bigout" 2>/dev/null
	check_eq "killed build $round (at $1): the next build succeeds" "$?" 0
	"$kbgen" build --clean --root "$big" --out "$TMP/bigclean" 2>/dev/null
	if diff -r -x .kbgen -x kb.db "$TMP/bigout" "$TMP/bigclean" >/dev/null &&
	   [ "$(sh tools/kbdb-dump.sh "$TMP/bigout/kb.db")" = \
	     "$(sh tools/kbdb-dump.sh "$TMP/bigclean/kb.db")" ]; then
		killed_ok=$((killed_ok + 1))
	fi
	for left in "$TMP"/bigout.staging-*; do
		[ -e "$left" ] && fail "killed build $round: the next build removes its staging folder" "$left"
	done
	[ -e "$TMP/bigout/.kbgen/journal" ] && fail "killed build $round: the next build completes the journal"
done
check_eq "killed builds: the next build equals a clean one (6 rounds)" "$killed_ok" 6
# What a killed build left in the cache folder (a temporary file named
# after its process) goes with the next build; a running build's stays.
gone=$(sh -c 'echo $$')
printf 'half a cache' >"$TMP/bigout/.kbgen/cache.tmp-$gone"
printf 'half a cache' >"$TMP/bigout/.kbgen/records.tmp-$gone"
printf 'in use' >"$TMP/bigout/.kbgen/cache.tmp-$$"
printf '\n追記。\n' >>"$big/content/s0/p1.md"
"$kbgen" build --root "$big" --out "$TMP/bigout" 2>/dev/null
check "leftovers of a killed build are deleted" \
	test ! -e "$TMP/bigout/.kbgen/cache.tmp-$gone" -a ! -e "$TMP/bigout/.kbgen/records.tmp-$gone"
check "a running build's temporary file stays" test -e "$TMP/bigout/.kbgen/cache.tmp-$$"
rm -f "$TMP/bigout/.kbgen/cache.tmp-$$"
finish
