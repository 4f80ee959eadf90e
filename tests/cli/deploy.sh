# The deployment configurations of README's "Deploying kb.cgi": lighttpd
# (what tools/lighttpd-conf.sh writes, kb.cgi as CGI and as FastCGI
# workers), nginx with fcgiwrap (tools/deploy/nginx.conf) and with kb.cgi's
# own FastCGI workers started by spawn-fcgi (nginx-fastcgi.conf), Apache
# with mod_cgid (apache.conf) and with mod_proxy_fcgi to those workers
# (apache-fastcgi.conf), each started by this test on a free
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

# ---- lighttpd: kb.cgi as CGI, and as FastCGI workers it spawns ------------
if ! command -v lighttpd >/dev/null 2>&1; then
	skip "lighttpd" "lighttpd is not installed; tools/deps.sh test installs it"
else
	for mode in cgi fastcgi; do
		name=lighttpd
		[ "$mode" = fastcgi ] && name=lighttpd-fastcgi
		port=$(free_port)
		base="http://127.0.0.1:$port"
		KB_CGI_MODE=$mode KB_CGI_SOCKET_DIR=$TMP KB_CGI_WORKERS=2 \
			tools/lighttpd-conf.sh "$www" "$port" "$lib/kb.cgi" > "$TMP/$name.conf"
		lighttpd -D -f "$TMP/$name.conf" 2>>"$TMP/$name.log" &
		pid=$!
		if wait_up "$pid"; then
			pids="$pids $pid"
			check_server "$name"
		else
			fail "$name starts" "$(head -c 600 "$TMP/$name.log")"
		fi
	done
	check_contains "lighttpd: kb.cgi processes capped" "$(cat "$TMP/lighttpd.conf")" "server.max-connections = 32"
	check_contains "lighttpd-fastcgi: two workers" "$(cat "$TMP/lighttpd-fastcgi.conf")" '"max-procs" => 2'
fi

# The snippets with this test's paths; nginx's include made absolute.
snippet() {
	sed -e "s|/var/www/kb|$www|g" -e "s|/usr/local/lib/kbgen|$lib|g" \
		-e "s|/run/fcgiwrap.socket|$TMP/fcgiwrap.sock|g" \
		-e "s|/run/kbgen/kb-cgi.sock|$TMP/kb-cgi.sock|g" \
		-e "s|include fastcgi_params;|include /etc/nginx/fastcgi_params;|" "tools/deploy/$1.conf"
}

# run_nginx NAME SNIPPET — nginx with tools/deploy/SNIPPET.conf in its
# server { } block on a free port, then every check as NAME.
run_nginx() {
	local name=$1 snippet_name=$2 pid
	port=$(free_port)
	base="http://127.0.0.1:$port"
	mkdir -p "$TMP/$name-temp"
	cat > "$TMP/$name.conf" <<CONF
daemon off;
master_process off;
pid $TMP/$name.pid;
error_log $TMP/$name.log;
events {}
http {
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path $TMP/$name-temp/body;
    fastcgi_temp_path $TMP/$name-temp/fastcgi;
    proxy_temp_path $TMP/$name-temp/proxy;
    server {
        listen 127.0.0.1:$port;
        server_name localhost;
$(snippet "$snippet_name")
    }
}
CONF
	nginx -p "$TMP" -c "$TMP/$name.conf" 2>>"$TMP/$name.log" &
	pid=$!
	if wait_up "$pid"; then
		pids="$pids $pid"
		check_server "$name"
	else
		fail "$name starts" "$(head -c 600 "$TMP/$name.log")"
	fi
}

# run_apache NAME SNIPPET MODULE... — Apache with tools/deploy/SNIPPET.conf
# and the modules named on a free port, then every check as NAME.
run_apache() {
	local name=$1 snippet_name=$2 pid user="" module loads="" cgid_sock
	shift 2
	for module in "$@"; do
		loads="$loads
LoadModule ${module}_module $modules/mod_$module.so"
	done
	case " $* " in
	*" cgid "*) cgid_sock="ScriptSock $TMP/$name-cgid.sock" ;;
	*) cgid_sock="" ;;
	esac
	port=$(free_port)
	base="http://127.0.0.1:$port"
	[ "$(id -u)" -eq 0 ] && user="User nobody
Group nogroup"
	cat > "$TMP/$name.conf" <<CONF
ServerRoot /etc/apache2
PidFile $TMP/$name.pid
ErrorLog $TMP/$name.log
Listen 127.0.0.1:$port
ServerName localhost
$user
LoadModule mpm_event_module $modules/mod_mpm_event.so
LoadModule authz_core_module $modules/mod_authz_core.so
LoadModule mime_module $modules/mod_mime.so
LoadModule dir_module $modules/mod_dir.so
LoadModule alias_module $modules/mod_alias.so
LoadModule env_module $modules/mod_env.so
LoadModule headers_module $modules/mod_headers.so$loads
$cgid_sock
MaxRequestWorkers 16
TypesConfig /etc/mime.types
$(snippet "$snippet_name")
CONF
	APACHE_RUN_DIR=$TMP apache2 -f "$TMP/$name.conf" -DFOREGROUND 2>>"$TMP/$name.log" &
	pid=$!
	if wait_up "$pid"; then
		pids="$pids $pid"
		check_server "$name"
	else
		fail "$name starts" "$(head -c 600 "$TMP/$name.log")"
	fi
}

# ---- nginx + fcgiwrap ----------------------------------------------------
if ! command -v nginx >/dev/null 2>&1 || ! command -v fcgiwrap >/dev/null 2>&1; then
	skip "nginx" "nginx-light or fcgiwrap is not installed; tools/deps.sh test installs them"
else
	fcgiwrap -s "unix:$TMP/fcgiwrap.sock" >/dev/null 2>"$TMP/fcgiwrap.log" &
	pids="$pids $!"
	run_nginx nginx nginx
fi

# ---- kb.cgi's own FastCGI workers (spawn-fcgi), for nginx and Apache -------
workers=""
if command -v spawn-fcgi >/dev/null 2>&1; then
	# two workers on one socket, as `spawn-fcgi -F 2` starts them in the
	# README; Apache's user (nobody) must reach the socket
	KB_DB="$www/kb.db" spawn-fcgi -s "$TMP/kb-cgi.sock" -M 0666 -F 2 -- "$lib/kb.cgi" \
		>"$TMP/spawn-fcgi.log" 2>&1
	workers=$(sed -n 's/.*PID: \([0-9]*\).*/\1/p' "$TMP/spawn-fcgi.log" | tr '\n' ' ')
	pids="$pids $workers"
	check_eq "spawn-fcgi -F 2 starts two kb.cgi workers" "$(echo $workers | wc -w)" 2
fi

# ---- nginx + kb.cgi as FastCGI ---------------------------------------------
if ! command -v nginx >/dev/null 2>&1 || [ -z "$workers" ]; then
	skip "nginx-fastcgi" "nginx-light or spawn-fcgi is not installed; tools/deps.sh test installs them"
else
	run_nginx nginx-fastcgi nginx-fastcgi
fi

# ---- Apache + mod_cgid -----------------------------------------------------
modules=/usr/lib/apache2/modules
if ! command -v apache2 >/dev/null 2>&1 || [ ! -e "$modules/mod_cgid.so" ]; then
	skip "apache" "apache2 is not installed; tools/deps.sh test installs it"
else
	run_apache apache apache cgid
fi

# ---- Apache + mod_proxy_fcgi, kb.cgi as FastCGI ------------------------------
if ! command -v apache2 >/dev/null 2>&1 || [ ! -e "$modules/mod_proxy_fcgi.so" ] || [ -z "$workers" ]; then
	skip "apache-fastcgi" "apache2 or spawn-fcgi is not installed; tools/deps.sh test installs them"
else
	run_apache apache-fastcgi apache-fastcgi setenvif proxy proxy_fcgi
fi
if [ -n "$workers" ]; then
	dead=""
	for w in $workers; do kill -0 "$w" 2>/dev/null || dead="$dead $w"; done
	check_eq "the FastCGI workers are still up after both servers" "$dead" ""
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
