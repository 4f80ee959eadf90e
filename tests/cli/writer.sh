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

# A message about a whole folder shows no line: the content folder,
# whose files are mostly dropped.
copy_fixture cascade-bad-yaml
mkdir -p "$site/content/docs/deeper"
printf -- '---\ntitle: 壊れた\n---\n本文 \377\n' > "$site/content/docs/deeper/lost.md"
(cd "$site" && "$kbgen" check --excerpt) 2>"$TMP/folder.stderr"
check_eq "a message about a folder: no excerpt" \
	"$(grep -a -A1 'Markdown files read' "$TMP/folder.stderr")" \
	"content:1:1: error: 3 Markdown files read, 1 published, 0 left out on purpose, 2 dropped; most (1) because their front matter has errors
content/docs/deeper/lost.md:4:4: error: not valid UTF-8 text (byte 0xff at offset 32)"

# ---- images and attachments beside an article --------------------------

# Every format's dimensions, a subfolder, a name to percent-encode, an
# attachment, a page bundle with its own files; the files published next
# to their pages, byte for byte, and nothing else.
site="$TMP/images"
rm -rf "$site"
make_site "$site"
mkdir -p "$site/content/docs/images" "$site/content/docs/guide"
python3 tests/images/make.py "$site/content/docs"
cp "$site/content/docs/red.png" "$site/content/docs/images/図 1.png"
cp "$site/content/docs/sized.svg" "$site/content/docs/guide/flow.svg"
printf -- '---\ntitle: 画像\ndescription: 各形式の画像です。\n---\n## 図\n\n%s\n\n%s\n\n%s\n\n[図の記事](guide/index.md)\n' \
	'![PNG](red.png) ![GIF](./dot.gif) ![JPEG](photo.jpg) ![VP8](lossy.webp) ![VP8L](lossless.webp) ![VP8X](extended.webp)' \
	'![SVG](sized.svg) ![viewBox](viewbox.svg) ![相対](relative.svg) ![図](images/図%201.png) ![もう一度](red.png)' \
	'[メモ](notes.txt)' > "$site/content/docs/a.md"
printf -- '---\ntitle: 図の記事\ndescription: 流れ図です。\n---\n## 流れ\n\n![流れ](flow.svg)\n\n[画像](../a.md)\n' \
	> "$site/content/docs/guide/index.md"
"$KBGEN" build --root "$site" --out "$site/out" 2>"$TMP/images.stderr"
check_eq "images: the build succeeds, silently" "$?:$(cat "$TMP/images.stderr")" "0:"
check_eq "images: each <img> with its size from the file, lazy" \
	"$(grep -o '<img[^>]*>' "$site/out/docs/a/index.html")" \
'<img src="/docs/a/red.png" alt="PNG" width="3" height="2" loading="lazy">
<img src="/docs/a/dot.gif" alt="GIF" width="5" height="7" loading="lazy">
<img src="/docs/a/photo.jpg" alt="JPEG" width="640" height="480" loading="lazy">
<img src="/docs/a/lossy.webp" alt="VP8" width="33" height="17" loading="lazy">
<img src="/docs/a/lossless.webp" alt="VP8L" width="100" height="50" loading="lazy">
<img src="/docs/a/extended.webp" alt="VP8X" width="1920" height="1080" loading="lazy">
<img src="/docs/a/sized.svg" alt="SVG" width="240" height="120" loading="lazy">
<img src="/docs/a/viewbox.svg" alt="viewBox" width="320" height="180" loading="lazy">
<img src="/docs/a/relative.svg" alt="相対" loading="lazy">
<img src="/docs/a/images/%E5%9B%B3%201.png" alt="図" width="3" height="2" loading="lazy">
<img src="/docs/a/red.png" alt="もう一度" width="3" height="2" loading="lazy">'
check_contains "images: an attachment links next to the page" \
	"$(cat "$site/out/docs/a/index.html")" '<a href="/docs/a/notes.txt">メモ</a>'
check_eq "images: a page bundle's image" \
	"$(grep -o '<img[^>]*>' "$site/out/docs/guide/index.html")" \
	'<img src="/docs/guide/flow.svg" alt="流れ" width="240" height="120" loading="lazy">'
check_contains "images: a link to a bundle goes to its page" \
	"$(cat "$site/out/docs/a/index.html")" '<a href="/docs/guide/">図の記事</a>'
check_eq "images: exactly the referenced files are published" \
	"$(cd "$site/out/docs" && find . -type f ! -name index.html | sort)" \
"./a/dot.gif
./a/extended.webp
./a/images/図 1.png
./a/lossless.webp
./a/lossy.webp
./a/notes.txt
./a/photo.jpg
./a/red.png
./a/relative.svg
./a/sized.svg
./a/viewbox.svg
./guide/flow.svg"
same=1
for file in red.png dot.gif photo.jpg lossy.webp notes.txt; do
	cmp -s "$site/content/docs/$file" "$site/out/docs/a/$file" || same=0
done
cmp -s "$site/content/docs/guide/flow.svg" "$site/out/docs/guide/flow.svg" || same=0
check_eq "images: published byte for byte" "$same" 1
check_eq "images: kbgen check warns of nothing referenced" \
	"$("$KBGEN" check --root "$site" 2>&1 | grep -c 'no article references')" 0

# Incremental builds know them: a new reference copies the file, a
# redrawn image changes its page's size, an unreferenced one leaves the
# output; each time equal to a clean build.
same_as_clean() { # WHAT
	rm -rf "$site/clean"
	"$KBGEN" build --root "$site" --out "$site/clean" --clean 2>/dev/null
	if diff -r -x .kbgen -x kb.db -x clean "$site/out" "$site/clean" >"$TMP/images.diff" 2>&1; then
		pass "$1: equal to a clean build"
	else
		fail "$1: equal to a clean build" "$(head -c 600 "$TMP/images.diff")"
	fi
}
printf '\n![GIF 2](dot.gif)\n' >> "$site/content/docs/guide/index.md"
cp "$site/content/docs/dot.gif" "$site/content/docs/guide/dot.gif"
"$KBGEN" build --root "$site" --out "$site/out" 2>/dev/null
check_file "incremental: a new image in a bundle is published" "$site/out/docs/guide/dot.gif"
same_as_clean "incremental: a new image in a bundle"
python3 -c 'import sys; sys.path.insert(0, "tests/images"); import make
open(sys.argv[1], "wb").write(make.png(30, 20))' "$site/content/docs/red.png"
"$KBGEN" build --root "$site" --out "$site/out" 2>/dev/null
check_contains "incremental: a redrawn image: the page has its new size" \
	"$(cat "$site/out/docs/a/index.html")" '<img src="/docs/a/red.png" alt="PNG" width="30" height="20" loading="lazy">'
check "incremental: the redrawn image is published" cmp -s "$site/content/docs/red.png" "$site/out/docs/a/red.png"
same_as_clean "incremental: a redrawn image"
sed -i 's/ !\[VP8X\](extended.webp)//' "$site/content/docs/a.md"
"$KBGEN" build --root "$site" --out "$site/out" 2>/dev/null
check_eq "incremental: an image no longer referenced leaves the output" \
	"$(ls "$site/out/docs/a/extended.webp" 2>/dev/null)" ""
same_as_clean "incremental: an image no longer referenced"
rm "$site/content/docs/dot.gif"
"$KBGEN" build --root "$site" --out "$site/out" 2>"$TMP/images-removed.stderr"
check_eq "incremental: a removed image is an error at its reference" \
	"$(cat "$TMP/images-removed.stderr")" \
"content/docs/a.md:7:24: error: missing file: './dot.gif' does not exist (resolved to content/docs/dot.gif)
kbgen: 1 error, 0 warnings; the output was left as it was"

# ---- lastmod from git -------------------------------------------------------

# site.yaml's git_info: an article without lastmod is dated by its file's
# last commit (the committer's date); a lastmod in the front matter wins;
# uncommitted edits and a commit that leaves the file alone keep its
# date; a new commit is a full build, and the result equals a clean one.
site="$TMP/git"
rm -rf "$site"
make_site "$site"
printf 'git_info: true\n' >> "$site/site.yaml"
mkdir -p "$site/content/docs"
printf -- '---\ntitle: 記事A\ndate: 2020-01-01\n---\n本文\n' > "$site/content/docs/a.md"
printf -- '---\ntitle: 記事B\nlastmod: 2021-05-05\n---\n本文\n' > "$site/content/docs/b.md"
"$KBGEN" build --root "$site" --out "$site/out" 2>"$TMP/git.stderr"
check_eq "git_info outside a work tree: a warning at the key, front matter dates" \
	"$(cat "$TMP/git.stderr") $(grep -o '<time datetime="[^"]*"' "$site/out/docs/a/index.html")" \
	"site.yaml:6:1: warning: git_info: git is not installed, or the site is not in a git work tree; articles are dated by their front matter <time datetime=\"2020-01-01\""
commit() { # DATE MESSAGE
	(cd "$site" && git add -A content site.yaml &&
	 GIT_AUTHOR_DATE="$1" GIT_COMMITTER_DATE="$1" git -c user.name=kbgen \
		-c user.email=kbgen@example.jp commit -q --allow-empty -m "$2")
}
dates() { # the date each page shows
	for page in a b; do
		printf '%s=%s ' "$page" "$(grep -o '<time datetime="[^"]*"' "$site/out/docs/$page/index.html" | head -1 | cut -d'"' -f2)"
	done
}
if command -v git >/dev/null; then
	(cd "$site" && git init -q) && commit 2024-03-04T10:00:00+09:00 first
	"$KBGEN" build --root "$site" --out "$site/out" 2>"$TMP/git.stderr"
	check_eq "git_info: dated by the last commit, unless lastmod" \
		"$(cat "$TMP/git.stderr")$(dates)" "a=2024-03-04 b=2021-05-05 "
	printf '追記\n' >> "$site/content/docs/a.md"
	"$KBGEN" build --root "$site" --out "$site/out" 2>/dev/null
	check_eq "git_info: an uncommitted edit keeps the date" "$(dates)" "a=2024-03-04 b=2021-05-05 "
	commit 2025-06-07T23:30:00-05:00 second
	"$KBGEN" build --root "$site" --out "$site/out" 2>/dev/null
	check_eq "git_info: the new commit's date (the committer's own day)" "$(dates)" "a=2025-06-07 b=2021-05-05 "
	commit 2025-08-08T10:00:00+09:00 empty
	"$KBGEN" build --root "$site" --out "$site/out" 2>/dev/null
	check_eq "git_info: a commit that leaves the file alone keeps its date" "$(dates)" "a=2025-06-07 b=2021-05-05 "
	rm -rf "$site/clean"
	"$KBGEN" build --root "$site" --out "$site/clean" --clean 2>/dev/null
	if diff -r -x .kbgen -x kb.db "$site/out" "$site/clean" >"$TMP/git.diff" 2>&1; then
		pass "git_info: incremental builds across commits equal a clean one"
	else
		fail "git_info: incremental builds across commits equal a clean one" "$(head -c 600 "$TMP/git.diff")"
	fi
	printf 'git_info: yes please\n' > "$site/site.yaml.new"
	sed '/^git_info:/d' "$site/site.yaml" >> "$site/site.yaml.new"
	mv "$site/site.yaml.new" "$site/site.yaml"
	check_eq "git_info must be true or false" \
		"$("$KBGEN" check --root "$site" 2>&1 | head -1)" \
		"site.yaml:1:11: error: 'git_info' must be true or false"
else
	fail "git installed" "tools/deps.sh installs it"
fi

finish
