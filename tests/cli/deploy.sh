# The three deployment configurations of README's "Deploying kb.cgi":
# lighttpd (what tools/lighttpd-conf.sh writes), nginx with fcgiwrap
# (tools/deploy/nginx.conf) and Apache with mod_cgid
# (tools/deploy/apache.conf), each started by this test on a free
# 127.0.0.1 port with its own configuration, pid and log files in $TMP.
# Through each, with curl: pages 200 with the CGI's security headers;
# kb.db, kb.db-*, .kbgen/ and dot-files refused; a copy of the program
# beside it (kb.cgi.old) not run; the CGI routes answer. A server that is
# not installed is a SKIP line, never a pass. In the [asan] run the
# servers run build/asan/kb.cgi.
. tests/lib.sh

case $KBGEN in
*asan*) program=build/asan/kb.cgi ;;
*) program=build/kb.cgi ;;
esac
if [ ! -x "$program" ]; then
	fail "$program built" "run make"
	finish
fi
chmod 755 "$TMP"
# The servers' own users (Apache's nobody) must reach the site: tests/run's
# scratch folder is private (mktemp -d, 0700), so every folder above $TMP
# that they cannot pass gets the search bit, nothing more.
dir=$(dirname "$(cd "$TMP" && pwd)")
while [ "$dir" != / ]; do
	[ -O "$dir" ] && ! [ "$(stat -c %A "$dir" | cut -c10)" = x ] && chmod o+x "$dir"
	dir=$(dirname "$dir")
done
www="$TMP/www"
lib="$TMP/lib"
if ! "$KBGEN" build --out "$www" 2>"$TMP/build.stderr"; then
	fail "shipped site builds" "$(head -c 600 "$TMP/build.stderr")"
	finish
fi
mkdir -p "$lib"
cp "$program" "$lib/kb.cgi"
# A stale copy beside the program must never run, and files no visitor
# needs must be refused.
cp "$program" "$lib/kb.cgi.old"
# (Not a kb.db-journal: SQLite would take it for a hot journal.)
printf 'journal' > "$www/kb.db-old"
printf 'secret' > "$www/.hidden"
cache_file=$(cd "$www/.kbgen" && ls | head -1)
csp=$(sed -n '/^#define CSP/,/^$/p' gen/cgi/response.c | grep -o '"[^"]*"' | tr -d '"' | tr -d '\n')

pids=""
trap 'for p in $pids; do kill "$p" 2>/dev/null; done; wait 2>/dev/null' EXIT

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_up PID — waits until $base answers; 1 when the server died first.
wait_up() {
	for _ in $(seq 100); do
		if curl -s -o /dev/null "$base/"; then return 0; fi
		kill -0 "$1" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

fetch() { # NAME URL [CURL-ARGS...]; sets $code
	local name=$1 url=$2
	shift 2
	code=$(curl -s --path-as-is -D "$TMP/$name.h" -o "$TMP/$name.b" -w '%{http_code}' "$@" "$url")
}
header() {
	grep -i "^$2:" "$TMP/$1.h" | head -1 | cut -d: -f2- | sed 's/^ //' | tr -d '\r'
}

# check_server NAME — every check through the server at $base.
check_server() {
	local s=$1 u
	for u in / /404.html /static/style.css /static/kb.js; do
		fetch page "$base$u"
		check_eq "$s: $u: status" "$code" 200
		check_eq "$s: $u: Content-Security-Policy" "$(header page Content-Security-Policy)" "$csp"
		check_eq "$s: $u: X-Content-Type-Options" "$(header page X-Content-Type-Options)" nosniff
		check_eq "$s: $u: Referrer-Policy" "$(header page Referrer-Policy)" same-origin
	done
	fetch page "$base/no-such-page"
	check_eq "$s: unknown page: status" "$code" 404
	check_eq "$s: unknown page: CSP" "$(header page Content-Security-Policy)" "$csp"
	for u in /kb.db /kb.db-old /kb.db-journal /kb.db-wal /.kbgen/ "/.kbgen/$cache_file" /.hidden /static/../kb.db; do
		fetch refused "$base$u"
		case $code in
		403 | 404) pass "$s: $u refused ($code)" ;;
		*) fail "$s: $u refused" "got $code" ;;
		esac
		if grep -q -e journal -e wal -e secret -e 'SQLite format' "$TMP/refused.b" 2>/dev/null &&
			! grep -q '<html' "$TMP/refused.b"; then
			fail "$s: $u: body not served" "$(head -c 100 "$TMP/refused.b")"
		fi
	done
	fetch old "$base/cgi-bin/kb.cgi.old/search?q=spf"
	case $code in
	403 | 404) pass "$s: kb.cgi.old not run ($code)" ;;
	*) fail "$s: kb.cgi.old not run" "got $code" ;;
	esac
	fetch old "$base/cgi-bin/kb.cgi.old"
	case $code in
	403 | 404) pass "$s: /cgi-bin/kb.cgi.old refused ($code)" ;;
	*) fail "$s: /cgi-bin/kb.cgi.old refused" "got $code" ;;
	esac
	check_not_contains "$s: kb.cgi.old not downloaded" "$(head -c 4 "$TMP/old.b" | od -c)" "E   L   F"
	local cgi="$base/cgi-bin/kb.cgi"
	fetch search "$cgi/search?q=%E8%BF%B7%E6%83%91"
	check_eq "$s: search: status" "$code" 200
	check_contains "$s: search: results" "$(cat "$TMP/search.b")" "<mark>迷惑</mark>"
	check_eq "$s: search: one CSP header" "$(grep -ci '^Content-Security-Policy:' "$TMP/search.h")" 1
	check_eq "$s: search: CSP" "$(header search Content-Security-Policy)" "$csp"
	fetch json "$cgi/search.json?q=spf"
	check_eq "$s: search.json: status" "$code" 200
	check_contains "$s: search.json: Content-Type" "$(header json Content-Type)" "application/json"
	fetch wizard "$cgi/wizard/mail-not-arriving"
	check_eq "$s: wizard start: status" "$code" 303
	check_contains "$s: wizard start: Location" "$(header wizard Location)" "/cgi-bin/kb.cgi/wizard/mail-not-arriving/"
	fetch step "$cgi/wizard/mail-not-arriving/elapsed-time?delivery-error-shown=no&check-spam=not-found"
	check_eq "$s: wizard step: status" "$code" 200
	fetch unknown "$cgi/no-such-page"
	check_eq "$s: unknown CGI route: status" "$code" 404
}

# ---- lighttpd --------------------------------------------------------------
if ! command -v lighttpd >/dev/null 2>&1; then
	skip "lighttpd" "lighttpd is not installed; tools/deps.sh test installs it"
else
	port=$(free_port)
	base="http://127.0.0.1:$port"
	tools/lighttpd-conf.sh "$www" "$port" "$lib/kb.cgi" > "$TMP/lighttpd.conf"
	lighttpd -D -f "$TMP/lighttpd.conf" 2>>"$TMP/lighttpd.log" &
	pid=$!
	if wait_up "$pid"; then
		pids="$pids $pid"
		check_server lighttpd
		check_contains "lighttpd: kb.cgi processes capped" "$(cat "$TMP/lighttpd.conf")" "server.max-connections = 32"
	else
		fail "lighttpd starts" "$(head -c 600 "$TMP/lighttpd.log")"
	fi
fi

# The snippets with this test's paths; nginx's include made absolute.
snippet() {
	sed -e "s|/var/www/kb|$www|g" -e "s|/usr/local/lib/kbgen|$lib|g" \
		-e "s|/run/fcgiwrap.socket|$TMP/fcgiwrap.sock|g" \
		-e "s|include fastcgi_params;|include /etc/nginx/fastcgi_params;|" "tools/deploy/$1.conf"
}

# ---- nginx + fcgiwrap ----------------------------------------------------
if ! command -v nginx >/dev/null 2>&1 || ! command -v fcgiwrap >/dev/null 2>&1; then
	skip "nginx" "nginx-light or fcgiwrap is not installed; tools/deps.sh test installs them"
else
	port=$(free_port)
	base="http://127.0.0.1:$port"
	fcgiwrap -s "unix:$TMP/fcgiwrap.sock" >/dev/null 2>"$TMP/fcgiwrap.log" &
	pids="$pids $!"
	mkdir -p "$TMP/nginx-temp"
	cat > "$TMP/nginx.conf" <<CONF
daemon off;
master_process off;
pid $TMP/nginx.pid;
error_log $TMP/nginx.log;
events {}
http {
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path $TMP/nginx-temp/body;
    fastcgi_temp_path $TMP/nginx-temp/fastcgi;
    proxy_temp_path $TMP/nginx-temp/proxy;
    server {
        listen 127.0.0.1:$port;
        server_name localhost;
$(snippet nginx)
    }
}
CONF
	nginx -p "$TMP" -c "$TMP/nginx.conf" 2>>"$TMP/nginx.log" &
	pid=$!
	if wait_up "$pid"; then
		pids="$pids $pid"
		check_server nginx
	else
		fail "nginx starts" "$(head -c 600 "$TMP/nginx.log")"
	fi
fi

# ---- Apache + mod_cgid -----------------------------------------------------
modules=/usr/lib/apache2/modules
if ! command -v apache2 >/dev/null 2>&1 || [ ! -e "$modules/mod_cgid.so" ]; then
	skip "apache" "apache2 is not installed; tools/deps.sh test installs it"
else
	port=$(free_port)
	base="http://127.0.0.1:$port"
	user=""
	[ "$(id -u)" -eq 0 ] && user="User nobody
Group nogroup"
	cat > "$TMP/apache.conf" <<CONF
ServerRoot /etc/apache2
PidFile $TMP/apache.pid
ErrorLog $TMP/apache.log
Listen 127.0.0.1:$port
ServerName localhost
$user
LoadModule mpm_event_module $modules/mod_mpm_event.so
LoadModule authz_core_module $modules/mod_authz_core.so
LoadModule mime_module $modules/mod_mime.so
LoadModule dir_module $modules/mod_dir.so
LoadModule alias_module $modules/mod_alias.so
LoadModule env_module $modules/mod_env.so
LoadModule headers_module $modules/mod_headers.so
LoadModule cgid_module $modules/mod_cgid.so
ScriptSock $TMP/cgid.sock
MaxRequestWorkers 16
TypesConfig /etc/mime.types
$(snippet apache)
CONF
	APACHE_RUN_DIR=$TMP apache2 -f "$TMP/apache.conf" -DFOREGROUND 2>>"$TMP/apache.log" &
	pid=$!
	if wait_up "$pid"; then
		pids="$pids $pid"
		check_server apache
	else
		fail "apache starts" "$(head -c 600 "$TMP/apache.log")"
	fi
fi

case $program in
*asan*)
	if grep -l 'ERROR: AddressSanitizer\|runtime error:' "$TMP"/*.log >/dev/null 2>&1; then
		fail "no sanitizer report in the server logs" "$(grep -h -A3 'AddressSanitizer\|runtime error:' "$TMP"/*.log | head -c 600)"
	else
		pass "no sanitizer report in the server logs"
	fi
	;;
esac
finish
