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

# an interrupted build leaves the published site as it was
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
before=$(cd "$big/out" && find . -type f | sort | xargs sha256sum | sha256sum)
printf -- '---\ntitle: 追加\n---\n本文\n' > "$big/content/s1/new.md"
"$KBGEN" build --root "$big" --out "$big/out" 2>/dev/null &
pid=$!
sleep 0.05
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
after=$(cd "$big/out" && find . -type f | sort | xargs sha256sum | sha256sum)
if [ -e "$big/out/s1/new/index.html" ]; then
	pass "interrupted build: (build finished before the kill; whole new site published)"
else
	check_eq "interrupted build: published site untouched" "$after" "$before"
fi
"$KBGEN" build --root "$big" --out "$big/out" 2>/dev/null
check_eq "next build removes the dead build's staging folder" "$(ls -d "$big"/out.staging-* 2>/dev/null)" ""
finish
