# A site in each of the theme's languages builds, with no warning from the
# theme, and its pages (the static ones and kb.cgi's) speak that language:
# an English site once failed on a UI string holding ': ' unquoted.
. tests/lib.sh

case $KBGEN in
*asan*) program=build/asan/kb.cgi ;;
*) program=build/kb.cgi ;;
esac
for language in ja en; do
	site="$TMP/$language"
	make_site "$site"
	sed -i "s/^language: ja/language: $language/" "$site/site.yaml"
	printf 'cgi_url: /cgi-bin/kb.cgi\nspf_include: _spf.example.net\n' >> "$site/site.yaml"
	mkdir -p "$site/content/guide"
	printf -- '---\ntitle: First steps\ndate: 2026-01-02\n---\n\nSet up SPF first.\n' \
		> "$site/content/guide/first.md"
	"$KBGEN" build --root "$site" --out "$TMP/$language-out" >"$TMP/$language.log" 2>&1
	check_eq "$language: the site builds" "$?" 0
	check_eq "$language: nothing to warn about" "$(grep -c -e warning -e error "$TMP/$language.log")" 0
	check_contains "$language: the article page says its language" \
		"$(cat "$TMP/$language-out/guide/first/index.html")" "<html lang=\"$language\">"
	check_contains "$language: the record checker's page too" \
		"$(cat "$TMP/$language-out/records/index.html")" "<html lang=\"$language\">"
	env -i REQUEST_METHOD=GET PATH_INFO=/records SCRIPT_NAME=/cgi-bin/kb.cgi \
		QUERY_STRING='spf=v%3Dspf1+%2Ball' HTTP_HOST=127.0.0.1:8080 \
		REMOTE_ADDR=192.0.2.1 KB_DB="$TMP/$language-out/kb.db" \
		${ASAN_OPTIONS:+ASAN_OPTIONS=$ASAN_OPTIONS} "$program" > "$TMP/$language.cgi" 2>"$TMP/$language.cgi.log"
	check_eq "$language: kb.cgi answers the checker" "$(head -n 1 "$TMP/$language.cgi" | tr -d '\r')" "Status: 200 OK"
	check_contains "$language: kb.cgi's page says its language" \
		"$(cat "$TMP/$language.cgi")" "<html lang=\"$language\">"
done
check_contains "en: the checker's form in English" \
	"$(cat "$TMP/en-out/records/index.html")" "A second SPF record (if there is one)"
finish
