# tests/cli/cgi_fastcgi.sh — every check of tests/cli/cgi.sh (routes,
# statuses, headers, the hostile corpus over HTTP), with lighttpd running
# kb.cgi as FastCGI workers it spawns (mod_fastcgi), as `make serve` does.
KB_CGI_MODE=fastcgi
. tests/cli/cgi.sh
