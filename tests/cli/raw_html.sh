# site.yaml's raw_html (issue 26): off (the default) every raw HTML tag
# is left out with a located warning; `raw_html: safe` rebuilds a, br,
# kbd, sub, sup, details, summary and img through the DOM with their
# attributes filtered (an unsafe href, a remote src, event handlers
# dropped), leaves every other tag out with a located warning and its
# text kept (a script's never), closes what a paragraph leaves open; a
# bad value is an error that publishes nothing. Fixture:
# tests/rawhtml/raw.md, expected tests/rawhtml/{safe,drop}.{html,stderr}.
. tests/lib.sh

# build MODE — the fixture built with raw_html: MODE ("" for unset);
# stderr in $TMP/MODE.stderr, the article's <article> in $TMP/MODE.html
build() {
	local mode=$1 site="$TMP/site-${1:-unset}"
	make_site "$site"
	[ -n "$mode" ] && printf 'raw_html: %s\n' "$mode" >> "$site/site.yaml"
	mkdir -p "$site/content/docs"
	cp tests/rawhtml/raw.md "$site/content/docs/"
	"$KBGEN" build --root "$site" --out "$site/out" --quiet 2>"$TMP/${mode:-unset}.stderr"
	echo "exit $?" >> "$TMP/${mode:-unset}.stderr"
	sed -n 's|.*\(<article>.*</article>\).*|\1|p' "$site/out/docs/raw/index.html" \
		> "$TMP/${mode:-unset}.html" 2>/dev/null
}

build safe
check_eq "safe: the warnings, each at its tag" "$(cat "$TMP/safe.stderr")" "$(cat tests/rawhtml/safe.stderr)"
check_eq "safe: the article as rebuilt" "$(cat "$TMP/safe.html")" "$(cat tests/rawhtml/safe.html)"
check_not_contains "safe: no event handler" "$(cat "$TMP/safe.html")" "on"'click'
check_not_contains "safe: no script text" "$(cat "$TMP/safe.html")" "alert"
check_not_contains "safe: no remote image" "$(cat "$TMP/safe.html")" "evil.example"

# shortcodes beside raw HTML (content/shortcode.h): a details shortcode
# holds the subset's tags, a raw <details> a figure; their placeholders
# are no raw HTML (no warning of theirs)
sc="$TMP/site-shortcodes"
make_site "$sc"
printf 'raw_html: safe\n' >> "$sc/site.yaml"
mkdir -p "$sc/content/docs"
printf -- '---\ntitle: t\n---\n{{< details summary="s" >}}\n<kbd>Ctrl</kbd> and <b>x</b>\n{{< /details >}}\n\n<details><summary>raw</summary>\n\n{{< figure src="https://example.jp/a.png" alt="A" >}}\n\n</details>\n' \
	>"$sc/content/docs/sc.md"
got=$("$KBGEN" build --root "$sc" --out "$sc/out" --quiet 2>&1)
check_eq "safe with shortcodes: only the raw tags outside the subset warned" "$got" \
"content/docs/sc.md:5:21: warning: raw HTML dropped: <b>
content/docs/sc.md:5:25: warning: raw HTML dropped: </b>"
check_contains "safe with shortcodes: the page" \
	"$(sed -n 's|.*\(<article>.*</article>\).*|\1|p' "$sc/out/docs/sc/index.html")" \
	'<details><summary>s</summary><p><kbd>Ctrl</kbd> and x</p></details><details><summary>raw</summary><figure><img src="https://example.jp/a.png" alt="A" loading="lazy"></figure></details>'

build ""
check_eq "unset: every tag left out, each a warning" "$(cat "$TMP/unset.stderr")" "$(cat tests/rawhtml/drop.stderr)"
check_eq "unset: the article without raw HTML" "$(cat "$TMP/unset.html")" "$(cat tests/rawhtml/drop.html)"
build drop
check_eq "drop: as unset" "$(cat "$TMP/drop.html")" "$(cat tests/rawhtml/drop.html)"

make_site "$TMP/bad"
printf 'raw_html: yes\n' >> "$TMP/bad/site.yaml"
line=$(wc -l < "$TMP/bad/site.yaml")
"$KBGEN" build --root "$TMP/bad" --out "$TMP/bad/out" --quiet 2>"$TMP/bad.stderr"
check_eq "raw_html: yes — exit 1" "$?" 1
check_eq "raw_html: yes — the error" "$(cat "$TMP/bad.stderr")" \
	"site.yaml:$line:11: error: 'raw_html' must be 'drop' (raw HTML left out of the page, the default) or 'safe' (a, br, kbd, sub, sup, details, summary and img rebuilt, the rest left out)"
test -e "$TMP/bad/out/index.html"
check_eq "raw_html: yes — nothing published" "$?" 1
finish
