# The static wizard in the built site: every decision tree node has a
# page, and every link on every wizard page that points inside the site
# (href and the map's xlink:href) lands on a file that exists in the
# output: "/x/y/" is out/x/y/index.html, "#fragments" and "?queries" are
# dropped, a bare "#id" must name an id on the same page. Links into the
# CGI (site.yaml's cgi_url) are not files and are left out. Built twice:
# the shipped site as it is (base path "/") and the same content under
# the base path "/kb/".
. tests/lib.sh

# check_site WHAT ROOT OUT BASE_PATH
check_site() {
	local what=$1 root=$2 out=$3 base=$4 tree id nodes missing cgi
	if ! "$KBGEN" build --root "$root" --out "$out" 2>"$TMP/build.stderr"; then
		fail "$what: site builds" "$(head -c 600 "$TMP/build.stderr")"
		return
	fi
	pass "$what: site builds"
	check_file "$what: wizard index" "$out/wizard/index.html"

	for tree in "$root"/decision-trees/*.yaml; do
		id=$(basename "$tree" .yaml)
		# Node ids: the two-space keys of the block mapping under nodes:.
		nodes=$(awk '/^nodes:/ { on = 1; next } /^[^ #]/ { on = 0 }
			on && /^  [a-z0-9][a-z0-9-]*:[ \t]*$/ { sub(/^  /, ""); sub(/:.*/, ""); print }' "$tree")
		missing=""
		for node in $nodes; do
			[ -f "$out/wizard/$id/$node/index.html" ] || missing="$missing $node"
		done
		if [ -z "$nodes" ]; then
			fail "$what: $id: nodes found in the tree file" "none in $tree"
		elif [ -z "$missing" ]; then
			pass "$what: $id: every node ($(echo $nodes | wc -w)) has a page"
		else
			fail "$what: $id: every node has a page" "missing:$missing"
		fi
		check_file "$what: $id: start page" "$out/wizard/$id/index.html"
		check_file "$what: $id: map page" "$out/wizard/$id/map/index.html"
		check_contains "$what: $id: in the sitemap" "$(cat "$out/sitemap.xml" 2>/dev/null)" \
			"wizard/$id/map/</loc>"
		check_contains "$what: $id: on the home page" "$(cat "$out/index.html" 2>/dev/null)" \
			"href=\"${base}wizard/$id/\""
	done

	cgi=$(sed -n 's/^cgi_url:[ \t]*//p' "$root/site.yaml" | tr -d '"'"'")
	while IFS=$'\t' read -r verdict page detail; do
		if [ "$verdict" = ok ]; then pass "$what: links on $page"; else
			fail "$what: links on $page" "$detail"; fi
	done < <(python3 - "$out" "$base" "$cgi" <<'PY'
import html.parser, os, sys, urllib.parse
out, base, cgi = sys.argv[1], sys.argv[2], sys.argv[3]

class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs, self.ids = [], set()
    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "xlink:href", "src") and value is not None:
                self.hrefs.append(value)
            elif name == "id" and value is not None:
                self.ids.add(value)
    handle_startendtag = handle_starttag

def target(href):
    """The file an internal href names, or None when it is not internal."""
    parts = urllib.parse.urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    if cgi and parts.path.startswith(cgi.rstrip("/") + "/"):
        return None
    path = urllib.parse.unquote(parts.path)
    if not path.startswith(base):
        return "outside the base path"
    path = path[len(base):]
    if path == "" or path.endswith("/"):
        path += "index.html"
    return os.path.join(out, path)

pages = []
for folder, _, files in os.walk(os.path.join(out, "wizard")):
    pages += [os.path.join(folder, f) for f in files if f.endswith(".html")]
if not pages:
    print("bad\twizard/\tno pages")
for file in sorted(pages):
    parser = Page()
    with open(file, encoding="utf-8") as f:
        parser.feed(f.read())
    broken, internal = [], 0
    for href in parser.hrefs:
        if href.startswith("#"):
            internal += 1
            if urllib.parse.unquote(href[1:]) not in parser.ids:
                broken.append(href + " (no such id)")
            continue
        name = target(href)
        if name is None:
            continue
        internal += 1
        if name == "outside the base path" or not os.path.isfile(name):
            broken.append(href)
    page = os.path.relpath(file, out)
    if broken:
        print("bad\t%s\t%d broken: %s" % (page, len(broken), " ".join(broken[:5])))
    elif internal == 0:
        print("bad\t%s\tno internal links at all" % page)
    else:
        print("ok\t%s (%d)" % (page, internal))
PY
)
}

check_site "shipped" . "$TMP/out" /

# The same content under a base path: every link must carry it.
kb="$TMP/kb-root"
mkdir -p "$kb"
cp -R content decision-trees bounce-rules.yaml "$kb"/
ln -sfn "$PWD/theme" "$kb/theme"
sed 's#^base_url:.*#base_url: http://127.0.0.1:8080/kb/#' site.yaml > "$kb/site.yaml"
check_site "base /kb/" "$kb" "$TMP/kb-out" /kb/

# No support: in site.yaml: the build warns once per tree, and no outcome
# says anything about contacting.
nosupport="$TMP/no-support"
mkdir -p "$nosupport"
cp -R content decision-trees bounce-rules.yaml "$nosupport"/
ln -sfn "$PWD/theme" "$nosupport/theme"
sed '/^support:/,$d' site.yaml > "$nosupport/site.yaml"
"$KBGEN" build --root "$nosupport" --out "$nosupport/out" 2>"$TMP/no-support.stderr"
check_eq "no support: builds" "$?" 0
check_eq "no support: one warning per tree, at its first such outcome" \
	"$(grep -c ': warning: ' "$TMP/no-support.stderr")" 2
check_contains "no support: the warning" "$(cat "$TMP/no-support.stderr")" \
	"decision-trees/mail-not-arriving.yaml:141:3: warning: 7 escalate or unresolved outcomes (first 'wait-for-retry') may leave the visitor needing a person, but site.yaml has no 'support:' (url and/or email, and hours): their pages cannot say how to reach one"
page="$nosupport/out/wizard/mail-not-arriving/contact-support/index.html"
check "no support: the escalate outcome is written" test -f "$page"
check_eq "no support: it says nothing about contacting" \
	"$(grep -c -e 'サポートへのお問い合わせ' -e 'mailto:' -e 'summary-text' "$page")" 0
"$KBGEN" build --out "$TMP/with-support" 2>"$TMP/with-support.stderr"
check_eq "shipped site (with support): no warning" "$(cat "$TMP/with-support.stderr")" ""
check_contains "shipped site: the escalate outcome links the address" \
	"$(cat "$TMP/with-support/wizard/mail-not-arriving/contact-support/index.html")" \
	'href="mailto:support@example.jp?subject='

finish
