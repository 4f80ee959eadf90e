# The record checker: `kbgen records` (text and JSON output, exit status,
# bad usage) and kb.cgi's /records and /records.json, with the static
# /records/ form, the article links and the guide links of diagnostics.
#
# Each tests/records/NAME.args holds the arguments of one run, one a line;
# NAME.expected is its exact standard output and then "exit N". The runs
# use the shipped site.yaml (spf_include: _spf.example.net), from the
# repository root.
. tests/lib.sh

# run_args FILE — kbgen records with the arguments FILE lists.
run_args() {
	local -a arguments
	mapfile -t arguments < "$1"
	NO_COLOR=1 "$KBGEN" records "${arguments[@]}" 2>&1
	echo "exit $?"
}

for args in tests/records/*.args; do
	name=$(basename "$args" .args)
	check_eq "records $name: exact output and exit status" \
		"$(run_args "$args")" "$(cat "tests/records/$name.expected")"
done

# --json prints one JSON object of the issue's shape.
for name in json json-mistakes; do
	run_args "tests/records/$name.args" | head -n 1 > "$TMP/$name.json"
	if python3 - "$TMP/$name.json" <<'PY'
import json, sys
data = json.load(open(sys.argv[1], encoding="utf-8"))
assert set(data) == {"records", "errors", "warnings", "notes"}, data.keys()
for record in data["records"]:
    assert {"kind", "text", "diagnostics", "summary"} <= set(record)
    for d in record["diagnostics"]:
        assert {"column", "severity", "code", "message"} <= set(d)
    if record["kind"] == "spf":
        assert "lookups" in record["summary"]
    if record["kind"] == "dkim":
        assert "key_bits" in record["summary"]
PY
	then pass "records $name: --json is one object with records, diagnostics and summary"
	else fail "records $name: --json is one object with records, diagnostics and summary" "$(head -c 300 "$TMP/$name.json")"
	fi
done

# ---- bad usage: exit 2, a message on stderr, nothing on stdout

# usage_case WHAT EXPECTED-FIRST-STDERR-LINE ARGUMENTS...
usage_case() {
	local what=$1 expected=$2 status
	shift 2
	"$KBGEN" records "$@" > "$TMP/usage.out" 2> "$TMP/usage.err"
	status=$?
	check_eq "usage: $what: exit 2" "$status" 2
	check_eq "usage: $what: the message" "$(head -n 1 "$TMP/usage.err")" "$expected"
	check_eq "usage: $what: nothing on stdout" "$(cat "$TMP/usage.out")" ""
}

usage_case "no record" "kbgen records: no record to check: give --spf, --dkim or --dmarc"
usage_case "unknown option" "kbgen records: unknown option '--txt'" --txt "v=spf1 -all"
usage_case "missing value" "kbgen records: option '--spf' needs a value" --spf
usage_case "two --dkim" "kbgen records: '--dkim' may be given once" \
	--dkim "v=DKIM1; p=" --dkim "v=DKIM1; p="
usage_case "two --dmarc" "kbgen records: '--dmarc' may be given once" \
	--dmarc "v=DMARC1; p=none" --dmarc "v=DMARC1; p=none"
usage_case "--selector without --domain" "kbgen records: '--selector' needs '--domain'" \
	--selector sel --dkim "v=DKIM1; p="
long=$(printf 'v=spf1 %04097d' 0)
usage_case "a record over 4096 bytes" \
	"kbgen records: the spf record 'v=spf1 000000000000000000000000000000000' is longer than 4096 bytes or not UTF-8" \
	--spf "$long"
usage_case "a record not UTF-8" \
	"kbgen records: the dmarc record 'v=DMARC1; p=none $(printf '\377')' is longer than 4096 bytes or not UTF-8" \
	--dmarc "v=DMARC1; p=none $(printf '\377')"
many=()
for i in $(seq 17); do many+=(--spf "v=spf1 ip4:192.0.2.$i -all"); done
usage_case "17 records" "kbgen records: at most 16 records" "${many[@]}"
usage_case "a site.yaml that does not load" \
	"site.yaml:1:1: error: cannot read site.yaml: No such file or directory" \
	--root "$TMP/nowhere" --spf "v=spf1 -all"

"$KBGEN" records --help > "$TMP/help.out" 2>&1
check_eq "--help: exit 0" "$?" 0
check_eq "--help: the usage line first" "$(head -n 1 "$TMP/help.out")" \
	"usage: kbgen records [--json] [--root DIR] [--spf TEXT]... [--dkim TEXT] [--dmarc TEXT] [--domain D [--selector S]] [--dns-server ADDRESS [--dns-port N]] [--timeout MS]"
check_contains "kbgen help lists records" "$("$KBGEN" help)" \
	"records   check SPF, DKIM and DMARC records: kbgen records --help"

# ---- site.yaml's spf_include

make_site "$TMP/site"
NO_COLOR=1 "$KBGEN" records --root "$TMP/site" --spf "v=spf1 mx -all" > "$TMP/noinclude.out"
check_eq "a site without spf_include: the include is not asked for (exit 0)" "$?" 0
check_eq "a site without spf_include: the summary says so" "$(cat "$TMP/noinclude.out")" \
	"spf:1: summary: lookups=1/10 all=-all
0 errors, 0 warnings, 0 notes"
printf 'spf_include: spf.mail.example\n' >> "$TMP/site/site.yaml"
NO_COLOR=1 "$KBGEN" records --root "$TMP/site" --spf "v=spf1 include:spf.mail.example -all" > "$TMP/include.out"
check_eq "spf_include from --root's site.yaml (exit 0)" "$?" 0
check_eq "spf_include from --root's site.yaml: found" "$(head -n 1 "$TMP/include.out")" \
	"spf:1: summary: lookups=1/10 all=-all service_include=yes"
make_site "$TMP/bad"
printf 'spf_include: include:spf.mail.example\n' >> "$TMP/bad/site.yaml"
"$KBGEN" records --root "$TMP/bad" --spf "v=spf1 -all" > /dev/null 2> "$TMP/bad.err"
check_eq "a bad spf_include: exit 2" "$?" 2
check_eq "a bad spf_include: at its site.yaml:line:col" "$(cat "$TMP/bad.err")" \
	"site.yaml:6:14: error: 'spf_include' is not a domain name (what follows include: in an SPF record, e.g. _spf.example.net)"
"$KBGEN" check --root "$TMP/bad" > /dev/null 2> "$TMP/bad-check.err"
check_contains "a bad spf_include fails kbgen check too" "$(cat "$TMP/bad-check.err")" \
	"site.yaml:6:14: error: 'spf_include' is not a domain name"

# ---- site.yaml's language: the messages in English for an en site

make_site "$TMP/en"
sed -i 's/^language: ja$/language: en/' "$TMP/en/site.yaml"
printf 'spf_include: spf.mail.example\n' >> "$TMP/en/site.yaml"
NO_COLOR=1 "$KBGEN" records --root "$TMP/en" --spf "v=spf1 include:spf.mail.example +all" \
	--spf "v=spf1 include:spf.mail.example ~all" --dmarc "v=DMARC1; p=nonee" > "$TMP/en.out"
check_eq "an en site: errors exit 1" "$?" 1
check_eq "an en site: each message in English at its caret" "$(cat "$TMP/en.out")" \
	'spf:1:33: error: spf-plus-all
 v=spf1 include:spf.mail.example +all
                                 ^~~~
 With "+all", mail from any server passes the check. Write "~all" (or "-all")
spf:1: summary: lookups=1/10 all=+all service_include=yes
spf:2:1: error: spf-multiple
 v=spf1 include:spf.mail.example ~all
 ^~~~~~
 Two or more records start with v=spf1. Receivers treat this as an error (permerror) and none of them takes effect. Merge them into one record and delete the rest
spf:2: summary: lookups=1/10 all=~all service_include=yes
dmarc:1:13: error: dmarc-policy
 v=DMARC1; p=nonee
             ^~~~~
 p= cannot take "nonee". Write one of "none", "quarantine" or "reject"
dmarc:1: summary: policy=- subdomain_policy=- pct=100
3 errors, 0 warnings, 0 notes'
"$KBGEN" records --root "$TMP/en" --json --spf "v=spf1 include:spf.mail.example" > "$TMP/en.json"
check_contains "an en site: --json's messages in English too" "$(cat "$TMP/en.json")" \
	'"code":"spf-no-all","message":"There is no all at the end, so servers that are not listed are left undecided. End the record with \"~all\" (or \"-all\")"'
sed -i 's/^language: en$/language: ja/' "$TMP/en/site.yaml"
NO_COLOR=1 "$KBGEN" records --root "$TMP/en" --spf "v=spf1 include:spf.mail.example +all" > "$TMP/ja.out"
check_eq "a ja site: the same record, the message in Japanese" "$(sed -n 4p "$TMP/ja.out")" \
	" 「+all」では、どのサーバから送っても認証に成功してしまいます。「~all」(または「-all」)と書いてください"

# kbgen check: a site with spf_include must have every guide heading the
# checker's diagnostics link (the shipped site has them all).
"$KBGEN" check --strict > /dev/null 2> "$TMP/check-shipped.err"
check_eq "kbgen check --strict: the shipped site has every guide" "$?:$(cat "$TMP/check-shipped.err")" "0:"
mkdir -p "$TMP/guides-site"
cp -R content decision-trees site.yaml bounce-rules.yaml "$TMP/guides-site/"
ln -sfn "$PWD/theme" "$TMP/guides-site/theme"
sed -i 's/^### 末尾のallの意味$/### allの意味/' "$TMP/guides-site/content/deliverability/spf.md"
"$KBGEN" check --root "$TMP/guides-site" > /dev/null 2> "$TMP/check-guides.err"
check_eq "kbgen check: a guide heading renamed is a warning at site.yaml" "$(cat "$TMP/check-guides.err")" \
"site.yaml:1:1: warning: the record checker (spf_include) links /deliverability/spf/#末尾のallの意味, which this site does not have: an article at /deliverability/spf/ with the heading '末尾のallの意味'
kbgen: 0 errors, 1 warning; nothing written"

# ---- kb.cgi: /records and /records.json, straight into the program

case $KBGEN in
*asan*) program=build/asan/kb.cgi ;;
*) program=build/kb.cgi ;;
esac
out="$TMP/out"
if ! "$KBGEN" build --out "$out" 2>"$TMP/build.stderr"; then
	fail "the shipped site builds" "$(head -c 600 "$TMP/build.stderr")"
	finish
fi

# cgi PATH_INFO QUERY_STRING — runs kb.cgi as a CGI/1.1 GET; the status
# line is in $TMP/status, the headers in $TMP/headers, the body in $TMP/body.
cgi() {
	env -i REQUEST_METHOD=GET PATH_INFO="$1" QUERY_STRING="$2" \
		SCRIPT_NAME=/cgi-bin/kb.cgi KB_DB="$out/kb.db" \
		ASAN_OPTIONS="${ASAN_OPTIONS:-}" "$program" > "$TMP/response" 2> "$TMP/cgi.stderr"
	python3 - "$TMP" <<'PY'
import sys
tmp = sys.argv[1]
data = open(tmp + "/response", "rb").read()
head, _, body = data.partition(b"\r\n\r\n") if b"\r\n\r\n" in data else data.partition(b"\n\n")
lines = head.decode().splitlines()
open(tmp + "/status", "w").write(lines[0] if lines else "")
open(tmp + "/headers", "w").write("\n".join(lines) + "\n")
open(tmp + "/body", "wb").write(body)
PY
}

# text_of FILE — the page's <main> as text, one line per block.
main_text() {
	python3 - "$TMP/body" <<'PY'
import html.parser, sys
class Text(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(); self.inside = 0; self.out = []; self.line = ""
    def handle_starttag(self, tag, attrs):
        if tag == "main": self.inside = 1
        if self.inside and tag in ("p", "h1", "h2", "li", "dt", "dd", "label", "input", "button"):
            self.flush()
        if self.inside and tag == "mark": self.line += "["
        if self.inside and tag == "input":
            value = dict(attrs).get("value")
            if value: self.line += "{" + value + "}"
    def handle_endtag(self, tag):
        if tag == "main": self.flush(); self.inside = 0
        if self.inside and tag == "mark": self.line += "]"
    def handle_data(self, data):
        if self.inside: self.line += data
    def flush(self):
        if self.line.strip(): self.out.append(self.line.strip())
        self.line = ""
t = Text(); t.feed(open(sys.argv[1], encoding="utf-8").read())
print("\n".join(t.out))
PY
}

cgi /records ""
check_eq "/records: 200" "$(cat "$TMP/status")" "Status: 200 OK"
check_contains "/records: the form, to kb.cgi's /records" "$(cat "$TMP/body")" \
	'<form class="records-form" method="get" action="/cgi-bin/kb.cgi/records">'
check_contains "/records: not for search engines" "$(cat "$TMP/body")" \
	'<meta name="robots" content="noindex">'

# Two mistakes in one record, a second SPF record, and a DMARC record at
# the wrong name: every diagnostic at its column, the characters marked.
query='spf=v%3Dspf1+a+mx+inlcude%3A_spf.example.net+%2Ball&spf=v%3Dspf1+-all&dmarc=example.jp.+IN+TXT+%22v%3DDMARC1%3B+p%3Dnone%22'
cgi /records "$query"
check_eq "/records with mistakes: 200" "$(cat "$TMP/status")" "Status: 200 OK"
check_eq "/records with mistakes: the results, located" "$(main_text)" \
"レコードの確認結果
エラー 6件、警告 0件、補足 1件
SPFレコード 1
v=spf1 a mx inlcude:_spf.example.net +all
エラー 13文字目 spf-unknown-mechanism
v=spf1 a mx [inlcude:_spf.example.net] +all
「inlcude」という指定はありません。「include」の書き間違いではありませんか
解説: 手順2 TXTレコードを登録する
エラー 38文字目 spf-plus-all
…1 a mx inlcude:_spf.example.net [+all]
「+all」では、どのサーバから送っても認証に成功してしまいます。「~all」(または「-all」)と書いてください
解説: 末尾のallの意味
エラー 38文字目 spf-include-missing
…1 a mx inlcude:_spf.example.net [+]all
当サービスの「include:_spf.example.net」がありません。all の前に「include:_spf.example.net」を書き足してください
解説: 手順2 TXTレコードを登録する
DNS参照の回数
2回(上限10回)
末尾のall
+all
当サービスのinclude
なし
SPFレコード 2
v=spf1 -all
エラー 1文字目 spf-multiple
[v=spf1] -all
v=spf1 で始まるレコードが2つ以上あります。受信側はSPFをエラー(permerror)として扱い、どれも効かなくなります。1つのレコードにまとめ、残りは削除してください
解説: すでにSPFレコードがある場合
エラー 8文字目 spf-include-missing
v=spf1 [-]all
当サービスの「include:_spf.example.net」がありません。all の前に「include:_spf.example.net」を書き足してください
解説: 手順2 TXTレコードを登録する
DNS参照の回数
0回(上限10回)
末尾のall
-all
当サービスのinclude
なし
DMARCのレコード 1
example.jp. IN TXT \"v=DMARC1; p=none\"
エラー 1文字目 dmarc-name
[example.jp.] IN TXT \"v=DMARC1; p=none\"
DMARCのレコードは、ドメインの前に「_dmarc.」を付けた名前に登録します(例: _dmarc.example.jp)
解説: DMARCの設定
補足 31文字目 dmarc-none
example.jp. IN TXT \"v=DMARC1; [p=none]\"
p=none は報告を受け取るだけで、認証に失敗したメールの扱いは変わりません。レポートで正規のメールが認証に成功していることを確かめたら、p=quarantine、p=reject へ進めてください
解説: DMARCの設定
名前
example.jp.
ポリシー(p=)
none
サブドメインのポリシー(sp=)
-
適用する割合(pct=)
100
直してもう一度確かめる
SPFレコード
v=spf1 で始まる値です。
{v=spf1 a mx inlcude:_spf.example.net +all}
2つ目のSPFレコード(ある場合)
v=spf1 で始まるレコードがもう1つあるときは、こちらに貼り付けてください。2つあること自体が間違いなので、そのこともお知らせします。
{v=spf1 -all}
DKIMの公開鍵のレコード
セレクタ._domainkey.ドメイン に登録する、v=DKIM1; で始まる値です。\"...\" に分けて登録した場合は、そのまま貼り付けてください。
DMARCのレコード
_dmarc.ドメイン に登録する、v=DMARC1; で始まる値です。
{example.jp. IN TXT \"v=DMARC1; p=none\"}
確かめる"

# Each guide link is the heading of a published article.
grep -o 'class="records-guide">[^<]*<a href="[^"]*"' "$TMP/body" | sed 's/.*href="//; s/"$//' | sort -u > "$TMP/guides"
check_eq "/records: the guides linked" "$(python3 -c 'import sys, urllib.parse; [print(urllib.parse.unquote(l.strip())) for l in open(sys.argv[1])]' "$TMP/guides")" \
"/deliverability/guideline/#dmarcの設定
/deliverability/spf/#すでにspfレコードがある場合
/deliverability/spf/#手順2-txtレコードを登録する
/deliverability/spf/#末尾のallの意味"

# Every guide any diagnostic can link is a heading of the shipped site.
guides=$(grep -ho '"deliverability/[a-z]*/", "[^"]*"' gen/content/records.c | sort -u)
count=0
while IFS= read -r line; do
	page=$(printf '%s' "$line" | sed 's/^"\([^"]*\)", .*/\1/')
	heading=$(printf '%s' "$line" | sed 's/^"[^"]*", "\(.*\)"$/\1/')
	slug=$(python3 -c 'import sys, re; t = sys.argv[1].lower(); print(re.sub(r"[^\w\- ]", "", t).replace(" ", "-"))' "$heading")
	count=$((count + 1))
	if grep -q "id=\"$slug\"" "$out/$page/index.html" 2>/dev/null; then
		pass "guide $page#$slug is a heading of the site"
	else
		fail "guide $page#$slug is a heading of the site" "no id=\"$slug\" in $out/${page}index.html"
	fi
done <<< "$guides"
check_eq "the checker links 10 guide headings" "$count" 10

# One record a line in an spf value (as dig +short prints them).
cgi /records.json 'spf=v%3Dspf1+mx+-all%0D%0Av%3Dspf1+include%3A_spf.example.net+-all%0A%0A'
check_eq "/records.json: 200" "$(cat "$TMP/status")" "Status: 200 OK"
check_contains "/records.json: JSON" "$(cat "$TMP/headers")" "Content-Type: application/json; charset=utf-8"
check_eq "/records.json: one record a line, blank lines skipped" "$(cat "$TMP/body")" \
'{"records":[{"kind":"spf","index":1,"text":"v=spf1 mx -all","name":null,"diagnostics":[{"column":11,"length":1,"severity":"error","code":"spf-include-missing","message":"当サービスの「include:_spf.example.net」がありません。all の前に「include:_spf.example.net」を書き足してください","guide":"deliverability/spf/#手順2-txtレコードを登録する"}],"summary":{"lookups":1,"all":"-all","service_include":false}},{"kind":"spf","index":2,"text":"v=spf1 include:_spf.example.net -all","name":null,"diagnostics":[{"column":1,"length":6,"severity":"error","code":"spf-multiple","message":"v=spf1 で始まるレコードが2つ以上あります。受信側はSPFをエラー(permerror)として扱い、どれも効かなくなります。1つのレコードにまとめ、残りは削除してください","guide":"deliverability/spf/#すでにspfレコードがある場合"}],"summary":{"lookups":1,"all":"-all","service_include":true}}],"errors":2,"warnings":0,"notes":0}'

key=$(head -n 4 tests/records/good.args | sed -n 4p)
cgi /records.json "dkim=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$key")"
check_contains "/records.json: the DKIM key's bits" "$(cat "$TMP/body")" \
	'"summary":{"key_type":"rsa","key_bits":2048,"revoked":false,"testing":false}'

cgi /records "spf=&dkim=&dmarc="
check_eq "/records with empty fields: 200" "$(cat "$TMP/status")" "Status: 200 OK"
check_contains "/records with empty fields: asks for a record" "$(cat "$TMP/body")" \
	'<p class="records-status" role="status">確かめるレコードを1つ以上入力してください。</p>'

cgi /records "spf=%3C%2Finput%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E"
check_not_contains "/records: what was pasted is escaped" "$(cat "$TMP/body")" "<script>alert"
check_contains "/records: what was pasted is shown as text" "$(cat "$TMP/body")" \
	'<code>&lt;/input&gt;&lt;script&gt;alert(1)&lt;/script&gt;</code>'

env -i REQUEST_METHOD=POST PATH_INFO=/records CONTENT_LENGTH=0 SCRIPT_NAME=/cgi-bin/kb.cgi \
	KB_DB="$out/kb.db" ASAN_OPTIONS="${ASAN_OPTIONS:-}" "$program" < /dev/null > "$TMP/post" 2>/dev/null
check_eq "/records: POST is refused (405, GET and HEAD allowed)" \
	"$(grep -a -e '^Status:' -e '^Allow:' "$TMP/post" | tr -d '\r')" "Status: 405 Method Not Allowed
Allow: GET, HEAD"

# Refusals: a control character, more than 16 records, an over-long field.
cgi /records "dmarc=v%3DDMARC1%3B%01p%3Dnone"
check_eq "/records: a control character is refused (400)" "$(cat "$TMP/status")" "Status: 400 Bad Request"
cgi /records.json "dmarc=v%3DDMARC1%3B%C2%85p%3Dnone"
check_eq "/records.json: a C1 control is refused (400)" "$(cat "$TMP/status")" "Status: 400 Bad Request"
check_eq "/records.json: the refusal is JSON" "$(cat "$TMP/body")" '{"error":"invalid parameter value"}'
cgi /records "spf=$(printf 'v%%3Dspf1+-all%%0A%.0s' $(seq 17))"
check_eq "/records: 17 records are refused (400)" "$(cat "$TMP/status")" "Status: 400 Bad Request"
cgi /records.json "spf=$(printf 'v%%3Dspf1+-all%%0A%.0s' $(seq 17))"
check_eq "/records.json: 17 records, as JSON" "$(cat "$TMP/body")" '{"error":"request too large"}'

# kb.cgi takes the include from kb.db: a site with its own spf_include.
make_site "$TMP/own"
printf 'cgi_url: /cgi-bin/kb.cgi\nspf_include: spf.mail.example\n' >> "$TMP/own/site.yaml"
mkdir -p "$TMP/own/content/guide"
printf -- '---\ntitle: SPF\ndescription: SPF\n---\n\n## SPF\n\n[確かめる](../../records/)\n' > "$TMP/own/content/guide/spf.md"
if "$KBGEN" build --root "$TMP/own" --out "$TMP/own-out" 2>"$TMP/own.stderr"; then
	saved=$out
	out="$TMP/own-out"
	cgi /records.json "spf=v%3Dspf1+include%3Aspf.mail.example+-all"
	check_contains "kb.cgi: the site's own spf_include, from kb.db" "$(cat "$TMP/body")" \
		'"summary":{"lookups":1,"all":"-all","service_include":true}'
	check_file "the static form is published at records/" "$out/records/index.html"
	check_contains "an article's ../../records/ link is the form's URL" \
		"$(cat "$out/guide/spf/index.html")" 'href="/records/"'
	out=$saved
else
	fail "a site with spf_include builds" "$(head -c 600 "$TMP/own.stderr")"
fi

# kb.cgi takes the messages' language from kb.db: an en site's answers
# are in English (the JSON's message and the page's).
make_site "$TMP/en-cgi"
sed -i 's/^language: ja$/language: en/' "$TMP/en-cgi/site.yaml"
printf 'cgi_url: /cgi-bin/kb.cgi\nspf_include: spf.mail.example\n' >> "$TMP/en-cgi/site.yaml"
if "$KBGEN" build --root "$TMP/en-cgi" --out "$TMP/en-cgi-out" 2>"$TMP/en-cgi.stderr"; then
	saved=$out
	out="$TMP/en-cgi-out"
	cgi /records.json "spf=v%3Dspf1+mx+-all"
	check_contains "kb.cgi, an en site: /records.json's message in English" "$(cat "$TMP/body")" \
		'"code":"spf-include-missing","message":"The service'"'"'s \"include:spf.mail.example\" is missing. Add \"include:spf.mail.example\" before all"'
	cgi /records "dmarc=v%3DDMARC1%3B+p%3Dnone"
	check_contains "kb.cgi, an en site: /records' message in English" "$(main_text)" \
		"p=none only collects reports; mail that fails authentication is handled as before."
	out=$saved
else
	fail "an en site with spf_include builds" "$(head -c 600 "$TMP/en-cgi.stderr")"
fi

# Where customers meet it: the SPF and DKIM articles and the
# spf-dkim-setup wizard link the form.
for page in deliverability/spf deliverability/dkim wizard/spf-dkim-setup/spf-includes-service \
	wizard/spf-dkim-setup/set-up-dkim; do
	check_contains "$page links /records/" "$(cat "$out/$page/index.html")" 'href="/records/"'
done
check_contains "the static /records/ form submits to kb.cgi" "$(cat "$out/records/index.html")" \
	'<form class="records-form" method="get" action="/cgi-bin/kb.cgi/records">'
cgi /wizard/spf-dkim-setup/spf-includes-service "manage-dns=yes&spf-published=yes"
check_contains "kb.cgi's wizard step links /records/ too" "$(cat "$TMP/body")" 'href="/records/"'

# The hostile corpus's XSS payloads in every field of both routes, over
# HTTP (lighttpd) and straight into the program (tests/cgi/hostile.py:
# statuses, escaping, no sanitizer report).
python3 - > "$TMP/hostile.txt" <<'PY'
import importlib.util, urllib.parse
spec = importlib.util.spec_from_file_location("hostile", "tests/cgi/make-hostile.py")
hostile = importlib.util.module_from_spec(spec)
spec.loader.exec_module(hostile)
print("# the record checker's fields, each XSS payload of make-hostile.py")
for payload in hostile.XSS:
    e = urllib.parse.quote(payload, safe="")
    for route in ("/records", "/records.json"):
        print(f"200 GET {route}?spf={e}&dkim={e}&dmarc={e}")
        print(f"200 GET {route}?spf=v%3Dspf1+include%3A{e}+-all&dkim=v%3DDKIM1%3B+p%3D{e}&dmarc=v%3DDMARC1%3B+p%3D{e}%3B+rua%3Dmailto%3A{e}")
        print(f"200 GET {route}?dmarc={e}.example+TXT+%22v%3DDMARC1%3B+p%3Dnone%22")
PY
if serve_site "$out" "$PWD/$program"; then
	SUITE=$SUITE python3 tests/cgi/hostile.py "$TMP/hostile.txt" "$served_url/cgi-bin/kb.cgi" \
		"$PWD/$program" "$out/kb.db" > "$TMP/hostile.out" 2> "$TMP/hostile.stderr"
	rc=$?
	grep -a '^FAIL: ' "$TMP/hostile.out"
	n=$(grep -ac '^FAIL: ' "$TMP/hostile.out")
	failures=$((failures + n))
	passed=$(grep -ac '^PASS: ' "$TMP/hostile.out")
	if [ "$rc" -ne 0 ] && [ "$n" -eq 0 ]; then
		fail "hostile.py ran" "exit $rc: $(tail -c 600 "$TMP/hostile.stderr")"
	elif [ "$passed" -lt 180 ]; then
		fail "hostile.py: every request checked" "$passed passed"
	else
		pass "hostile.py: the checker's $passed hostile requests answered and escaped"
	fi
	kill "$served_pid" 2>/dev/null
	wait "$served_pid" 2>/dev/null
fi

finish
