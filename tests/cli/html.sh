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
