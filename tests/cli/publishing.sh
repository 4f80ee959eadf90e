# Hugo's publishing keys in front matter, on a small site: url,
# linkTitle, summary, keywords, publishDate and expiryDate (with and
# without --future and --expired, beside draft and --drafts), headless
# and _build; the exact pages published and the exact diagnostics.
# KBGEN_NOW fixes the build's now (site.h, site_publish_now).
. tests/lib.sh

export KBGEN_NOW=2026-06-01T00:00:00Z

# write NAME FRONT-MATTER-LINES... — content/docs/NAME.md with a body
write() {
	local name=$1 line
	shift
	{
		echo ---
		for line in "$@"; do echo "$line"; done
		echo ---
		echo "本文 $name。"
	} >"$site/content/docs/$name.md"
}

# pages DIR — the pages a build published, one per line
pages() {
	(cd "$1" && find . -name index.html | sed 's|^\./||; s|/\?index\.html$||' | sort)
}

site="$TMP/site"
make_site "$site"
mkdir -p "$site/content/docs"
write good "title: 配信の長いタイトル" "linkTitle: 配信" "summary: 要約の文" \
	"keywords: [SPF, 迷惑メール対策]" "tags: [共通]"
write described "title: 説明あり" "description: 説明の文" "summary: 使われない要約" \
	"tags: [共通]"
write moved "title: 移した記事" "url: /guides/setup/"
write linker "title: リンク元" "tags: [共通]"
printf '[配信](good.md) [移動](moved.md)\n' >>"$site/content/docs/linker.md"
write future "title: 未来の記事" "publishDate: 2026-07-01T09:00:00+09:00"
write pubdate "title: pubdate の記事" "pubdate: 2026-05-01"
write expired "title: 期限切れの記事" "expiryDate: 2026-05-31T23:59:59Z"
write expiring "title: まだ期限内" "unpublishdate: 2027-01-01"
write draft "title: 下書き" "draft: true"
write headless "title: ヘッドレス" "headless: true"
write never "title: 描かない" "_build:" "  render: never"
write linkonly "title: リンクだけ" "build:" "  render: link" "  publishResources: false"
write unlisted "title: 一覧にない" "_build: {list: never}" "tags: [共通]"

out="$TMP/out"
"$KBGEN" build --root "$site" --out "$out" 2>"$TMP/default.err"
check_eq "default build: exit 0" "$?" 0
check_eq "default build: no diagnostics (left out on purpose, no warning)" \
	"$(cat "$TMP/default.err")" ""
check_eq "default build: the pages published" "$(pages "$out" | grep -v '^\(records\|search\|tags\)')" \
"
docs
docs/described
docs/expiring
docs/good
docs/linker
docs/pubdate
docs/unlisted
guides/setup"

good=$(cat "$out/docs/good/index.html")
list=$(cat "$out/docs/index.html")
check_contains "linkTitle: the section list" "$list" '<a href="/docs/good/">配信</a>'
check_not_contains "linkTitle: not the title in the list" "$list" '配信の長いタイトル'
check_contains "linkTitle: the breadcrumb" "$good" '<li aria-current="page">配信</li>'
check_contains "title: still in <h1>" "$good" '<h1>配信の長いタイトル</h1>'
check_contains "title: still in <title>" "$good" '<title>配信の長いタイトル | Test KB</title>'
check_contains "linkTitle: related articles" "$(cat "$out/docs/linker/index.html")" \
	'<a href="/docs/good/">配信</a>'
check_contains "linkTitle: the tag page" "$(cat "$out/tags/共通/index.html")" \
	'<a href="/docs/good/">配信</a>'
check_contains "summary: the list's description" "$list" '配信</a><p>要約の文</p>'
check_contains "summary: the meta description" "$good" '<meta name="description" content="要約の文"'
check_contains "summary: the feed" "$(cat "$out/feed.xml")" '<summary>要約の文</summary>'
check_contains "description: wins over summary in lists" "$list" '説明あり</a><p>説明の文</p>'
check_not_contains "description: summary unused" "$list" '使われない要約'
check_contains "keywords: <meta name=keywords>" "$good" '<meta name="keywords" content="SPF, 迷惑メール対策"'
check_not_contains "keywords: none, no meta" "$(cat "$out/docs/described/index.html")" 'name="keywords"'
found=$("$KBGEN" search --db "$out/kb.db" 迷惑メール対策)
check_eq "keywords: kbgen search finds the page by one" "$?" 0
check_eq "keywords: the page found" "$(printf '%s\n' "$found" | head -1)" "/docs/good/"
"$KBGEN" search --db "$out/kb.db" 未来の記事 >/dev/null 2>&1
check_eq "publishDate to come: not in the search index" "$?" 1
"$KBGEN" search --db "$out/kb.db" ヘッドレス >/dev/null 2>&1
check_eq "headless: not in the search index" "$?" 1
linker=$(cat "$out/docs/linker/index.html")
check_contains "url: a link to the page follows it" "$linker" 'href="/guides/setup/">移動</a>'
check_contains "url: the section list links it" "$list" '<a href="/guides/setup/">移した記事</a>'
sitemap=$(cat "$out/sitemap.xml")
check_contains "url: in the sitemap" "$sitemap" "/guides/setup/"
check_not_contains "url: not at its section path" "$sitemap" "/docs/moved/"
check_not_contains "publishDate to come: not in the sitemap" "$sitemap" "/docs/future/"
check_not_contains "headless: not in the sitemap" "$sitemap" "/docs/headless/"
check_not_contains "_build list never: not in the section list" "$list" "一覧にない"
check_not_contains "_build list never: not on the tag page" \
	"$(cat "$out/tags/共通/index.html")" "一覧にない"
check_not_contains "_build list never: not on the home page" "$(cat "$out/index.html")" "一覧にない"
check_not_contains "_build list never: not in the feed" "$(cat "$out/feed.xml")" "一覧にない"
check_not_contains "_build list never: not among related articles" "$linker" "一覧にない"
check_contains "_build list never: still in the sitemap" "$sitemap" "/docs/unlisted/"

# what each option publishes besides, with a clean build each
for options in --future --expired --drafts "--future --expired --drafts"; do
	rm -rf "$TMP/opt"
	# shellcheck disable=SC2086
	"$KBGEN" build --root "$site" --out "$TMP/opt" $options 2>"$TMP/opt.err"
	check_eq "$options: exit 0" "$?" 0
	check_eq "$options: no diagnostics" "$(cat "$TMP/opt.err")" ""
	want="docs/described docs/expiring docs/good docs/linker docs/pubdate docs/unlisted"
	case " $options " in *" --future "*) want="$want docs/future" ;; esac
	case " $options " in *" --expired "*) want="$want docs/expired" ;; esac
	case " $options " in *" --drafts "*) want="$want docs/draft" ;; esac
	check_eq "$options: the articles published" \
		"$(pages "$TMP/opt" | grep '^docs/' | tr '\n' ' ')" \
		"$(printf '%s\n' $want | sort | tr '\n' ' ')"
done
check_contains "usage: --future" "$("$KBGEN" help)" "--future     include articles whose publishDate"
check_contains "usage: --expired" "$("$KBGEN" help)" "--expired    include articles whose expiryDate"
check_contains "watch usage: --future" "$("$KBGEN" watch --help)" "--future"
"$KBGEN" check --root "$site" --future --expired --quiet >/dev/null 2>"$TMP/check.err"
check_eq "check takes --future and --expired" "$?" 0

# the same site a moment later, no file changed: the incremental build
# publishes what came due and drops what expired, as a clean one does
KBGEN_NOW=2027-01-01T00:00:00Z KBGEN_TRACE=1 "$KBGEN" build --root "$site" \
	--out "$out" >"$TMP/later.err" 2>&1
check_eq "later: exit 0" "$?" 0
check_contains "later: a full build, as a date has passed" "$(cat "$TMP/later.err")" \
	"full build: a publishDate or expiryDate has passed"
check_eq "later: the articles published" "$(pages "$out" | grep '^docs/' | tr '\n' ' ')" \
	"docs/described docs/future docs/good docs/linker docs/pubdate docs/unlisted "
KBGEN_NOW=2027-01-01T00:00:00Z "$KBGEN" build --root "$site" --out "$TMP/later-clean" --clean 2>/dev/null
check "later: the incremental build equals a clean one" \
	diff -r -x .kbgen -x kb.db "$out" "$TMP/later-clean"
KBGEN_NOW=2027-01-01T00:00:00Z KBGEN_TRACE=1 "$KBGEN" build --root "$site" \
	--out "$out" >"$TMP/again.err" 2>&1
check_not_contains "later, again: no full build (no date between)" \
	"$(cat "$TMP/again.err")" "full build"
check_contains "later, again: incremental" "$(cat "$TMP/again.err")" "incremental"

# mistakes, each at its line:col
bad="$TMP/bad"
make_site "$bad"
mkdir -p "$bad/content/docs"
site=$bad
write good "title: 良い記事"
write taken "title: 取った URL" "url: docs/good"
write dotted "title: 点" "url: /a/./b/"
write spaced "title: 空白" 'url: "/a b/"'
write words "title: 語" "keywords: SPF"
write when "title: いつ" "publishDate: 2026-13-01" "expiryDate: [2027]"
write how "title: どう" "_build:" "  render: sometimes" "  list: false" "  size: 3"
write linker "title: リンク元"
printf '[頭なし](headless.md) [未来](later.md) [過去](gone.md) [下書き](draft.md)\n' \
	>>"$bad/content/docs/linker.md"
write headless "title: ヘッドレス" "headless: true"
write later "title: 未来" "publishDate: 2026-06-02"
write gone "title: 過去" "expiryDate: 2026-05-01"
write draft "title: 下書き" "draft: true"
"$KBGEN" build --root "$bad" --out "$TMP/bad-out" --no-excerpt 2>"$TMP/bad.err"
check_eq "mistakes: exit 1" "$?" 1
check_eq "mistakes: the diagnostics" "$(cat "$TMP/bad.err")" \
"content/docs/dotted.md:3:6: error: invalid url '/a/./b/' (a clean path from the site's root, such as /guides/setup/: no empty, '.' or '..' segment, no '?', '#', '%', '\\' or space)
content/docs/how.md:4:11: error: '_build.render' must be always, never or link
content/docs/how.md:6:3: warning: unknown key 'size' in '_build' (ignored)
content/docs/linker.md:5:7: error: broken link: 'headless.md' has no page: content/docs/headless.md is headless (headless: true, or _build's render: never)
content/docs/linker.md:5:25: error: broken link: 'later.md' has no page: content/docs/later.md is to be published later (its publishDate; --future publishes it)
content/docs/linker.md:5:40: error: broken link: 'gone.md' has no page: content/docs/gone.md is expired (its expiryDate; --expired publishes it)
content/docs/linker.md:5:55: error: broken link: 'draft.md' has no page: content/docs/draft.md is a draft (--drafts publishes it)
content/docs/spaced.md:3:6: error: invalid url '/a b/' (a clean path from the site's root, such as /guides/setup/: no empty, '.' or '..' segment, no '?', '#', '%', '\\' or space)
content/docs/taken.md:3:6: error: URL /docs/good/ is already used by content/docs/good.md
content/docs/when.md:3:14: error: invalid date '2026-13-01' for 'publishDate' (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS with an optional zone)
content/docs/when.md:4:13: error: 'expiryDate' must be text, not a list
content/docs/words.md:3:11: error: 'keywords' must be a list of text, not a single value
kbgen: 11 errors, 1 warning; the output was left as it was"
check "mistakes: nothing published" test ! -e "$TMP/bad-out"

# a site of pages all held back publishes none and is no error
held="$TMP/held"
make_site "$held"
mkdir -p "$held/content/docs"
site=$held
write a "title: 未来" "publishDate: 2099-01-01"
write b "title: 頭なし" "headless: true"
"$KBGEN" build --root "$held" --out "$TMP/held-out" 2>"$TMP/held.err"
check_eq "all held back: exit 0" "$?" 0
check_eq "all held back: no diagnostics" "$(cat "$TMP/held.err")" ""
check_eq "all held back: no article page" "$(pages "$TMP/held-out" | grep -c '^docs/')" 0

finish
