# kb.cgi's bounce analyzer: POST /bounce (a themed page) and /bounce.json
# as a CGI process under its sandbox and as a FastCGI worker: exactly
# CONTENT_LENGTH bytes read, 64 KiB at most (413), form encodings only
# (415), no length (411), Cache-Control: no-store, nothing logged; the
# same JSON as `kbgen bounce` for every sample; the static /bounce/ page.
. tests/lib.sh

case $KBGEN in
*asan*) program=build/asan/kb.cgi ;;
*) program=build/kb.cgi ;;
esac
"$KBGEN" build --root . --out "$TMP/out" --quiet 2>/dev/null
check_eq "the site builds" "$?" 0
DB="$TMP/out/kb.db"

# post PATH TYPE FILE [LENGTH] — kb.cgi's answer in $TMP/answer (headers
# and body), its log in $TMP/answer.log, what it left of stdin in
# $TMP/answer.rest
post() {
	length=${4-$(stat -c %s "$3")}
	( env -i ${ASAN_OPTIONS:+ASAN_OPTIONS=$ASAN_OPTIONS} REQUEST_METHOD=POST \
		PATH_INFO="$1" SCRIPT_NAME=/cgi-bin/kb.cgi CONTENT_TYPE="$2" \
		CONTENT_LENGTH="$length" KB_DB="$DB" "$program" >"$TMP/answer" 2>"$TMP/answer.log"
	  cat >"$TMP/answer.rest" ) <"$3"
}
header() { sed -n "s/^$1: \(.*\)\r\$/\1/p" "$TMP/answer" | head -n 1; }
body() { sed '1,/^\r$/d' "$TMP/answer"; }

# a pasted line, urlencoded
printf 'text=550+5.1.1+%%3Ctaro%%40example.jp%%3E%%3A+User+unknown' >"$TMP/line.form"
post /bounce.json application/x-www-form-urlencoded "$TMP/line.form"
check_eq "urlencoded: 200" "$(head -n 1 "$TMP/answer")" "$(printf 'Status: 200 OK\r')"
check_eq "urlencoded: JSON" "$(header Content-Type)" "application/json; charset=utf-8"
check_eq "urlencoded: no-store" "$(header Cache-Control)" "no-store"
check_eq "urlencoded: the result" "$(body)" "$(printf '550 5.1.1 <taro@example.jp>: User unknown' | "$KBGEN" bounce --db "$DB" --json)"
check_eq "urlencoded: nothing logged" "$(cat "$TMP/answer.log")" ""

# exactly CONTENT_LENGTH bytes: what follows stays unread
printf 'text=452+4.2.2+mailbox+full&more=ignored-bytes' >"$TMP/long.form"
post /bounce.json application/x-www-form-urlencoded "$TMP/long.form" 27
check_contains "CONTENT_LENGTH bytes read" "$(body)" '"status": "4.2.2"'
check_eq "not one byte more" "$(cat "$TMP/answer.rest")" "&more=ignored-bytes"

# every sample uploaded as a file, multipart/form-data: the CLI's JSON
boundary=----kbgen7MA4YWxkTrZu0gW
for sample in tests/bounces/*.eml tests/bounces/*.txt tests/bounces/*.csv; do
	name=$(basename "$sample")
	{
		printf -- '--%s\r\nContent-Disposition: form-data; name="text"\r\n\r\n\r\n' "$boundary"
		printf -- '--%s\r\nContent-Disposition: form-data; name="file"; filename="%s"\r\n' "$boundary" "$name"
		printf 'Content-Type: message/rfc822\r\n\r\n'
		cat "$sample"
		printf '\r\n--%s--\r\n' "$boundary"
	} >"$TMP/upload.form"
	post /bounce.json "multipart/form-data; boundary=$boundary" "$TMP/upload.form"
	check_eq "$name uploaded: as kbgen bounce reads it" "$(body)" "$(cat "${sample%.*}.json")"
done

# the page: results, the part that decided marked, the links, the form
printf 'text=550+5.1.1+%%3Ctaro%%40example.jp%%3E%%3A+User+unknown%%0D%%0A' >"$TMP/page.form"
post /bounce application/x-www-form-urlencoded "$TMP/page.form"
page=$(body)
check_eq "page: 200" "$(head -n 1 "$TMP/answer")" "$(printf 'Status: 200 OK\r')"
check_eq "page: no-store" "$(header Cache-Control)" "no-store"
check_eq "page: not for search engines" "$(grep -c '<meta name="robots" content="noindex">' "$TMP/answer")" 1
check_contains "page: the recipient" "$page" '<section class="bounce-result"><h2>taro@example.jp</h2>'
check_contains "page: the class by the service's name" "$page" '<dt>エラー種別</dt><dd>永続的エラー</dd>'
check_contains "page: the status marked" "$page" '<code class="bounce-diagnostic">550 <mark>5.1.1</mark> &lt;taro@example.jp&gt;: User unknown</code>'
check_contains "page: the walk, answers filled" "$page" '<a href="/cgi-bin/kb.cgi/wizard/mail-not-arriving/address-check?delivery-error-shown=yes&amp;recipient-in-report=listed&amp;error-type=permanent">診断の続きへ進む</a>'
check_contains "page: the article section" "$page" '">バウンスメールの読み方とSMTPエラーコード: 550 5.1.1 宛先のアドレスが存在しない</a>'
check_contains "page: the form again" "$page" '<form class="bounce-form" method="post" action="/cgi-bin/kb.cgi/bounce" enctype="multipart/form-data">'
check_contains "page: says nothing is kept" "$page" '保存も記録もしません'
printf 'text=hello' >"$TMP/none.form"
post /bounce application/x-www-form-urlencoded "$TMP/none.form"
check_contains "page: no bounce" "$(body)" '<p class="notice" role="status">バウンスメールとして読み取れる内容が見つかりませんでした。'
# the visitor's text is escaped, never markup
printf 'text=550+5.1.1+%%3Cscript%%3Ealert(1)%%3C%%2Fscript%%3E' >"$TMP/xss.form"
post /bounce application/x-www-form-urlencoded "$TMP/xss.form"
check_not_contains "page: the text escaped" "$(body)" '<script>alert'

# limits and refusals
head -c 65536 /dev/zero | tr '\0' 'a' >"$TMP/max.form"
post /bounce.json application/x-www-form-urlencoded "$TMP/max.form"
check_eq "64 KiB: answered" "$(head -n 1 "$TMP/answer")" "$(printf 'Status: 200 OK\r')"
head -c 65537 /dev/zero | tr '\0' 'a' >"$TMP/over.form"
post /bounce application/x-www-form-urlencoded "$TMP/over.form"
check_eq "over 64 KiB: 413" "$(head -n 1 "$TMP/answer")" "$(printf 'Status: 413 Content Too Large\r')"
check_contains "over 64 KiB: a themed page" "$(body)" '<h1>内容が大きすぎます</h1>'
check_eq "over 64 KiB: the body not read" "$(wc -c <"$TMP/answer.rest")" 65537
post /bounce.json application/x-www-form-urlencoded "$TMP/over.form"
check_eq "over 64 KiB: JSON 413" "$(body)" '{"error": "the text is too large"}'
post /bounce.json application/x-www-form-urlencoded "$TMP/line.form" 99999999999999999999999
check_eq "a huge CONTENT_LENGTH: 413" "$(head -n 1 "$TMP/answer")" "$(printf 'Status: 413 Content Too Large\r')"
post /bounce text/plain "$TMP/line.form"
check_eq "text/plain: 415" "$(head -n 1 "$TMP/answer")" "$(printf 'Status: 415 Unsupported Media Type\r')"
check_contains "415: a themed page" "$(body)" '<h1>この形式の送信には対応していません</h1>'
post /bounce.json application/json "$TMP/line.form"
check_eq "application/json: 415 as JSON" "$(body)" '{"error": "unsupported content type"}'
post /bounce.json application/x-www-form-urlencoded "$TMP/line.form" ""
check_eq "no CONTENT_LENGTH: 411" "$(head -n 1 "$TMP/answer")" "$(printf 'Status: 411 Length Required\r')"
post /bounce.json application/x-www-form-urlencoded "$TMP/line.form" 12x
check_eq "a CONTENT_LENGTH that is no number: 400" "$(head -n 1 "$TMP/answer")" "$(printf 'Status: 400 Bad Request\r')"
post /bounce.json application/x-www-form-urlencoded "$TMP/line.form" 500
check_eq "a body shorter than CONTENT_LENGTH: 400" "$(head -n 1 "$TMP/answer")" "$(printf 'Status: 400 Bad Request\r')"
post /bounce.json "multipart/form-data" "$TMP/line.form"
check_eq "multipart without a boundary: 400" "$(head -n 1 "$TMP/answer")" "$(printf 'Status: 400 Bad Request\r')"
post /search application/x-www-form-urlencoded "$TMP/line.form"
check_eq "POST elsewhere: 405" "$(head -n 1 "$TMP/answer")" "$(printf 'Status: 405 Method Not Allowed\r')"
env -i REQUEST_METHOD=GET PATH_INFO=/bounce SCRIPT_NAME=/cgi-bin/kb.cgi KB_DB="$DB" "$program" >"$TMP/answer" 2>/dev/null
check_eq "GET /bounce: 405" "$(head -n 1 "$TMP/answer")" "$(printf 'Status: 405 Method Not Allowed\r')"
check_eq "GET /bounce: Allow: POST" "$(header Allow)" "POST"

# FastCGI: the same answers on a worker's socket
cp "$program" "$TMP/kb.cgi"
python3 - "$TMP/kb.cgi" "$DB" tests/bounces <<'PY' >"$TMP/fastcgi.out" 2>"$TMP/fastcgi.err"
import os, sys
sys.path.insert(0, "tests/cgi")
from fastcgi import Worker, cgi_params, run_cgi
program, db, folder = sys.argv[1:4]
worker = Worker(program, {"KB_DB": db})
names = sorted(n for n in os.listdir(folder) if n.endswith((".eml", ".txt", ".csv")))
same = 0
for name in names:
    body = b"text=" + open(os.path.join(folder, name), "rb").read().replace(b"%", b"%25").replace(b"&", b"%26").replace(b"+", b"%2B")
    params = cgi_params("POST", "/bounce.json", "", {
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(body))})
    answer = worker.request(params, stdin=body)
    if answer.complete and answer.stdout == run_cgi(program, db, params, body):
        same += 1
    else:
        print("differs: %s" % name)
page = cgi_params("POST", "/bounce", "", {"CONTENT_TYPE": "application/x-www-form-urlencoded", "CONTENT_LENGTH": "9"})
after = worker.request(page, stdin=b"text=5.1.1")
print("same %d of %d" % (same, len(names)))
print("complete %s" % after.complete)
worker.stop()
print("log %r" % worker.log_text())
PY
check_eq "FastCGI: every sample answered as the CGI process answers it" \
	"$(grep '^same' "$TMP/fastcgi.out")" "same $(ls tests/bounces/*.eml tests/bounces/*.txt tests/bounces/*.csv | wc -l) of $(ls tests/bounces/*.eml tests/bounces/*.txt tests/bounces/*.csv | wc -l)"
check_eq "FastCGI: a body shorter than its length answered" "$(grep '^complete' "$TMP/fastcgi.out")" "complete True"
check_eq "FastCGI: nothing logged" "$(grep '^log' "$TMP/fastcgi.out")" "log ''"

# the static page and the links to it
check_file "/bounce/ written" "$TMP/out/bounce/index.html"
static=$(cat "$TMP/out/bounce/index.html")
check_contains "/bounce/: the form posts to kb.cgi" "$static" '<form class="bounce-form" method="post" action="/cgi-bin/kb.cgi/bounce" enctype="multipart/form-data">'
check_contains "/bounce/: a textarea and an upload" "$static" '<input id="bounce-file" type="file" name="file"'
check_contains "/bounce/: the privacy note" "$static" '保存も記録もしません'

# the Nu HTML checker on kb.cgi's result pages and the static page (plain
# run only: html.sh checks the static site)
case $KBGEN in *asan*) finish ;; esac
vnu=tests/browser/node_modules/vnu-jar/build/dist/vnu.jar
if [ ! -f "$vnu" ]; then
	fail "vnu.jar installed" "missing $vnu (make test-deps runs npm ci in tests/browser)"
	finish
fi
post /bounce application/x-www-form-urlencoded "$TMP/page.form"
body >"$TMP/result.html"
post /bounce "multipart/form-data; boundary=$boundary" "$TMP/upload.form"
body >"$TMP/upload.html"
post /bounce application/x-www-form-urlencoded "$TMP/none.form"
body >"$TMP/none.html"
post /bounce text/plain "$TMP/line.form"
body >"$TMP/415.html"
for page in result upload none 415; do
	java -jar "$vnu" --errors-only --stdout "$TMP/$page.html" >"$TMP/$page.vnu" 2>&1
	check_eq "Nu checker: kb.cgi's $page page, 0 errors" "$(cat "$TMP/$page.vnu")" ""
done
java -jar "$vnu" --errors-only --stdout "$TMP/out/bounce/index.html" >"$TMP/static.vnu" 2>&1
check_eq "Nu checker: /bounce/, 0 errors" "$(cat "$TMP/static.vnu")" ""
finish
