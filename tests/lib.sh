# tests/lib.sh — sourced by every tests/cli/*.sh script.
# Each check prints "PASS: suite: what" or "FAIL: suite: what (detail)";
# tests/run counts those lines. Scripts run from the repository root with
# KBGEN (the generator under test) and TMP (a private scratch folder) set.
set -u
SUITE=${SUITE:-$(basename "$0" .sh)}
: "${KBGEN:=build/kbgen}"
: "${TMP:=$(mktemp -d)}"
failures=0

pass() { echo "PASS: $SUITE: $1"; }
fail() { echo "FAIL: $SUITE: $1${2:+ ($2)}"; failures=$((failures + 1)); }

# check WHAT COMMAND... — passes when the command exits 0.
check() {
	what=$1; shift
	if "$@" >/dev/null 2>&1; then pass "$what"; else fail "$what" "command failed: $*"; fi
}

# check_eq WHAT ACTUAL EXPECTED
check_eq() {
	if [ "$2" = "$3" ]; then pass "$1"; else
		fail "$1" "got '$(printf %s "$2" | head -c 600)', want '$(printf %s "$3" | head -c 600)'"
	fi
}

# check_contains WHAT HAYSTACK NEEDLE
check_contains() {
	case $2 in *"$3"*) pass "$1" ;; *) fail "$1" "'$3' not in '$(printf %s "$2" | head -c 600)'" ;; esac
}

# check_not_contains WHAT HAYSTACK NEEDLE
check_not_contains() {
	case $2 in *"$3"*) fail "$1" "'$3' found" ;; *) pass "$1" ;; esac
}

# check_file WHAT PATH — the file exists.
check_file() {
	if [ -e "$2" ]; then pass "$1"; else fail "$1" "missing $2"; fi
}

# make_site DIR — a minimal valid site root (site.yaml, theme link).
make_site() {
	mkdir -p "$1/content" "$1/decision-trees"
	ln -sfn "$PWD/theme" "$1/theme"
	printf 'title: Test KB\nbase_url: http://127.0.0.1:8080/\nlanguage: ja\nsupport:\n  email: help@example.jp\n' > "$1/site.yaml"
}

finish() { exit $((failures > 0)); }

# skip WHAT WHY — a check that could not run here; tests/run counts it as
# skipped, never as passed.
skip() { echo "SKIP: $SUITE: $1${2:+ ($2)}"; }

# serve_site OUT [CGI] — serves OUT with lighttpd (and CGI, a copy of
# kb.cgi, under /cgi-bin/kb.cgi) on a free 127.0.0.1 port; sets served_url
# (http://127.0.0.1:PORT) and served_pid, or fails and returns 1. The
# caller stops it: kill "$served_pid". Retries a port taken meanwhile.
serve_site() {
	local out=$1 cgi=${2:-} conf log port attempt
	conf="$out.lighttpd.conf" log="$out.lighttpd.log"
	served_url="" served_pid=""
	for attempt in 1 2 3; do
		port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
		tools/lighttpd-conf.sh "$out" "$port" "$cgi" > "$conf"
		lighttpd -D -f "$conf" 2>"$log" &
		served_pid=$!
		for _ in $(seq 50); do
			if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
				served_url="http://127.0.0.1:$port"
				return 0
			fi
			kill -0 "$served_pid" 2>/dev/null || break
			sleep 0.1
		done
		kill "$served_pid" 2>/dev/null
		wait "$served_pid" 2>/dev/null
		served_pid=""
	done
	fail "lighttpd serves $out" "$(head -c 600 "$log")"
	return 1
}
