#!/bin/sh
# lighttpd-conf.sh OUT_DIR PORT [CGI_PROGRAM] — prints a lighttpd
# configuration serving OUT_DIR on 127.0.0.1:PORT; when CGI_PROGRAM exists
# it answers under /cgi-bin/kb.cgi with KB_DB pointing at OUT_DIR/kb.db.
# Used by `make serve` and by the end-to-end tests.
set -eu
out=$1
port=$2
cgi=${3:-}
cat <<CONF
server.document-root = "$out"
server.bind = "127.0.0.1"
server.port = $port
server.modules = ("mod_access", "mod_alias", "mod_setenv", "mod_cgi", "mod_staticfile")
server.errorlog = "/dev/stderr"
server.errorfile-prefix = "$out/"
index-file.names = ("index.html")
mimetype.assign = (
  ".html" => "text/html; charset=utf-8",
  ".css" => "text/css; charset=utf-8",
  ".js" => "text/javascript; charset=utf-8",
  ".svg" => "image/svg+xml",
  ".xml" => "application/xml; charset=utf-8",
  ".txt" => "text/plain; charset=utf-8",
  ".png" => "image/png",
  ".jpg" => "image/jpeg",
  ".db" => "application/octet-stream",
)
url.access-deny = (".db")
setenv.set-response-header = ("X-Content-Type-Options" => "nosniff", "Referrer-Policy" => "same-origin")
CONF
if [ -n "$cgi" ] && [ -x "$cgi" ]; then
cat <<CONF
alias.url = ("/cgi-bin/kb.cgi" => "$cgi")
\$HTTP["url"] =~ "^/cgi-bin/kb\\.cgi" {
  cgi.assign = ("" => "")
  setenv.add-environment = ("KB_DB" => "$out/kb.db")
}
CONF
fi
