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

# an interrupted build leaves the published site as it was. A full build
# (--clean here) publishes with one rename; an incremental one renders
# beside the output and changes it only once its journal is written, so a
# kill leaves the site as it was, or a journal the next build completes.
# The build cache (.kbgen) is the build's own and left out of the sums.
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
for mode in --clean incremental; do
	before=$(site_sum "$big/out")
	printf -- '---\ntitle: 追加 %s\n---\n本文\n' "$mode" > "$big/content/s1/new-$mode.md"
	flag=$mode; [ "$mode" = incremental ] && flag=
	"$KBGEN" build $flag --root "$big" --out "$big/out" 2>/dev/null &
	pid=$!
	sleep 0.05
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	after=$(site_sum "$big/out")
	if [ -e "$big/out/s1/new-$mode/index.html" ] && [ ! -e "$big/out/.kbgen/journal" ]; then
		pass "interrupted build ($mode): (build finished before the kill; whole new site published)"
	elif [ "$after" = "$before" ]; then
		pass "interrupted build ($mode): published site untouched"
	elif [ -e "$big/out/.kbgen/journal" ]; then
		pass "interrupted build ($mode): killed while publishing, journal kept"
	else
		fail "interrupted build ($mode): published site untouched" "changed and no journal"
	fi
done
"$KBGEN" build --root "$big" --out "$big/out" 2>/dev/null
"$KBGEN" build --clean --root "$big" --out "$TMP/bigclean" 2>/dev/null
pages_sum() { (cd "$1" && find . -path ./.kbgen -prune -o -type f ! -name kb.db -print | sort | xargs sha256sum | sha256sum); }
check_eq "after interrupted builds: the next build equals a clean one" \
	"$(pages_sum "$big/out" | cut -c1-16)" "$(pages_sum "$TMP/bigclean" | cut -c1-16)"
check_eq "after interrupted builds: kb.db holds a clean build's rows" \
	"$(sh tools/kbdb-dump.sh "$big/out/kb.db" | sha256sum)" \
	"$(sh tools/kbdb-dump.sh "$TMP/bigclean/kb.db" | sha256sum)"
"$KBGEN" build --root "$big" --out "$big/out" 2>/dev/null
check_eq "next build removes the dead build's staging folder" "$(ls -d "$big"/out.staging-* 2>/dev/null)" ""
finish
