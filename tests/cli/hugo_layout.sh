# A content folder laid out as Hugo's (tests/hugo-layout/): the home
# page's _index.md, a page and a leaf bundle of content/ itself, sections
# nested to any depth (a folder with _index.md), a folder without one
# (its articles its enclosing section's), leaf bundles at depth with
# their images, a section's _index.md body with an image (a branch
# bundle). The pages, breadcrumbs, lists, navigation, sitemap and search
# that follow; then the mistakes such a layout allows.
. tests/lib.sh

site="$TMP/hugo"
rm -rf "$site"
make_site "$site"
cp -r tests/hugo-layout/content/. "$site/content/"
out="$site/out"
"$KBGEN" build --root "$site" --out "$out" 2>"$TMP/build.err"
check_eq "builds: exit 0" "$?" 0
check_eq "builds: no diagnostics" "$(cat "$TMP/build.err")" ""
check_eq "the pages and files" \
	"$(cd "$out" && find . -type f \( -name index.html -o -name '*.png' \) ! -path './static/*' | sort)" \
"./about/index.html
./about/logo.png
./contact/index.html
./guide/index.html
./guide/intro/index.html
./guide/mail/bundle/index.html
./guide/mail/bundle/shot.png
./guide/mail/deep/index.html
./guide/mail/index.html
./guide/mail/map.png
./guide/mail/setup/step/index.html
./guide/plain/one/index.html
./guide/spf/index.html
./guide/spf/write/index.html
./guide/upper/case-name/index.html
./index.html
./records/index.html
./search/index.html
./tags/index.html"
for image in about/logo.png guide/mail/map.png guide/mail/bundle/shot.png; do
	check "$image: the writer's bytes" cmp "$site/content/$image" "$out/$image"
done

# main PAGE — the page's <main>, on one line (main_of FILE: any file's)
main_of() { tr -d '\n' < "$1" | sed 's|.*<main[^>]*>||; s|</main>.*||'; }
main() { main_of "$out/$1"; }
# crumbs PAGE — the breadcrumb trail: "href text" per line
crumbs() {
	tr -d '\n' < "$out/$1" | grep -o '<nav class="wrap breadcrumbs".*</nav>' |
		grep -o '<li[^>]*>[^<]*\(<a href="[^"]*">[^<]*</a>\)\?' |
		sed 's|<li aria-current="page">|(here) |; s|<li><a href="\([^"]*\)">\(.*\)</a>|\1 \2|'
}
check_contains "paths lower-cased as Hugo's: links to it, root-relative and relative" \
	"$(main guide/intro/index.html)" \
	'<a href="/guide/upper/case-name/">大文字</a> <a href="/guide/upper/case-name/">同じ</a>'
check_eq "breadcrumbs: a folder without _index.md is no step" \
	"$(crumbs guide/mail/setup/step/index.html)" \
"/ ホーム
/guide/ ガイド
/guide/mail/ メールの設定
(here) 設定の手順"
check_eq "breadcrumbs: a nested section's page" \
	"$(crumbs guide/spf/index.html)" \
"/ ホーム
/guide/ ガイド
(here) SPF"
check_eq "breadcrumbs: a page of content/ itself" \
	"$(crumbs contact/index.html)" \
"/ ホーム
(here) 連絡先"
check_eq "a section lists its articles (those of folders without _index.md too), then its sections, by weight" \
	"$(main guide/index.html | grep -o '<a href="[^"]*">[^<]*</a>')" \
'<a href="/guide/intro/">はじめに</a>
<a href="/guide/upper/case-name/">大文字の名前</a>
<a href="/guide/plain/one/">普通の記事</a>
<a href="/guide/mail/">メールの設定</a>
<a href="/guide/spf/">SPF</a>'
check_contains "a section's _index.md body, its link and image made the site's" \
	"$(main guide/mail/index.html)" \
	'<div class="section-body"><p>この分類は<a href="/guide/mail/deep/">深い記事</a>から。<img src="/guide/mail/map.png" alt="図" width="5" height="2" loading="lazy"></p><h2 id="概要">'
check_contains "a section page with a body: its articles under a heading of their own" \
	"$(main guide/mail/index.html)" \
	'<section class="article-list" aria-labelledby="kb-articles"><h2 id="kb-articles">このカテゴリの記事</h2><ul class="card-list"><li><a href="/guide/mail/bundle/">'
check_not_contains "a section page without a body: no such heading" \
	"$(main guide/index.html)" 'kb-articles'
check_contains "the home page: _index.md's title" "$(main index.html)" '<h1>サポートへようこそ</h1><p class="lead">ホームの説明文</p>'
check_contains "the home page: _index.md's body" "$(main index.html)" \
	'<div class="section-body"><p>まず<a href="/contact/">連絡先</a>をご覧ください。</p></div>'
check_eq "the home page lists the top sections only" \
	"$(main index.html | grep -o '<section class="section-list".*</section><section class="recent"' | grep -o '<a href="[^"]*">')" \
	'<a href="/guide/">'
check_eq "the navigation: home and the top sections" \
	"$(tr -d '\n' < "$out/guide/intro/index.html" | sed 's|.*<nav class="wrap site-nav"||; s|</nav>.*||' | grep -o 'href="[^"]*"')" \
'href="/"
href="/guide/"'
check_contains "the sitemap: nested sections and their articles" \
	"$(cat "$out/sitemap.xml")" "<loc>http://127.0.0.1:8080/guide/mail/setup/step/</loc>"
check_contains "the sitemap: a nested section's page" \
	"$(cat "$out/sitemap.xml")" "<loc>http://127.0.0.1:8080/guide/spf/</loc>"
check_contains "search finds a nested article at its URL" \
	"$("$KBGEN" search --db "$out/kb.db" 分類の中の記事)" "/guide/spf/write/"
check_contains "search finds a page of content/ itself" \
	"$("$KBGEN" search --db "$out/kb.db" 問い合わせの方法)" "/contact/"

vnu=tests/browser/node_modules/vnu-jar/build/dist/vnu.jar
if [ -f "$vnu" ] && command -v java >/dev/null; then
	check "the Nu checker finds no error in the new kinds of page" \
		java -jar "$vnu" --errors-only "$out/index.html" "$out/guide/index.html" \
		"$out/guide/mail/index.html" "$out/guide/mail/setup/step/index.html" \
		"$out/contact/index.html"
else
	fail "the Nu checker" "missing $vnu or java (make test-deps installs them)"
fi

# An incremental build after a nested section's title changes: the
# articles under it show the new trail, as a clean build does.
sed -i 's/^title: メールの設定/title: メール設定の分類/' "$site/content/guide/mail/_index.md"
"$KBGEN" build --root "$site" --out "$out" 2>/dev/null
check_eq "renamed section: exit 0" "$?" 0
check_contains "renamed section: the trail of an article two folders down" \
	"$(crumbs guide/mail/setup/step/index.html)" "/guide/mail/ メール設定の分類"
"$KBGEN" build --clean --root "$site" --out "$TMP/clean" 2>/dev/null
check "renamed section: equals a clean build" diff -r -x .kbgen -x kb.db "$out" "$TMP/clean"

# An alias that is the page's own (lower-cased) URL writes no redirect
# and claims nothing twice.
printf -- '---\ntitle: 大文字の名前\ndescription: 大文字のファイル名\naliases: [/guide/upper/case-name, /old/Case-Name/]\n---\n\n本文。\n' > "$site/content/guide/Upper/Case-Name.md"
got=$("$KBGEN" build --root "$site" --out "$out" 2>&1)
check_eq "an alias of the page's own URL: builds" "$?" 0
check_eq "an alias of the page's own URL: no diagnostics" "$got" ""
check_not_contains "an alias of the page's own URL: the page, not a redirect" \
	"$(cat "$out/guide/upper/case-name/index.html")" 'http-equiv="refresh"'
check_contains "the other alias redirects" \
	"$(cat "$out/old/Case-Name/index.html")" 'url=/guide/upper/case-name/'
cp tests/hugo-layout/content/guide/Upper/Case-Name.md "$site/content/guide/Upper/Case-Name.md"
"$KBGEN" build --root "$site" --out "$out" 2>/dev/null

# A decision tree names articles by content path: a nested one, and a
# leaf bundle by its folder.
cat > "$site/decision-trees/nested.yaml" <<'YAML'
tree: nested
title: 入れ子の記事へ
description: 入れ子の記事を案内します。
start: q
nodes:
  q:
    type: question
    title: どちらですか?
    options:
      - {id: a, label: 深い記事, next: deep}
      - {id: b, label: 図, next: bundle}
  deep:
    type: outcome
    result: resolved
    title: 深い記事を読んでください
    articles: [guide/mail/deep]
  bundle:
    type: outcome
    result: resolved
    title: 図のある記事を読んでください
    articles: [guide/mail/bundle]
tests:
  - {path: [q=a], expect: deep}
  - {path: [q=b], expect: bundle}
YAML
got=$("$KBGEN" build --root "$site" --out "$out" 2>&1)
check_eq "a tree naming nested articles and a bundle: builds" "$?" 0
check_eq "a tree naming nested articles and a bundle: no diagnostics" "$got" ""
check_contains "the outcome links the nested article" \
	"$(cat "$out/wizard/nested/deep/index.html")" 'href="/guide/mail/deep/"'
check_contains "the outcome links the bundle" \
	"$(cat "$out/wizard/nested/bundle/index.html")" 'href="/guide/mail/bundle/"'
rm "$site/decision-trees/nested.yaml"
"$KBGEN" build --root "$site" --out "$out" 2>/dev/null

# Hugo's cascade: a folder of snippets made headless from its _index.md
# (no page for it or below it, no title needed), tags given to a
# section's pages (a page's own win), a nearer cascade over a farther one
mkdir -p "$site/content/_common/deeper"
printf -- '---\ncascade:\n  _build:\n    render: never\n    list: never\n---\n' > "$site/content/_common/_index.md"
printf -- '---\nweight: 1\n---\n\n使い回す文。\n' > "$site/content/_common/snippet.md"
printf -- '---\ntitle: 下の段\n---\n' > "$site/content/_common/deeper/_index.md"
printf -- '本文だけ。\n' > "$site/content/_common/deeper/bare.md"
cp "$site/content/guide/_index.md" "$TMP/guide-index.keep"
printf -- '---\ntitle: ガイド\ndescription: 設定のガイド\nweight: 1\ncascade:\n  tags: [ガイド]\n  draft: false\n---\n' > "$site/content/guide/_index.md"
cp "$site/content/guide/spf/_index.md" "$TMP/spf-index.keep"
printf -- '---\ntitle: SPF\ndescription: 三段目の分類\nweight: 2\ncascade:\n  - tags: [SPF]\n---\n' > "$site/content/guide/spf/_index.md"
printf -- '---\ntitle: 自分のタグ\ntags: [自前]\n---\n\n本文。\n' > "$site/content/guide/own.md"
got=$("$KBGEN" build --root "$site" --out "$out" 2>&1)
check_eq "cascade: builds" "$?" 0
check_eq "cascade: no diagnostics (untitled pages that are never published need no title)" "$got" ""
check "cascade: no page for the headless section" test ! -e "$out/_common"
check_not_contains "cascade: the headless section is in no list" "$(cat "$out/index.html" "$out/sitemap.xml")" "_common"
check_not_contains "cascade: its pages are not searched" "$("$KBGEN" search --db "$out/kb.db" 使い回す文 2>&1)" "_common"
check_eq "cascade: a section's pages take its tags" \
	"$(grep -o 'href="/tags/[^"]*"' "$out/guide/intro/index.html" | sort -u)" 'href="/tags/%E3%82%AC%E3%82%A4%E3%83%89/"'
check_eq "cascade: a page's own tags win" \
	"$(grep -o 'href="/tags/[^"]*"' "$out/guide/own/index.html" | sort -u)" 'href="/tags/%E8%87%AA%E5%89%8D/"'
check_eq "cascade: a nearer cascade (a list of them) wins over a farther one" \
	"$(grep -o 'href="/tags/[^"]*"' "$out/guide/spf/write/index.html" | sort -u)" 'href="/tags/spf/"'
"$KBGEN" build --clean --root "$site" --out "$TMP/clean-cascade" 2>/dev/null
check "cascade: an incremental build equals a clean one" diff -r -x .kbgen -x kb.db "$out" "$TMP/clean-cascade"

# what a cascade cannot do is said; a page that is published needs its
# title; a section's _index.md without one takes its folder's name
printf -- '---\ncascade:\n  _target:\n    path: /guide/**\n  draft: true\n---\n' > "$site/content/_common/_index.md"
printf -- '---\ntitle: ガイド\ncascade:\n  title: 全部同じ\n  tags: [ガイド]\n---\n' > "$site/content/guide/_index.md"
printf -- '---\nweight: 1\n---\n\n本文。\n' > "$site/content/guide/untitled.md"
printf -- '---\ndescription: 題のない分類\n---\n' > "$site/content/guide/spf/_index.md"
got=$("$KBGEN" build --root "$site" --out "$TMP/cascade-bad" 2>&1)
check_eq "cascade mistakes: exit 1 (the untitled page)" "$?" 1
check_eq "cascade mistakes: said" "$got" \
"content/_common/_index.md:3:3: warning: a cascade with a _target is not applied: kbgen cascades to every page below
content/_common/deeper/bare.md:1:1: warning: no front matter and no heading: the title is the file name, 'bare'
content/_common/snippet.md:2:1: error: missing 'title' in front matter
content/guide/_index.md:4:3: warning: 'title' in cascade is not applied: kbgen cascades draft, _build, tags, categories, keywords, publishDate and expiryDate
content/guide/untitled.md:2:1: error: missing 'title' in front matter
kbgen: 2 errors, 3 warnings; the output was left as it was"
rm "$site/content/guide/untitled.md" "$site/content/_common/snippet.md"
"$KBGEN" build --root "$site" --out "$TMP/cascade-bad" 2>/dev/null
check_contains "an _index.md without a title: the folder's name" \
	"$(main_of "$TMP/cascade-bad/guide/spf/index.html")" '<h1>spf</h1>'
rm -r "$site/content/_common" "$site/content/guide/own.md"
cp "$TMP/guide-index.keep" "$site/content/guide/_index.md"
cp "$TMP/spf-index.keep" "$site/content/guide/spf/_index.md"
"$KBGEN" build --root "$site" --out "$out" 2>/dev/null

# ---- mistakes ----
sum() { (cd "$out" && find . -path ./.kbgen -prune -o -type f -print | sort | xargs sha256sum | sha256sum); }
before=$(sum)

# a broken link and a broken image in a section's _index.md
cp "$site/content/guide/mail/_index.md" "$TMP/index.keep"
printf -- '---\ntitle: メールの設定\n---\n\n[ない](missing.md) と ![ない図](gone.png)\n' > "$site/content/guide/mail/_index.md"
got=$("$KBGEN" build --root "$site" --out "$out" 2>&1)
check_eq "broken link in _index.md: exit 1" "$?" 1
check_eq "broken link in _index.md: located" "$got" \
"content/guide/mail/_index.md:5:6: error: broken link: 'missing.md' does not exist (resolved to content/guide/mail/missing.md)
content/guide/mail/_index.md:5:27: error: missing file: 'gone.png' does not exist (resolved to content/guide/mail/gone.png)
kbgen: 2 errors, 0 warnings; the output was left as it was"
check_eq "broken link in _index.md: the published site untouched" "$(sum)" "$before"
cp "$TMP/index.keep" "$site/content/guide/mail/_index.md"

# an article and a nested section claiming one URL
printf -- '---\ntitle: 同じURL\n---\n\n本文。\n' > "$site/content/guide/spf.md"
got=$("$KBGEN" build --root "$site" --out "$out" 2>&1)
check_eq "an article at a section's URL: exit 1" "$?" 1
check_eq "an article at a section's URL: said" "$got" \
"content/guide/spf.md:1:1: error: URL /guide/spf/ is already used by (section page)
kbgen: 1 error, 0 warnings; the output was left as it was"
check_eq "an article at a section's URL: the published site untouched" "$(sum)" "$before"
rm "$site/content/guide/spf.md"

# a page of content/ itself at a URL the build makes
printf -- '---\ntitle: 検索\n---\n\n本文。\n' > "$site/content/search.md"
got=$("$KBGEN" build --root "$site" --out "$out" 2>&1)
check_eq "a page at /search/: exit 1" "$?" 1
check_eq "a page at /search/: said" "$got" \
"content/search.md:1:1: error: URL /search/ is already used by (generated pages)
kbgen: 1 error, 0 warnings; the output was left as it was"
rm "$site/content/search.md"

# a Markdown file inside a leaf bundle is one of its resources, as in
# Hugo: not a page, and said
printf -- '---\ntitle: 迷子\n---\n\n本文。\n' > "$site/content/guide/mail/bundle/stray.md"
got=$("$KBGEN" build --root "$site" --out "$out" 2>&1)
check_eq "a .md inside a leaf bundle: exit 0 (a warning)" "$?" 0
check_eq "a .md inside a leaf bundle: said" "$got" \
"content/guide/mail/bundle/stray.md:1:1: warning: not published: it is inside the leaf bundle content/guide/mail/bundle/ (a folder with an index.md); to make that folder a section, rename its index.md to _index.md"
check "a .md inside a leaf bundle: no page" test ! -e "$out/guide/mail/bundle/stray"
rm "$site/content/guide/mail/bundle/stray.md"

# a folder linked into itself is read once, and the build ends
ln -s .. "$site/content/guide/mail/setup/loop"
got=$(timeout 60 "$KBGEN" build --root "$site" --out "$out" 2>&1)
check_eq "a folder linked into itself: exit 0" "$?" 0
check "a folder linked into itself: no page through the link" test ! -e "$out/guide/mail/setup/loop"
rm "$site/content/guide/mail/setup/loop"

# more folders than the process may hold descriptors: each is read, and
# none of their articles is lost
many="$TMP/many"
rm -rf "$many"
make_site "$many"
for i in $(seq 1 1000); do
	mkdir -p "$many/content/docs/f$i"
	printf -- '---\ntitle: 記事 %s\n---\n\n本文。\n' "$i" > "$many/content/docs/f$i/a.md"
done
got=$( (ulimit -n 64 && "$KBGEN" build --root "$many" --out "$many/out") 2>&1)
check_eq "1,000 folders under 64 descriptors: exit 0" "$?" 0
check_eq "1,000 folders under 64 descriptors: no diagnostics" "$got" ""
check_eq "1,000 folders under 64 descriptors: every article published" \
	"$(find "$many/out/docs" -mindepth 3 -name index.html | wc -l)" 1000

# folders deeper than kbgen reads are said, not silently dropped
deep="$site/content/guide"
for i in $(seq 1 33); do deep="$deep/d"; done
mkdir -p "$deep"
printf -- '---\ntitle: 深すぎる\n---\n\n本文。\n' > "$deep/x.md"
got=$("$KBGEN" build --root "$site" --out "$out" 2>&1)
check_eq "too deep: exit 0 (a warning)" "$?" 0
check_eq "too deep: said" "$got" \
"content:1:1: warning: 1 folder more than 32 levels deep not read"
rm -r "$site/content/guide/d"
finish
