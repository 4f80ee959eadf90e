# The bounce analyzer: every sample of tests/bounces/ read as its expected
# JSON says (exact bytes) and as expected.tsv says (class, reason,
# receiver per recipient, written by hand from the texts), non-bounces
# exit 1; the CLI's usage; the rules file checked like a tree
# (tests/bounce-rules/bad-*.yaml with their exact diagnostics); the rules
# stored in kb.db and rebuilt when the file changes.
. tests/lib.sh

"$KBGEN" build --root . --out "$TMP/out" --quiet 2>"$TMP/build.stderr"
check_eq "the shipped site builds with its rules" "$?" 0
DB="$TMP/out/kb.db"

for sample in tests/bounces/*.eml tests/bounces/*.txt tests/bounces/*.csv; do
	name=$(basename "$sample")
	golden="${sample%.*}.json"
	"$KBGEN" bounce --db "$DB" --json "$sample" >"$TMP/got.json" 2>"$TMP/got.stderr"
	status=$?
	if grep -q "^$name	-	-	-	-\$" tests/bounces/expected.tsv; then
		check_eq "$name: no bounce, exit 1" "$status" 1
		check_eq "$name: says so" "$(cat "$TMP/got.stderr")" "kbgen bounce: no bounce found in the text"
	else
		check_eq "$name: exit 0" "$status" 0
	fi
	check_eq "$name: JSON" "$(cat "$TMP/got.json")" "$(cat "$golden")"
done

# expected.tsv against the goldens, recipient by recipient: the goldens
# were made by kbgen, the table by hand, so they must agree
python3 - tests/bounces <<'PY' >"$TMP/agree.txt"
import json, os, sys
folder = sys.argv[1]
rows = {}
for line in open(os.path.join(folder, "expected.tsv"), encoding="utf-8"):
    if line.startswith("#"):
        continue
    name, recipient, class_, reason, receiver = line.rstrip("\n").split("\t")
    rows.setdefault(name, [])
    if class_ != "-":
        rows[name].append([recipient, class_, reason, receiver])
for name, want in sorted(rows.items()):
    got = json.load(open(os.path.join(folder, name.rsplit(".", 1)[0] + ".json"), encoding="utf-8"))["results"]
    got = [[r["recipient"] or "-", r["class"], r["reason"], r["receiver"] or "-"] for r in got]
    print("%s\t%s" % (name, "agree" if got == want else "differ: got %s, want %s" % (got, want)))
PY
while IFS='	' read -r name verdict; do
	check_eq "$name: as expected.tsv says" "$verdict" "agree"
done <"$TMP/agree.txt"
check_eq "80 samples or more" "$(test "$(wc -l <"$TMP/agree.txt")" -ge 80 && echo yes)" yes

# text output, standard input, -
printf '550 5.1.1 <taro@example.jp>: User unknown\n' >"$TMP/line.txt"
"$KBGEN" bounce --db "$DB" <"$TMP/line.txt" >"$TMP/text.out"
check_eq "stdin: exit 0" "$?" 0
check_eq "text output" "$(cat "$TMP/text.out")" "taro@example.jp
  種別: 永続的エラー (permanent)
  理由: 宛先のアドレスが存在しない (user-unknown)
  ハードバウンスです。宛先のアドレスやドメインが存在しないため、送り直しても届きません。配信リストから外してください。
  コード: 550 5.1.1
  応答: 550 [5.1.1] <taro@example.jp>: User unknown
  説明: 受信側のサーバが、宛先のメールボックスが見つからないと応答しました(ユーザーアンノウン)。アドレスの綴りやドメインの打ち間違いがないかを確かめてください。綴りが正しい場合は、退職や解約で使われなくなったアドレスと考えられます。存在しないアドレスに送り続けると送信元の評価が下がるため、配信リストから外してください。
  記事: /errors/bounce-codes/#550-511-宛先のアドレスが存在しない
  診断: /cgi-bin/kb.cgi/wizard/mail-not-arriving/address-check?delivery-error-shown=yes&recipient-in-report=listed&error-type=permanent"
check_eq "- is standard input" "$("$KBGEN" bounce --db "$DB" --json - <"$TMP/line.txt")" \
	"$("$KBGEN" bounce --db "$DB" --json "$TMP/line.txt")"
"$KBGEN" bounce --db "$DB" </dev/null >/dev/null 2>&1
check_eq "empty input: exit 1" "$?" 1
"$KBGEN" bounce --db "$DB" --json </dev/null >"$TMP/empty.json" 2>/dev/null
check_eq "empty input: no results" "$(cat "$TMP/empty.json")" '{"results": []}'

# usage errors: 2
"$KBGEN" bounce --db "$DB" --frobnicate "$TMP/line.txt" 2>"$TMP/usage.stderr"
check_eq "unknown option: exit 2" "$?" 2
check_eq "unknown option: message" "$(cat "$TMP/usage.stderr")" "kbgen bounce: unknown option '--frobnicate'
usage: kbgen bounce [--db PATH] [--json] [FILE|-]"
"$KBGEN" bounce --db "$DB" a b 2>/dev/null
check_eq "two files: exit 2" "$?" 2
"$KBGEN" bounce --db 2>/dev/null
check_eq "--db without a path: exit 2" "$?" 2
"$KBGEN" bounce --db "$DB" "$TMP/no-such-file" 2>"$TMP/nofile.stderr"
check_eq "missing file: exit 2" "$?" 2
check_eq "missing file: message" "$(cat "$TMP/nofile.stderr")" "kbgen bounce: cannot read $TMP/no-such-file: No such file or directory"
"$KBGEN" bounce --db "$TMP/no-such.db" "$TMP/line.txt" 2>/dev/null
check_eq "missing kb.db: exit 2" "$?" 2
"$KBGEN" bounce --help >"$TMP/help.out"
check_eq "--help: exit 0" "$?" 0
check_eq "--help: usage first" "$(head -n 1 "$TMP/help.out")" "usage: kbgen bounce [--db PATH] [--json] [FILE|-]"

# ---- the rules file ----------------------------------------------------------------
rules_site() { # dir
	rm -rf "$1"
	make_site "$1"
	mkdir -p "$1/content/docs"
	printf -- '---\ntitle: 良い記事\ndescription: 説明\n---\n## 手順\n\n本文\n' >"$1/content/docs/good.md"
	cat >"$1/decision-trees/t.yaml" <<'TREE'
tree: t
title: テスト
start: first
nodes:
  first:
    type: question
    title: 最初の質問
    options:
      - {id: a, label: A, next: second}
      - {id: b, label: B, next: done}
  second:
    type: question
    title: 次の質問
    options:
      - {id: a, label: A, next: done}
      - {id: b, label: B, next: done-too}
  done:
    type: outcome
    result: resolved
    title: 終わり
    articles: [docs/good]
  done-too:
    type: outcome
    result: resolved
    title: 終わり2
    articles: [docs/good]
tests:
  - {path: [first=b], expect: done}
  - {path: [first=a, second=b], expect: done-too}
TREE
}

site="$TMP/rules"
for fixture in tests/bounce-rules/bad-*.yaml; do
	name=$(basename "$fixture" .yaml)
	rules_site "$site"
	cp "$fixture" "$site/bounce-rules.yaml"
	"$KBGEN" check --root "$site" --quiet 2>"$TMP/$name.stderr"
	check_eq "$name: exit 1" "$?" 1
	check_eq "$name: diagnostics" "$(cat "$TMP/$name.stderr")" "$(cat "tests/bounce-rules/$name.expected")"
done

# a good rules file: builds, and kb.db answers with it
rules_site "$site"
cp tests/bounce-rules/good.yaml "$site/bounce-rules.yaml"
"$KBGEN" check --root "$site" --quiet 2>"$TMP/good.stderr"
check_eq "good rules: check passes" "$?" 0
"$KBGEN" build --root "$site" --out "$site/out" --quiet 2>/dev/null
check_eq "good rules: build passes" "$?" 0
check_eq "good rules: kb.db answers with them" \
	"$(printf 'Your mailbox full, sorry\n' | "$KBGEN" bounce --db "$site/out/kb.db" --json)" \
	'{"results": [{"recipient": null, "class": "unknown", "reason": "mailbox-full", "hard": false, "receiver": null, "status": null, "reply": null, "diagnostic": {"text": "Your mailbox full, sorry", "match": [5, 17]}, "article": null, "wizard": null}]}'
check_eq "good rules: the article and the walk resolved" \
	"$(printf '550 5.1.1 <a@example.jp>: no\n' | "$KBGEN" bounce --db "$site/out/kb.db" --json | sed 's/.*"article"/"article"/')" \
	'"article": "/docs/good/#手順", "wizard": "/wizard/t/second/"}]}'
# an edited rules file: a full build, and kb.db has the new rules
sed -i 's/{text: \[mailbox full\], reason: mailbox-full}/{text: [sorry], reason: other}\n  - {text: [mailbox full], reason: mailbox-full}/' "$site/bounce-rules.yaml"
KBGEN_TRACE=1 "$KBGEN" build --root "$site" --out "$site/out" 2>"$TMP/rebuild.stderr"
check_contains "edited rules: a full build" "$(cat "$TMP/rebuild.stderr")" "full build: kbgen, site.yaml, theme, trees or"
check_contains "edited rules: kb.db has them" \
	"$(printf 'Your mailbox full, sorry\n' | "$KBGEN" bounce --db "$site/out/kb.db" --json)" '"reason": "other"'
# bad rules never reach out/
before=$(sha256sum <"$site/out/kb.db")
cp tests/bounce-rules/bad-shadowed.yaml "$site/bounce-rules.yaml"
"$KBGEN" build --root "$site" --out "$site/out" --quiet 2>/dev/null
check_eq "bad rules: build fails" "$?" 1
check_eq "bad rules: kb.db untouched" "$(sha256sum <"$site/out/kb.db")" "$before"
# a site without rules: kbgen bounce says so
rules_site "$site"
"$KBGEN" build --root "$site" --out "$site/out" --quiet 2>/dev/null
printf '550 5.1.1 x\n' | "$KBGEN" bounce --db "$site/out/kb.db" 2>"$TMP/norules.stderr"
check_eq "no rules file: exit 2" "$?" 2
check_eq "no rules file: message" "$(cat "$TMP/norules.stderr")" \
	"kbgen bounce: $site/out/kb.db: kb.db holds no bounce rules (the site has no bounce-rules.yaml)"

finish
