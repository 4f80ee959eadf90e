# Every content mistake: the exact diagnostics, exit status 1, and the
# previously published site left byte for byte as it was.
. tests/lib.sh

# A site with one good article (good.md, heading "手順") plus the fixture.
fixture_site() { # name
	site="$TMP/$1"
	rm -rf "$site"
	make_site "$site"
	mkdir -p "$site/content/docs"
	printf -- '---\ntitle: 良い記事\n---\n## 手順\n\n本文\n' > "$site/content/docs/good.md"
}

for fixture in tests/content/*.md; do
	name=$(basename "$fixture" .md)
	expected="tests/content/$name.expected"
	fixture_site "$name"
	# publish a good site first, then add the bad file and rebuild
	"$KBGEN" build --root "$site" --out "$site/out" 2>/dev/null
	before=$(cd "$site/out" && find . -type f | sort | xargs sha256sum | sha256sum)
	cp "$fixture" "$site/content/docs/"
	"$KBGEN" build --root "$site" --out "$site/out" 2>"$TMP/$name.stderr"
	status=$?
	want_status=1
	grep -q ': error: ' "$expected" || want_status=0
	check_eq "$name: exit status" "$status" "$want_status"
	check_eq "$name: diagnostics" "$(cat "$TMP/$name.stderr")" "$(cat "$expected")"
	if [ "$want_status" -ne 0 ]; then
		after=$(cd "$site/out" && find . -type f | sort | xargs sha256sum | sha256sum)
		check_eq "$name: published site untouched" "$after" "$before"
		check_eq "$name: no staging folder left" "$(ls -d "$site"/out.staging-* 2>/dev/null)" ""
	else
		test -f "$site/out/docs/$name/index.html"
		check_eq "$name: published (warnings only)" "$?" 0
		test -f "$site/out/docs/good/index.html"
		check_eq "$name: the good article still published" "$?" 0
	fi
done

# warnings of an article read from the build cache are said again
fixture_site cached-warnings
cp tests/content/raw-html.md "$site/content/docs/"
"$KBGEN" build --root "$site" --out "$site/out" 2>"$TMP/cached-1.stderr"
"$KBGEN" build --root "$site" --out "$site/out" 2>"$TMP/cached-2.stderr"
check_eq "raw-html: an unchanged rebuild gives the same warnings" \
	"$(cat "$TMP/cached-2.stderr")" "$(cat tests/content/raw-html.expected)"
check_eq "raw-html: the first build gave them" \
	"$(cat "$TMP/cached-1.stderr")" "$(cat tests/content/raw-html.expected)"

# shortcodes: the warnings said again from the build cache, and the page
fixture_site cached-shortcodes
cp tests/content/shortcodes.md "$site/content/docs/"
"$KBGEN" build --root "$site" --out "$site/out" 2>/dev/null
"$KBGEN" build --root "$site" --out "$site/out" 2>"$TMP/cached-sc.stderr"
check_eq "shortcodes: an unchanged rebuild gives the same warnings" \
	"$(cat "$TMP/cached-sc.stderr")" "$(cat tests/content/shortcodes.expected)"
page=$(cat "$TMP/shortcodes/out/docs/shortcodes/index.html")
check_contains "shortcodes: ref is the page's URL" "$page" '<a href="/docs/good/">良い記事</a>'
check_contains "shortcodes: relref with its anchor" "$page" '<a href="/docs/good/#%E6%89%8B%E9%A0%86">手順</a>'
check_contains "shortcodes: a page path from the content folder" "$page" '<a href="/docs/good/">根から</a>'
check_contains "shortcodes: a ref outside a link is a link" "$page" '本文中の <a href="/docs/good/">good</a>'
check_contains "shortcodes: param, title and description" "$page" '<p>この記事は「ショートコード」、Hugo のショートコードを使う記事。</p>'
check_contains "shortcodes: figure" "$page" '<figure><img src="https://example.jp/shot.png" alt="設定画面" loading="lazy"><figcaption><strong>図 1</strong> 図の説明</figcaption></figure>'
check_contains "shortcodes: highlight is a code block, a shortcode inside as text" "$page" '<pre tabindex="0"><code class="language-go">fmt.Println("{{&lt; ref "x.md" &gt;}}")'
check_contains "shortcodes: details" "$page" '<details open=""><summary>詳しく</summary><p>中の <strong>太字</strong>。</p></details>'
check_contains "shortcodes: unknown ones left out, the text inside kept" "$page" '<p>と中身は残る。</p>'
check_contains "shortcodes: the escape shown without its markers" "$page" '<p>書き方は {{&lt; ref "page.md" &gt;}} です。</p>'
check_contains "shortcodes: a code span keeps its shortcode" "$page" '<code>{{&lt; ref "none.md" &gt;}}</code>'
check_contains "shortcodes: an indented code block too" "$page" '<code>{{&lt; indented &gt;}}'
check_contains "shortcodes: an unclosed one shown as text" "$page" '<p>閉じない {{&lt; ref "good.md"</p>'
check_eq "shortcodes: no shortcode printed raw" \
	"$(printf '%s' "$page" | grep -c -e youtube -e 'x a=' -e weight -e '{{%')" 0

# what the warnings-only fixtures published: the title each one gets
fixture_title() { # name title
	check_contains "$1: title" "$(cat "$TMP/$1/out/docs/$1/index.html")" "<h1>$2</h1>"
}
fixture_title no-front-matter "タイトルだけ"
fixture_title no-front-matter-no-heading "no-front-matter-no-heading"
fixture_title case-insensitive-keys "大文字のキー"
fixture_title fence-spaces "柵の後ろに空白"
fixture_title json-front-matter "JSON の記事"
json_page=$(cat "$TMP/json-front-matter/out/docs/json-front-matter/index.html")
check_contains "JSON front matter: the body starts after the '}'" "$json_page" 'id="steps"'
check_contains "JSON front matter: a '}' in the body stays body" "$json_page" "<code>}</code>"
check_contains "JSON front matter: a '}' inside a string is text" "$json_page" "content='\"}\" で終わらない説明'"
test -d "$TMP/json-front-matter/out/tags/設定"
check_eq "JSON front matter: its tag page" "$?" 0
test -d "$TMP/json-front-matter/out/tags/json"
check_eq "JSON front matter: a \\u escape in a tag decoded (J\\u0053ON)" "$?" 0
fixture_title toml-front-matter "TOML で書いた記事"
toml_page=$(cat "$TMP/toml-front-matter/out/docs/toml-front-matter/index.html")
check_contains "TOML front matter: lastmod read" "$toml_page" '<time datetime="2024-02-03">'
check_contains "TOML front matter: a literal string keeps its backslash" "$toml_page" 'リテラル文字列 \n はそのまま'
test -d "$TMP/toml-front-matter/out/tags/メール"
check_eq "TOML front matter: the array's tags published" "$?" 0
fixture_title publishing-keys-ok "一覧用の短い題名のある記事"
publishing_list=$(cat "$TMP/publishing-keys-ok/out/docs/index.html")
check_contains "linkTitle and summary: the section list" "$publishing_list" \
	'<a href="/docs/publishing-keys-ok/">短い題名</a><p>一覧に出る要約</p>'
check_contains "keywords: the meta element" \
	"$(cat "$TMP/publishing-keys-ok/out/docs/publishing-keys-ok/index.html")" \
	'<meta name="keywords" content="SPF, 迷惑メール"'
check_contains "case-insensitive keys: Tags read" \
	"$(cat "$TMP/case-insensitive-keys/out/docs/case-insensitive-keys/index.html")" "設定"
test -d "$TMP/empty-tag/out/tags/設定"
check_eq "empty tag entry: the other tag kept" "$?" 0

# check writes nothing and reports the same
fixture_site check-only
cp tests/content/many-errors.md "$site/content/docs/"
"$KBGEN" check --root "$site" 2>"$TMP/check.stderr"
check_eq "check: exit status 1" "$?" 1
check_eq "check: same diagnostics as build" "$(head -n -1 "$TMP/check.stderr")" \
	"$(head -n -1 tests/content/many-errors.expected)"
check_eq "check: nothing written" "$(ls "$site" | tr '\n' ' ')" "content decision-trees site.yaml theme "

# --format json
"$KBGEN" check --root "$site" --format json >"$TMP/check.json" 2>/dev/null
check_contains "check --format json" "$(cat "$TMP/check.json")" \
	'"file":"content/docs/many-errors.md","line":3,"column":7,"severity":"error"'

# a link to a file whose front matter is broken: only that file's errors
fixture_site link-to-rejected
printf -- '---\ntitle: [壊れた\n---\n本文\n' > "$site/content/docs/broken.md"
printf -- '---\ntitle: リンク元\n---\n[壊れた記事](broken.md)\n' > "$site/content/docs/linker.md"
out=$("$KBGEN" check --root "$site" 2>&1)
check_eq "link to a file with bad front matter: only its own error" "$out" \
"content/docs/broken.md:2:8: error: invalid YAML: this '[' is not closed by a ']', or its items are not separated by ','
content/docs/broken.md:2:8: note: 1 reference to this file from other files (links, a tree's articles) is not checked until its errors are fixed
kbgen: 1 error, 0 warnings; nothing written"

# usage errors: exit 2, exact message
out=$("$KBGEN" build --bogus 2>&1); status=$?
check_eq "unknown option: status 2" "$status" 2
check_eq "unknown option: message" "$out" "kbgen: unknown option '--bogus'
Try 'kbgen help' for more information."
out=$("$KBGEN" frobnicate 2>&1); status=$?
check_eq "unknown command: status 2" "$status" 2
out=$("$KBGEN" build --root 2>&1); status=$?
check_eq "option without value: status 2" "$status" 2
check_contains "option without value: message" "$out" "option '--root' needs a value"
"$KBGEN" help | grep -q -- '--out DIR'
check_eq "help describes --out" "$?" 0

# cgi_url: only a path starting with one '/' or an http(s) URL, checked
# at its place in site.yaml; the published site stays as it was
fixture_site cgi-url
"$KBGEN" build --root "$site" --out "$site/out" 2>/dev/null
before=$(cd "$site/out" && find . -type f | sort | xargs sha256sum | sha256sum)
for bad in '//evil.example' 'javascript:alert(1)' '/cgi bin/kb.cgi' '/kb.cgi?x=1' 'cgi-bin/kb.cgi'; do
	printf 'title: Test KB\nbase_url: http://127.0.0.1:8080/\nlanguage: ja\ncgi_url: "%s"\n' "$bad" > "$site/site.yaml"
	out=$("$KBGEN" build --root "$site" --out "$site/out" 2>&1); status=$?
	check_eq "cgi_url '$bad': status 1" "$status" 1
	case $bad in
	'/cgi bin/kb.cgi'|'/kb.cgi?x=1')
		why="its path may hold only letters, digits and -._~!\$&'()*+,;=:@/ or %XX, and no '.' or '..' segment (no spaces, '?', '#' or non-ASCII characters)" ;;
	*) why="it must be a path starting with one '/' or an http:// or https:// URL" ;;
	esac
	check_eq "cgi_url '$bad': message" "$(printf '%s\n' "$out" | head -1)" \
		"site.yaml:4:10: error: 'cgi_url' is not a URL kb.cgi can answer at: $why"
done
after=$(cd "$site/out" && find . -type f | sort | xargs sha256sum | sha256sum)
check_eq "bad cgi_url: published site untouched" "$after" "$before"
printf 'title: Test KB\nbase_url: http://127.0.0.1:8080/\nlanguage: ja\ncgi_url: https://kb.example.jp/cgi-bin/kb.cgi\n' > "$site/site.yaml"
check "cgi_url as an https URL builds" "$KBGEN" build --root "$site" --out "$site/out"

# support: how a customer reaches a person; each mistake at its place,
# the published site untouched
fixture_site support
"$KBGEN" build --root "$site" --out "$site/out" 2>/dev/null
before=$(cd "$site/out" && find . -type f | sort | xargs sha256sum | sha256sum)
support_case() { # what yaml-after-support expected-first-line
	printf 'title: Test KB\nbase_url: http://127.0.0.1:8080/\nlanguage: ja\nsupport:%s\n' "$2" > "$site/site.yaml"
	out=$("$KBGEN" build --root "$site" --out "$site/out" 2>&1); status=$?
	check_eq "support $1: status 1" "$status" 1
	check_eq "support $1: message" "$(printf '%s\n' "$out" | head -1)" "$3"
}
support_case "as text" ' help@example.jp' \
	"site.yaml:4:10: error: 'support' must be a mapping of url, email and hours"
support_case "with hours only" $'\n  hours: 平日 10:00〜18:00' \
	"site.yaml:5:3: error: 'support' needs 'url' (a contact form) or 'email' (a mail address), or both"
support_case "url not http" $'\n  url: javascript:alert(1)' \
	"site.yaml:5:8: error: 'support.url' must be an http(s) URL of the contact form"
support_case "url as a list" $'\n  url: [https://example.jp/]' \
	"site.yaml:5:8: error: 'support.url' must be text, not a list"
for pair in 'help.example.jp|no '"'"'@'"'"'' '@example.jp|nothing before the '"'"'@'"'"'' \
	'a..b@example.jp|a dot at the start or end of the name, or two in a row' \
	'"a b"@example.jp|a character a mail address cannot have before the '"'"'@'"'"' (spaces, quotes, brackets, commas, a second '"'"'@'"'"', non-ASCII)' \
	'サポート@example.jp|a character a mail address cannot have before the '"'"'@'"'"' (spaces, quotes, brackets, commas, a second '"'"'@'"'"', non-ASCII)' \
	'help@localhost|the domain after the '"'"'@'"'"' has no dot' \
	'help@-x.jp|the domain after the '"'"'@'"'"' is not a host name' \
	'help@example.jp?subject=x|the domain after the '"'"'@'"'"' is not a host name'; do
	email=${pair%%|*} why=${pair#*|}
	support_case "email '$email'" $'\n  email: \''"$email"$'\'' \
		"site.yaml:5:10: error: 'support.email' is not a mail address: $why"
done
after=$(cd "$site/out" && find . -type f | sort | xargs sha256sum | sha256sum)
check_eq "bad support: published site untouched" "$after" "$before"
printf 'title: Test KB\nbase_url: http://127.0.0.1:8080/\nlanguage: ja\nsupport:\n  email: help+kb@example.jp\n  phone: 0120\n' > "$site/site.yaml"
out=$("$KBGEN" build --root "$site" --out "$site/out" 2>&1); status=$?
check_eq "support with an unknown key: builds" "$status" 0
check_contains "support with an unknown key: warned at its place" "$out" \
	"site.yaml:6:3: warning: unknown key 'support.phone' (ignored)"

# service: the name the footer gives; a list or a mapping is an error at
# its place and the published site stays as it was
printf 'title: Test KB\nbase_url: http://127.0.0.1:8080/\nlanguage: ja\nsupport:\n  email: help@example.jp\nservice: 配配メール\n' > "$site/site.yaml"
check "service as text builds" "$KBGEN" build --root "$site" --out "$site/out"
check_contains "service: the footer names it" "$(cat "$site/out/index.html")" \
	"<p>このサイトは配配メールのお客さま向けサポートサイトです。</p>"
before=$(cd "$site/out" && find . -type f | sort | xargs sha256sum | sha256sum)
for pair in '[配配メール]|a list' '{name: 配配メール}|a mapping'; do
	printf 'title: Test KB\nbase_url: http://127.0.0.1:8080/\nlanguage: ja\nservice: %s\n' "${pair%%|*}" > "$site/site.yaml"
	out=$("$KBGEN" build --root "$site" --out "$site/out" 2>&1); status=$?
	check_eq "service as ${pair#*|}: status 1" "$status" 1
	check_eq "service as ${pair#*|}: message" "$(printf '%s\n' "$out" | head -1)" \
		"site.yaml:4:10: error: 'service' must be text, not ${pair#*|}"
done
after=$(cd "$site/out" && find . -type f | sort | xargs sha256sum | sha256sum)
check_eq "bad service: published site untouched" "$after" "$before"
printf 'title: Test KB\nbase_url: http://127.0.0.1:8080/\nlanguage: ja\n' > "$site/site.yaml"
"$KBGEN" build --root "$site" --out "$site/out" 2>/dev/null
check_not_contains "no service: no footer line" "$(cat "$site/out/index.html")" "お客さま向け"

# base_url must name a host (it crashed without one), checked at its place;
# the published site stays as it was
fixture_site base-url
"$KBGEN" build --root "$site" --out "$site/out" 2>/dev/null
before=$(cd "$site/out" && find . -type f | sort | xargs sha256sum | sha256sum)
for bad in 'http://' 'https:///kb/' 'http:///'; do
	printf 'title: Test KB\nbase_url: "%s"\nlanguage: ja\n' "$bad" > "$site/site.yaml"
	out=$("$KBGEN" build --root "$site" --out "$site/out" 2>&1); status=$?
	check_eq "base_url '$bad': status 1" "$status" 1
	check_eq "base_url '$bad': message" "$out" \
"site.yaml:2:11: error: 'base_url' names no host: write it as https://example.jp/ or https://example.jp/kb/
kbgen: 1 error, 0 warnings; the output was left as it was"
done
after=$(cd "$site/out" && find . -type f | sort | xargs sha256sum | sha256sum)
check_eq "base_url without a host: published site untouched" "$after" "$before"

# an empty site.yaml, or one of comments only, means every default (it crashed)
for text in '' '# settings to come\n'; do
	printf "$text" > "$site/site.yaml"
	out=$("$KBGEN" build --root "$site" --out "$TMP/empty-config-out" 2>&1); status=$?
	check_eq "site.yaml '$text': builds" "$status" 0
	check_eq "site.yaml '$text': no diagnostics" "$out" ""
	check_contains "site.yaml '$text': the default title" \
		"$(cat "$TMP/empty-config-out/index.html")" "<title>Knowledge base</title>"
done

# feedback: where kb.cgi keeps the votes; each mistake at its place, the
# published site untouched; with it, articles and outcomes carry the form
fixture_site feedback
"$KBGEN" build --root "$site" --out "$site/out" 2>/dev/null
before=$(cd "$site/out" && find . -type f | sort | xargs sha256sum | sha256sum)
feedback_case() { # yaml-after-feedback expected-first-line
	printf 'title: Test KB\nbase_url: http://127.0.0.1:8080/\nlanguage: ja\ncgi_url: /cgi-bin/kb.cgi\nfeedback:%b\n' "$1" > "$site/site.yaml"
	out=$("$KBGEN" build --root "$site" --out "$site/out" 2>&1); status=$?
	check_eq "feedback '$1': status 1" "$status" 1
	check_eq "feedback '$1': message" "$(printf '%s\n' "$out" | head -1)" "$2"
}
feedback_case ' feedback.db' "site.yaml:5:11: error: 'feedback' must be a mapping of db, votes_per_day and retention_days"
feedback_case '\n  db: var/feedback.db' "site.yaml:6:7: error: 'feedback.db' must be an absolute path, outside the published site (for example /var/lib/kbgen/feedback.db)"
feedback_case '\n  votes_per_day: 3' "site.yaml:5:1: error: 'feedback' needs 'db', the path of the feedback database"
feedback_case "\n  db: $TMP/fb.db\n  votes_per_day: 0" "site.yaml:7:18: error: 'feedback.votes_per_day' must be a whole number from 1 to 1000"
feedback_case "\n  db: $TMP/fb.db\n  retention_days: -1" "site.yaml:7:19: error: 'feedback.retention_days' must be a whole number of days from 0 (keep forever) to 36500"
feedback_case "\n  db: $site/out/feedback.db" "site.yaml:6:7: error: 'feedback.db' is inside the output folder $(cd "$site/out" && pwd -P): the web server would publish it and the next build would delete it; keep it outside, for example in /var/lib/kbgen/"
after=$(cd "$site/out" && find . -type f | sort | xargs sha256sum | sha256sum)
check_eq "bad feedback: published site untouched" "$after" "$before"
printf 'title: Test KB\nbase_url: http://127.0.0.1:8080/\nlanguage: ja\nfeedback:\n  db: %s/fb.db\n' "$TMP" > "$site/site.yaml"
out=$("$KBGEN" build --root "$site" --out "$site/out" 2>&1); status=$?
check_eq "feedback without cgi_url: builds" "$status" 0
check_contains "feedback without cgi_url: warns" "$out" \
	"site.yaml:5:7: warning: 'feedback' needs 'cgi_url': without kb.cgi no page can take a vote, so none shows the form"
check_not_contains "feedback without cgi_url: no form" "$(cat "$site/out/docs/good/index.html")" 'class="feedback"'
printf 'title: Test KB\nbase_url: http://127.0.0.1:8080/kb/\nlanguage: ja\ncgi_url: /cgi-bin/kb.cgi\nfeedback:\n  db: %s/fb.db\n' "$TMP" > "$site/site.yaml"
check "feedback with cgi_url builds" "$KBGEN" build --root "$site" --out "$site/out"
check_contains "feedback: the article asks" "$(cat "$site/out/docs/good/index.html")" \
	'<form class="feedback-form" method="post" action="/cgi-bin/kb.cgi/feedback"><input type="hidden" name="page" value="/kb/docs/good/"><input type="hidden" name="kind" value="article">'
test -e "$TMP/fb.db"
check_eq "feedback: the build never creates the database (kb.cgi does)" "$?" 1

# a missing site.yaml is an error, not a crash
rm -f "$site/site.yaml"
out=$("$KBGEN" build --root "$site" --out "$site/out" 2>&1); status=$?
check_eq "missing site.yaml: status" "$status" 1
check_contains "missing site.yaml: message" "$out" "site.yaml:1:1: error: cannot read site.yaml: No such file or directory"
finish
