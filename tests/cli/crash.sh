# A build killed at any moment leaves a site kb.cgi keeps answering from:
# the old kb.db or the new one, never a mix, never a 503, and nothing in
# the output but pages, static files and kb.db (no kb.db-journal). The
# kills are made deterministic with strace's fault injection: the build is
# killed (SIGKILL) at its Nth call of rename, pwrite64 (SQLite writing
# kb.db, the "writer killed inside its transaction" of issue 15), unlink
# or openat. After each kill the next build completes and equals a clean
# build. Then: a kb.db-journal left in the output by an older kbgen, which
# updated kb.db in place, makes the next build a full one.
. tests/lib.sh
kbgen=$(cd "$(dirname "$KBGEN")" && pwd)/$(basename "$KBGEN")
case $KBGEN in
*asan*) cgi=build/asan/kb.cgi; points="1 3 8" ;;
*) cgi=build/kb.cgi; points="1 2 3 5 8 13 21 34" ;;
esac
if ! command -v strace >/dev/null 2>&1; then
	fail "strace installed" "make check installs it (tools/deps.sh test)"
	finish
fi
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=0	# LSan cannot run under ptrace

site="$TMP/site"
mkdir -p "$site"
cp -r content decision-trees site.yaml bounce-rules.yaml "$site/"
ln -sfn "$PWD/theme" "$site/theme"
out="$TMP/out"
"$kbgen" build --root "$site" --out "$out" 2>"$TMP/first.err"
check_eq "first build: exit 0" "$?" 0
article="$site/content/deliverability/spf.md"

# search WORD — kb.cgi's status and result count for WORD on $out/kb.db.
search() {
	REQUEST_METHOD=GET PATH_INFO=/search.json QUERY_STRING="q=$1" \
		KB_DB="$out/kb.db" "$cgi" 2>"$TMP/cgi.err" |
		python3 -c 'import json, sys
head, _, body = sys.stdin.buffer.read().partition(b"\r\n\r\n")
status = head.split(b" ")[1].decode()
print(status, json.loads(body)["total"] if status == "200" else "-")'
}

# same_site WHAT A B — as tests/cli/incremental.sh compares them.
same_site() {
	if diff -r -x .kbgen -x kb.db "$2" "$3" >"$TMP/diff.out" 2>&1 &&
	   [ "$(sh tools/kbdb-dump.sh "$2/kb.db")" = "$(sh tools/kbdb-dump.sh "$3/kb.db")" ]; then
		pass "$1"
	else
		fail "$1" "$(head -c 600 "$TMP/diff.out")"
	fi
}

n=0
for call in pwrite64 rename unlink openat; do
	for when in $points; do
		n=$((n + 1))
		word="crashword$n"
		printf '\n%s を含む一文。\n' "$word" >>"$article"
		( strace -f -o /dev/null -e trace="$call" \
			-e inject="$call":signal=KILL:when="$when" \
			"$kbgen" build --root "$site" --out "$out" >/dev/null 2>&1 ) 2>/dev/null
		rc=$?
		what="killed at $call #$when"
		[ "$rc" -eq 0 ] && what="$what (finished first)"
		got=$(search "$word")
		case $got in
		"200 0"|"200 1") pass "$what: kb.cgi answers from the old or the new kb.db ($got)" ;;
		*) fail "$what: kb.cgi answers from the old or the new kb.db" "got '$got': $(head -c 300 "$TMP/cgi.err")" ;;
		esac
		check_eq "$what: kb.cgi still finds SPF" "$(search SPF | cut -d' ' -f1)" 200
		check_eq "$what: nothing but the site in the output" \
			"$(ls -a "$out" | grep -E '^kb\.db-|journal' | tr '\n' ' ')" ""
		"$kbgen" build --root "$site" --out "$out" >/dev/null 2>"$TMP/next.err"
		check_eq "$what: the next build succeeds" "$?" 0
		check_eq "$what: the next build has the new text" "$(search "$word")" "200 1"
	done
done
"$kbgen" build --clean --root "$site" --out "$TMP/clean" 2>/dev/null
same_site "after $n kills: equals a clean build" "$out" "$TMP/clean"

# An older kbgen's update killed in place: its hot journal in the output.
printf '\nfinalword を含む一文。\n' >>"$article"
printf 'not a journal kb.cgi may trust' >"$out/kb.db-journal"
got=$(KBGEN_TRACE=1 "$kbgen" build --root "$site" --out "$out" 2>&1)
check_contains "a kb.db-journal in the output: a full build" "$got" "full build"
check "a kb.db-journal in the output: gone after it" test ! -e "$out/kb.db-journal"
check_eq "a kb.db-journal in the output: the new text found" "$(search finalword)" "200 1"
finish
