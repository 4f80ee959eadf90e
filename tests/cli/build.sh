# The shipped knowledge base: builds clean, deterministically, atomically.
. tests/lib.sh

"$KBGEN" build --out "$TMP/a" 2>"$TMP/a.stderr"
check_eq "shipped site builds (exit 0)" "$?" 0
check_eq "shipped site: zero warnings" "$(cat "$TMP/a.stderr")" ""

for page in index.html 404.html delivery/index.html delivery/spam-folder/index.html \
	deliverability/spf/index.html deliverability/dkim/index.html \
	errors/permanent-error/index.html errors/unknown-error/index.html \
	tags/index.html search/index.html sitemap.xml feed.xml robots.txt static/style.css; do
	check_file "page $page" "$TMP/a/$page"
done

"$KBGEN" build --out "$TMP/b" 2>/dev/null
check "deterministic: two builds are byte-identical" diff -r "$TMP/a" "$TMP/b"

html=$(cat "$TMP/a/delivery/spam-folder/index.html")
check_contains "article: raw UTF-8, not numeric references" "$html" "迷惑メール"
check_not_contains "article: no numeric character references" "$html" "&#"
check_contains "article: breadcrumbs" "$html" '<nav class="wrap breadcrumbs"'
check_contains "article: table of contents" "$html" 'class="toc"'
check_contains "article: last updated" "$html" '<time datetime='
check_contains "article: heading permalink" "$html" 'class="anchor"'
check_contains "article: related articles" "$html" 'class="related"'
check_contains "article: .md link rewritten" "$(cat "$TMP/a/delivery/not-arriving/index.html")" 'href="/deliverability/spf/"'
check_contains "article: link into a decision tree node" "$(cat "$TMP/a/delivery/not-arriving/index.html")" 'href="/wizard/mail-not-arriving/delivery-error-shown/"'
check_not_contains "article: no .md hrefs left" "$(cat "$TMP/a"/*/*/index.html)" '.md"'
check_contains "sitemap lists articles" "$(cat "$TMP/a/sitemap.xml")" "<loc>http://127.0.0.1:8080/deliverability/dkim/</loc>"
check_contains "feed is Atom" "$(cat "$TMP/a/feed.xml")" '<feed xmlns="http://www.w3.org/2005/Atom"'
check_contains "robots points at the sitemap" "$(cat "$TMP/a/robots.txt")" "Sitemap: http://127.0.0.1:8080/sitemap.xml"
home=$(cat "$TMP/a/index.html")
check_contains "home: search box" "$home" 'role="search"'
check_contains "home: sections" "$home" 'id="kb-sections"'
check_contains "home: newest updates" "$home" 'id="kb-recent"'

# Every page a search engine may index (no robots noindex) has a meta
# description (Lighthouse's SEO asks it of the pages it samples).
undescribed=$(python3 - "$TMP/a" <<'PY'
import html.parser, pathlib, sys

class Head(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.noindex, self.description = False, None
    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = (attrs.get("name") or "").lower()
        if tag == "meta" and name == "robots" and "noindex" in (attrs.get("content") or ""):
            self.noindex = True
        elif tag == "meta" and name == "description":
            self.description = (attrs.get("content") or "").strip()

out = pathlib.Path(sys.argv[1])
pages = sorted(out.rglob("*.html"))
if not pages:
    print("no pages")
for page in pages:
    head = Head()
    head.feed(page.read_text(encoding="utf-8"))
    if not head.noindex and not head.description:
        print(page.relative_to(out))
PY
)
if [ -n "$undescribed" ]; then
	fail "shipped site: every indexable page has a meta description" "$(printf '%s ' $undescribed | head -c 600)"
else
	pass "shipped site: every indexable page has a meta description"
fi

check_contains "tag page: described" "$(cat "$TMP/a/tags/dkim/index.html")" '<meta name="description" content="このタグが付いた記事の一覧です: DKIM">'
check_contains "404 page: noindex" "$(cat "$TMP/a/404.html")" '<meta name="robots" content="noindex">'

# drafts are left out unless --drafts
site="$TMP/drafts"
make_site "$site"
mkdir -p "$site/content/docs"
printf -- '---\ntitle: 下書き\ndraft: true\n---\n本文\n' > "$site/content/docs/draft.md"
printf -- '---\ntitle: 公開\n---\n本文\n' > "$site/content/docs/public.md"
"$KBGEN" build --root "$site" --out "$site/out" 2>/dev/null
check_eq "draft skipped" "$(ls "$site/out/docs" | tr '\n' ' ')" "index.html public "
"$KBGEN" build --root "$site" --out "$site/out" --drafts 2>/dev/null
check_eq "draft kept with --drafts" "$(ls "$site/out/docs" | tr '\n' ' ')" "draft index.html public "

# aliases become redirect pages
printf -- '---\ntitle: 移動した記事\naliases: [/old/page/]\n---\n本文\n' > "$site/content/docs/moved.md"
"$KBGEN" build --root "$site" --out "$site/out" 2>/dev/null
check_contains "alias redirect page" "$(cat "$site/out/old/page/index.html")" 'content="0; url=/docs/moved/"'

# an interrupted build leaves the published site whole, the old one or the
# new one. KBGEN_TEST_STOP (for tests only: gen/build/publish.h) makes the
# build kill itself (SIGKILL) at a point of publishing: "staged" (all
# written beside the output, nothing published), "journaled" (an
# incremental build's journal written, nothing moved yet), "published"
# (the new site in place, before a full build removes the old one or an
# incremental build clears its journal). A full build (--clean here)
# publishes with one rename, an incremental one through its journal. The
# build cache (.kbgen) is the build's own and left out of the sums.
big="$TMP/big"
make_site "$big"
for s in 1 2 3 4; do
	mkdir -p "$big/content/s$s"
	i=0
	while [ $i -lt 400 ]; do
		printf -- '---\ntitle: 記事 %s-%s\ntags: [a, b]\n---\n## 見出し\n\n本文 %s\n' $s $i $i > "$big/content/s$s/a$i.md"
		i=$((i + 1))
	done
done
"$KBGEN" build --root "$big" --out "$big/out" 2>/dev/null
site_sum() { (cd "$1" && find . -path ./.kbgen -prune -o -type f -print | sort | xargs sha256sum | sha256sum); }
pages_sum() { (cd "$1" && find . -path ./.kbgen -prune -o -type f ! -name kb.db -print | sort | xargs sha256sum | sha256sum); }
# same_as_clean WHAT — the output's pages and kb.db rows are a clean build's.
same_as_clean() {
	rm -rf "$TMP/bigclean"
	"$KBGEN" build --clean --root "$big" --out "$TMP/bigclean" 2>/dev/null
	check_eq "$1: the pages of a clean build" \
		"$(pages_sum "$big/out" | cut -c1-16)" "$(pages_sum "$TMP/bigclean" | cut -c1-16)"
	check_eq "$1: kb.db holds a clean build's rows" \
		"$(sh tools/kbdb-dump.sh "$big/out/kb.db" | sha256sum)" \
		"$(sh tools/kbdb-dump.sh "$TMP/bigclean/kb.db" | sha256sum)"
}
journal="$big/out/.kbgen/journal"
for mode in --clean incremental; do
	for point in staged journaled published; do
		[ "$mode" = --clean ] && [ "$point" = journaled ] && continue
		at="killed at $point ($mode)"
		before=$(site_sum "$big/out")
		new="new-$point-${mode#--}"
		printf -- '---\ntitle: 追加 %s\n---\n本文\n' "$new" > "$big/content/s1/$new.md"
		flag=$mode; [ "$mode" = incremental ] && flag=
		( KBGEN_TEST_STOP=$point "$KBGEN" build $flag --root "$big" --out "$big/out"; exit $? ) 2>/dev/null
		check_eq "$at: the build was killed" "$?" 137
		case $point in
		staged)
			check_eq "$at: the old site is there whole" "$(site_sum "$big/out")" "$before"
			check "$at: no journal" test ! -e "$journal" ;;
		journaled)
			check_eq "$at: the old site is there whole" "$(site_sum "$big/out")" "$before"
			check "$at: the journal is kept" test -e "$journal" ;;
		published)
			same_as_clean "$at"
			if [ "$mode" = incremental ]; then
				check "$at: the journal is kept" test -e "$journal"
			else
				check "$at: no journal" test ! -e "$journal"
			fi ;;
		esac
		"$KBGEN" build --root "$big" --out "$big/out" 2>/dev/null
		check_eq "$at: the next build succeeds" "$?" 0
		check "$at: the next build completes the journal" test ! -e "$journal"
		check "$at: the next build publishes the new article" \
			test -e "$big/out/s1/$new/index.html"
	done
done
same_as_clean "after interrupted builds"
"$KBGEN" build --root "$big" --out "$big/out" 2>/dev/null
check_eq "next build removes the dead build's staging folder" "$(ls -d "$big"/out.staging-* 2>/dev/null)" ""
finish
