#!/bin/sh
# lighttpd-conf.sh OUT_DIR PORT [CGI_PROGRAM] [LIVE_DIR] — prints a lighttpd
# configuration serving OUT_DIR on 127.0.0.1:PORT; when CGI_PROGRAM exists
# it answers under /cgi-bin/kb.cgi with KB_DB pointing at OUT_DIR/kb.db.
# With LIVE_DIR (kbgen watch's OUT_DIR.live), /_kb/ serves that folder
# uncached: the live-reload script and status.json, kept outside OUT_DIR
# because every build replaces OUT_DIR whole.
# Only what a visitor needs is served: kb.db, kb.db-* (journal, WAL, shm),
# the build cache .kbgen/ and every dot-file or dot-folder are refused
# (403), and only the program itself runs: /cgi-bin/kb.cgi and
# /cgi-bin/kb.cgi/<PATH_INFO>, never a file beside it (kb.cgi.old).
# Static pages get the CGI's security headers (the CSP of gen/cgi/cgi.c).
# KB_CGI_MODE=fastcgi (the default for `make serve`) runs kb.cgi as
# FastCGI workers lighttpd spawns and restarts (mod_fastcgi, bin-path):
# KB_CGI_WORKERS of them (default: one per core), on a socket
# OUT.kb-cgi-PORT.sock in KB_CGI_SOCKET_DIR (default: OUT_DIR's parent
# folder), which outlives every swap of OUT_DIR, and lighttpd holds up to
# 1,024 connections (KB_MAX_CONNECTIONS). KB_CGI_MODE=cgi runs one process
# per request (mod_cgi); server.max-connections bounds those processes
# too: lighttpd starts one per connection at most, and leaves further
# clients in the listen backlog. Used by `make serve` and by the
# end-to-end tests.
set -eu
out=$1
port=$2
cgi=${3:-}
live=${4:-}
csp="default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'; object-src 'none'"
headers="\"Content-Security-Policy\" => \"$csp\", \"X-Content-Type-Options\" => \"nosniff\", \"Referrer-Policy\" => \"same-origin\""
mode=${KB_CGI_MODE:-cgi}
# CGI: one process per connection at most; FastCGI: the workers are
# bounded by their number, connections only by what lighttpd can hold
max_default=32
[ "$mode" = fastcgi ] && max_default=1024
max=${KB_MAX_CONNECTIONS:-$max_default}
workers=${KB_CGI_WORKERS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)}
socket_dir=${KB_CGI_SOCKET_DIR:-$(dirname "$out")}
case $mode in
cgi | fastcgi) ;;
*) echo "lighttpd-conf.sh: KB_CGI_MODE=$mode: not cgi or fastcgi" >&2; exit 2 ;;
esac
cat <<CONF
server.document-root = "$out"
server.bind = "127.0.0.1"
server.port = $port
server.modules = ("mod_access", "mod_alias", "mod_setenv", "mod_cgi", "mod_fastcgi", "mod_staticfile")
server.errorlog = "/dev/stderr"
server.max-connections = $max
server.errorfile-prefix = "$out/"
index-file.names = ("index.html")
mimetype.assign = (
  ".html" => "text/html; charset=utf-8",
  ".css" => "text/css; charset=utf-8",
  ".js" => "text/javascript; charset=utf-8",
  ".json" => "application/json; charset=utf-8",
  ".svg" => "image/svg+xml",
  ".xml" => "application/xml; charset=utf-8",
  ".txt" => "text/plain; charset=utf-8",
  ".png" => "image/png",
  ".jpg" => "image/jpeg",
  ".jpeg" => "image/jpeg",
  ".gif" => "image/gif",
  ".webp" => "image/webp",
  ".avif" => "image/avif",
  ".ico" => "image/vnd.microsoft.icon",
  ".bmp" => "image/bmp",
  ".pdf" => "application/pdf",
  ".csv" => "text/csv; charset=utf-8",
  ".zip" => "application/zip",
  ".docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  ".xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  ".pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  ".mp3" => "audio/mpeg",
  ".mp4" => "video/mp4",
  ".webm" => "video/webm",
  ".db" => "application/octet-stream",
)
url.access-deny = (".db")
setenv.set-response-header = ($headers)
CONF
if [ -n "$cgi" ] && [ -x "$cgi" ] && [ "$mode" = fastcgi ]; then
cat <<CONF
\$HTTP["url"] =~ "^/cgi-bin/kb\\.cgi(/|\$)" {
  fastcgi.server = ("/cgi-bin/kb.cgi" => ((
    "socket" => "$socket_dir/$(basename "$out").kb-cgi-$port.sock",
    "bin-path" => "$cgi",
    "bin-environment" => ("KB_DB" => "$out/kb.db"),
    "max-procs" => $workers,
    "check-local" => "disable",
  )))
}
else \$HTTP["url"] =~ "/\\.|^/kb\\.db(-|\$)" {
  url.access-deny = ("")
}
CONF
elif [ -n "$cgi" ] && [ -x "$cgi" ]; then
cat <<CONF
\$HTTP["url"] =~ "^/cgi-bin/kb\\.cgi(/|\$)" {
  alias.url = ("/cgi-bin/kb.cgi" => "$cgi")
  cgi.assign = ("" => "")
  setenv.add-environment = ("KB_DB" => "$out/kb.db")
}
else \$HTTP["url"] =~ "/\\.|^/kb\\.db(-|\$)" {
  url.access-deny = ("")
}
CONF
else
cat <<CONF
\$HTTP["url"] =~ "/\\.|^/kb\\.db(-|\$)" {
  url.access-deny = ("")
}
CONF
fi
if [ -n "$live" ]; then
cat <<CONF
alias.url += ("/_kb/" => "$live/")
\$HTTP["url"] =~ "^/_kb/" {
  setenv.set-response-header = ($headers, "Cache-Control" => "no-store")
}
CONF
fi
