# The content folder's layout: each fixture under tests/layout/ is a
# content folder; its build gives exactly expected.txt on stderr (exit 1
# when that holds an error), and, when it succeeds, exactly the pages in
# pages.txt; when it fails, the site published before is left byte for
# byte as it was.
. tests/lib.sh

for fixture in tests/layout/*/; do
	name=$(basename "$fixture")
	site="$TMP/$name"
	rm -rf "$site"
	make_site "$site"
	# publish a one-article site first, then swap in the fixture
	mkdir -p "$site/content/docs"
	printf -- '---\ntitle: 前の記事\n---\n本文\n' > "$site/content/docs/before.md"
	"$KBGEN" build --root "$site" --out "$site/out" 2>/dev/null
	before=$(cd "$site/out" && find . -type f | sort | xargs sha256sum | sha256sum)
	rm -rf "$site/content"
	cp -r "$fixture/content" "$site/content"
	"$KBGEN" build --root "$site" --out "$site/out" 2>"$TMP/$name.stderr"
	status=$?
	want_status=1
	grep -q ': error: ' "$fixture/expected.txt" || want_status=0
	check_eq "$name: exit status" "$status" "$want_status"
	check_eq "$name: diagnostics" "$(cat "$TMP/$name.stderr")" \
		"$(cat "$fixture/expected.txt")"
	if [ "$want_status" -ne 0 ]; then
		after=$(cd "$site/out" && find . -type f | sort | xargs sha256sum | sha256sum)
		check_eq "$name: published site untouched" "$after" "$before"
	else
		check_eq "$name: pages" \
			"$(cd "$site/out" && find . -name index.html | sort)" \
			"$(cat "$fixture/pages.txt")"
	fi
done

# Root-relative links under a base_url with a path: the site's own paths
# are checked, another site's on the host are not (links.md's, written
# for a site at the root, are such).
site="$TMP/base-path"
rm -rf "$site"
make_site "$site"
sed -i 's|^base_url: .*|base_url: http://127.0.0.1:8080/kb/|' "$site/site.yaml"
cp -r tests/layout/root-links-good/content/. "$site/content/"
printf -- '---\ntitle: 基底\n---\n[良い](/kb/guide/steps/) [ない](/kb/guide/none/) [他所](/elsewhere/)\n' \
	> "$site/content/docs/base.md"
out=$("$KBGEN" check --root "$site" 2>&1)
check_eq "base_path: only the site's own paths checked" "$out" \
"content/docs/base.md:4:29: error: broken link: no page '/kb/guide/none/' in this site
kbgen: 1 error, 0 warnings; nothing written"

# An incremental build checks root-relative links again when the page
# they name is gone, and says what a clean check says.
site="$TMP/incremental-root"
rm -rf "$site"
make_site "$site"
cp -r tests/layout/root-links-good/content/. "$site/content/"
"$KBGEN" build --root "$site" --out "$site/out" 2>/dev/null
check_eq "incremental root links: first build" "$?" 0
rm "$site/content/guide/steps.md"
"$KBGEN" build --root "$site" --out "$site/out" 2>"$TMP/incremental-root.stderr"
check_eq "incremental root links: exit status" "$?" 1
"$KBGEN" check --root "$site" 2>"$TMP/clean-root.stderr"
check_eq "incremental root links: same diagnostics as a clean check" \
	"$(head -n -1 "$TMP/incremental-root.stderr")" \
	"$(head -n -1 "$TMP/clean-root.stderr")"
check_eq "incremental root links: the gone page, its tag and alias reported" \
	"$(cat "$TMP/incremental-root.stderr")" \
"content/docs/links.md:4:6: error: broken link: no page '/guide/steps/' in this site
content/docs/links.md:4:27: error: broken link: no page '/guide/steps/#手順' in this site
content/docs/links.md:5:6: error: broken link: no page '/tags/迷惑メール/' in this site
content/docs/links.md:5:43: error: broken link: no page '/old-steps/' in this site
kbgen: 4 errors, 0 warnings; the output was left as it was"

finish
