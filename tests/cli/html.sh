# The shipped site is valid HTML: the Nu HTML checker (vnu.jar, from
# tests/browser/node_modules, installed by `make test-deps`) reads every
# page in one JVM run; one PASS or FAIL line per page, each error with its
# line, column and the markup it points at. The sitemap, the feed and any
# SVG diagram must be well-formed XML (xmllint).
. tests/lib.sh
# checked once, in the plain run: the [asan] run prints nothing it did not check
case $KBGEN in *asan*) finish ;; esac

vnu=tests/browser/node_modules/vnu-jar/build/dist/vnu.jar
out="$TMP/out"

if ! "$KBGEN" build --out "$out" 2>"$TMP/build.stderr"; then
	fail "shipped site builds" "$(head -c 600 "$TMP/build.stderr")"
	finish
fi
pass "shipped site builds"

# The shapes shortcodes draw (content/shortcode.h), which the shipped
# site has none of: a small site's pages, checked with the others.
sc="$TMP/shortcode-site"
make_site "$sc"
mkdir -p "$sc/content/docs"
printf -- '---\ntitle: 良い記事\n---\n## 手順\n\n本文\n' >"$sc/content/docs/good.md"
cp tests/content/shortcodes.md "$sc/content/docs/"
python3 tests/images/make.py "$TMP/images" >/dev/null && cp "$TMP/images/red.png" "$sc/content/docs/shot.png"
cat >"$sc/content/docs/figures.md" <<'EOF'
---
title: 図と折りたたみ
---
{{< figure src="shot.png" alt="画面" caption="説明" title="図 1" link="good.md" >}}

文中の {{< figure src="shot.png" alt="小さい図" >}} と {{< figure src="shot.png" caption="行頭" >}}。

- 項目
  {{< details summary="詳しく" >}}
  中の段落。

  > 引用
  {{< /details >}}

{{< details summary="段落で閉じる" open=true >}}
本文{{< /details >}}
EOF
if "$KBGEN" build --root "$sc" --out "$out/shortcode-site" 2>"$TMP/sc.stderr" &&
   grep -q '<figure><a href="/docs/good/"><img src="/docs/figures/shot.png"' \
	"$out/shortcode-site/docs/figures/index.html"; then
	pass "shortcode site builds, with a figure"
else
	fail "shortcode site builds, with a figure" "$(head -c 600 "$TMP/sc.stderr")"
fi

mapfile -d '' pages < <(find "$out" -name '*.html' -print0 | sort -z)
if [ "${#pages[@]}" -lt 10 ]; then
	fail "pages found" "only ${#pages[@]} .html files in $out"
fi

if [ ! -f "$vnu" ]; then
	fail "vnu.jar installed" "missing $vnu (make test-deps runs npm ci in tests/browser)"
else
	java -jar "$vnu" --errors-only --format json --stdout "${pages[@]}" \
		>"$TMP/vnu.json" 2>"$TMP/vnu.stderr"
	vnu_rc=$?
	# One line per page: "ok<TAB>what" or "bad<TAB>what<TAB>detail".
	while IFS=$'\t' read -r verdict what detail; do
		if [ "$verdict" = ok ]; then pass "$what"; else fail "$what" "$detail"; fi
	done < <(python3 - "$out" "$TMP/vnu.json" "$vnu_rc" "$TMP/vnu.stderr" "${pages[@]}" <<'PY'
import json, sys, urllib.parse
out, report, rc, stderr, pages = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5:]

def say(*fields):
    print("\t".join(f.replace("\t", " ").replace("\n", " ") for f in fields))

try:
    with open(report, encoding="utf-8") as f:
        messages = json.load(f)["messages"]
except (OSError, ValueError, KeyError) as e:
    with open(stderr, encoding="utf-8", errors="replace") as f:
        err = f.read(600)
    say("bad", "vnu ran", f"exit {rc}, no JSON report ({e}): {err}")
    sys.exit()

by_page = {p: [] for p in pages}
for m in messages:
    url = m.get("url", "")
    path = urllib.parse.unquote(url[len("file:"):]) if url.startswith("file:") else url
    if path in by_page:
        by_page[path].append(m)
    else:  # a message about no page of ours (a checker or I/O error)
        say("bad", "vnu", f"{m.get('type')}: {m.get('message')} ({url})")

def describe(m):
    line = m.get("lastLine", m.get("firstLine", "?"))
    col = m.get("firstColumn", m.get("lastColumn", "?"))
    text = f"line {line}:{col}: {m.get('message', '?')}"
    extract, start, length = m.get("extract"), m.get("hiliteStart"), m.get("hiliteLength")
    if extract is not None and start is not None and length:
        text += f" at {extract[start:start + length][:160]}"
    return text

for p in pages:
    what = "valid " + p[len(out) + 1:]
    errs = by_page[p]
    if errs:
        say("bad", what, "; ".join(describe(m) for m in errs[:5])
            + (f"; and {len(errs) - 5} more" if len(errs) > 5 else ""))
    else:
        say("ok", what)

if rc != 0 and not messages:
    say("bad", "vnu exit status", f"exit {rc} with no messages")
PY
	)
fi

# Sitemap, feed and diagrams: well-formed XML.
mapfile -d '' svgs < <(find "$out" -name '*.svg' -print0 | sort -z)
for f in "$out/sitemap.xml" "$out/feed.xml" "${svgs[@]}"; do
	what="xml: well-formed ${f#"$out"/}"
	if [ ! -f "$f" ]; then
		fail "$what" "missing $f"
	elif err=$(xmllint --noout "$f" 2>&1); then
		pass "$what"
	else
		fail "$what" "$(printf %s "$err" | head -c 600)"
	fi
done
finish
