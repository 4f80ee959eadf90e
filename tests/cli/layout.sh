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

finish
