#!/bin/sh
# try-deploy.sh nginx|apache — tests a deployment snippet of README's
# "Deploying kb.cgi" (tools/deploy/<server>.conf, the very text README
# shows) on a free 127.0.0.1 port: builds the shipped site into a scratch
# folder, substitutes its paths into the snippet, starts the server (and
# fcgiwrap for nginx) in the foreground, and checks every route and status
# with curl. Run it as root (Apache's children then run as nobody). Prints PASS/FAIL lines; exit status 0
# when all passed. Not part of make check: the servers are not test
# dependencies. Needs: nginx-light and fcgiwrap, or apache2.
set -u
cd "$(dirname "$0")/.."
server=${1:-}
case $server in nginx | apache) ;; *) echo "usage: $0 nginx|apache" >&2; exit 2 ;; esac
tmp=$(mktemp -d)
chmod 755 "$tmp"
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
failures=0
pass() { echo "PASS: deploy-$server: $1"; }
fail() { echo "FAIL: deploy-$server: $1${2:+ ($2)}"; failures=$((failures + 1)); }

build/kbgen build --out "$tmp/www" >/dev/null 2>&1 || { fail "site builds"; exit 1; }
mkdir -p "$tmp/lib"
cp build/kb.cgi "$tmp/lib/kb.cgi"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
snippet=$(sed -e "s|/var/www/kb|$tmp/www|g" -e "s|/usr/local/lib/kbgen|$tmp/lib|g" \
	-e "s|/run/fcgiwrap.socket|$tmp/fcgiwrap.sock|g" \
	-e "s|include fastcgi_params;|include /etc/nginx/fastcgi_params;|" "tools/deploy/$server.conf")

if [ "$server" = nginx ]; then
	fcgiwrap -s "unix:$tmp/fcgiwrap.sock" 2>"$tmp/fcgiwrap.log" &
	pids="$pids $!"
	mkdir -p "$tmp/temp"
	cat > "$tmp/server.conf" <<CONF
daemon off;
master_process off;
pid $tmp/nginx.pid;
error_log $tmp/error.log;
events {}
http {
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path $tmp/temp/body;
    fastcgi_temp_path $tmp/temp/fastcgi;
    proxy_temp_path $tmp/temp/proxy;
    server {
        listen 127.0.0.1:$port;
        server_name localhost;
$snippet
    }
}
CONF
	nginx -p "$tmp" -c "$tmp/server.conf" 2>>"$tmp/error.log" &
	pids="$pids $!"
else
	modules=/usr/lib/apache2/modules
	cat > "$tmp/server.conf" <<CONF
ServerRoot /etc/apache2
PidFile $tmp/apache.pid
ErrorLog $tmp/error.log
Listen 127.0.0.1:$port
ServerName localhost
User nobody
Group nogroup
LoadModule mpm_event_module $modules/mod_mpm_event.so
LoadModule authz_core_module $modules/mod_authz_core.so
LoadModule mime_module $modules/mod_mime.so
LoadModule dir_module $modules/mod_dir.so
LoadModule alias_module $modules/mod_alias.so
LoadModule env_module $modules/mod_env.so
LoadModule cgid_module $modules/mod_cgid.so
ScriptSock $tmp/cgid.sock
TypesConfig /etc/mime.types
$snippet
CONF
	APACHE_RUN_DIR=$tmp apache2 -f "$tmp/server.conf" -DFOREGROUND 2>>"$tmp/error.log" &
	pids="$pids $!"
fi

base="http://127.0.0.1:$port"
up=""
for _ in $(seq 50); do
	if curl -s -o /dev/null "$base/"; then up=1; break; fi
	sleep 0.1
done
[ -n "$up" ] || { fail "server starts" "$(head -c 600 "$tmp/error.log")"; exit 1; }

# expect WHAT STATUS URL [CURL-ARGS...] — the status, and for kb.cgi's
# answers its headers; the body is in $tmp/body, headers in $tmp/head.
expect() {
	what=$1 want=$2 url=$3
	shift 3
	got=$(curl -s -D "$tmp/head" -o "$tmp/body" -w '%{http_code}' "$@" "$url")
	if [ "$got" = "$want" ]; then pass "$what: $want"; else fail "$what: $want" "got $got"; fi
}
has_header() {
	if grep -qi "^$1: *$2" "$tmp/head"; then pass "$3"; else fail "$3" "$(tr -d '\r' < "$tmp/head" | head -c 400)"; fi
}
has_body() {
	if grep -q "$1" "$tmp/body"; then pass "$2"; else fail "$2" "$(head -c 300 "$tmp/body")"; fi
}
cgi="$base/cgi-bin/kb.cgi"
expect "static home page" 200 "$base/"
expect "kb.db is not served" 403 "$base/kb.db"
expect "search 迷惑" 200 "$cgi/search?q=%E8%BF%B7%E6%83%91"
has_body "<mark>迷惑</mark>" "search: highlighted results"
has_header Content-Type "text/html; charset=utf-8" "search: Content-Type"
has_header Content-Security-Policy "default-src 'self'" "search: CSP"
has_header X-Content-Type-Options nosniff "search: nosniff"
expect "search.json" 200 "$cgi/search.json?q=spf"
has_header Content-Type "application/json; charset=utf-8" "search.json: Content-Type"
expect "wizard tree" 303 "$cgi/wizard/mail-not-arriving"
has_header Location "/cgi-bin/kb.cgi/wizard/mail-not-arriving/delivery-error-shown" "wizard tree: Location"
expect "wizard step with answers" 200 "$cgi/wizard/mail-not-arriving/elapsed-time?delivery-error-shown=no&check-spam=not-found"
has_body "回答の履歴" "wizard step: Your answers"
expect "unreachable step" 303 "$cgi/wizard/mail-not-arriving/no-bounce-auth?delivery-error-shown=no"
expect "unknown page" 404 "$cgi/no-such-page"
expect "POST" 405 "$cgi/search" -d ''
has_header Allow "GET, HEAD" "POST: Allow"
expect "q over 256 characters" 400 "$cgi/search?q=$(python3 -c 'print("a" * 257)')"
expect "HEAD" 200 "$cgi/search?q=spf" -I
echo "deploy-$server: $failures failed"
[ "$failures" -eq 0 ]
