# kb.cgi's sandbox and time limit, on the real program run directly with
# CGI variables against the shipped site: every route answers under the
# seccomp filter (exit 0, the right status); the self-test's forbidden call
# kills it with SIGSYS (and does not when the sandbox is switched off, so
# the check can fail); /proc shows the filter, no new privileges and the
# limits while a response is stuck on a full pipe; the time limit cuts that
# response without adding to it, answers a whole 503 to a request stuck on
# a locked kb.db, and bounds a FIFO as KB_DB. In the [asan] run the program
# is build/asan/kb.cgi, whose filter also allows what the sanitizer needs
# to report, and which has no RLIMIT_AS (a SKIP).
. tests/lib.sh

case $KBGEN in
*asan*) program=build/asan/kb.cgi; sanitizer=1 ;;
*) program=build/kb.cgi; sanitizer= ;;
esac
if [ ! -x "$program" ]; then
	fail "$program built" "run make"
	finish
fi
cp "$program" "$TMP/kb.cgi"
cgi="$TMP/kb.cgi"
out="$TMP/out"
if ! "$KBGEN" build --out "$out" 2>"$TMP/build.stderr"; then
	fail "shipped site builds" "$(head -c 600 "$TMP/build.stderr")"
	finish
fi
db="$out/kb.db"

# run METHOD PATH_INFO QUERY [VAR=VALUE...] — the program's output in
# $TMP/run.out, its log in $TMP/run.err; sets $rc and $status (the
# Status line's code).
run() {
	local method=$1 path=$2 query=$3
	shift 3
	env REQUEST_METHOD="$method" PATH_INFO="$path" QUERY_STRING="$query" \
		SCRIPT_NAME=/cgi-bin/kb.cgi KB_DB="$db" "$@" \
		timeout 20 "$cgi" >"$TMP/run.out" 2>"$TMP/run.err"
	rc=$?
	status=$(head -1 "$TMP/run.out" | tr -d '\r' | cut -d' ' -f2)
}

# route WHAT STATUS METHOD PATH QUERY [VAR=VALUE...] — answered under the
# sandbox: exit 0, the status, nothing in the log about the sandbox.
route() {
	local what=$1 want=$2
	shift 2
	run "$@"
	check_eq "under the sandbox, $what: exit status" "$rc" 0
	check_eq "under the sandbox, $what: status" "$status" "$want"
	# "kb.cgi: sandbox": its own lines, not a path that names the suite
	check_not_contains "under the sandbox, $what: no sandbox trouble logged" \
		"$(cat "$TMP/run.err")" "kb.cgi: sandbox"
}

many_no=$(python3 -c 'print("%E3%81%AE+" * 128)')
many_me=$(python3 -c 'print("%E3%83%A1+" * 128)')
long=$(python3 -c 'print("a" * 257)')
route "search" 200 GET /search 'q=%E8%BF%B7%E6%83%91'
check_contains "under the sandbox, search: results" "$(cat "$TMP/run.out")" "<mark>迷惑</mark>"
route "search page 2" 200 GET /search 'q=%E8%BF%B7%E6%83%91&page=2'
route "search without results" 200 GET /search 'q=qqqzzzxxyy'
route "search, 128 one-character terms" 200 GET /search "q=$many_no"
route "search.json" 200 GET /search.json 'q=%E8%BF%B7%E6%83%91'
check_contains "under the sandbox, search.json: results" "$(cat "$TMP/run.out")" '"results":[{'
route "search.json, 128 one-character terms" 200 GET /search.json "q=$many_me"
route "HEAD /search" 200 HEAD /search 'q=spf'
route "wizard tree" 303 GET /wizard/mail-not-arriving ''
route "wizard first step" 200 GET /wizard/mail-not-arriving/delivery-error-shown ''
route "wizard step" 200 GET /wizard/mail-not-arriving/check-spam 'delivery-error-shown=no'
route "wizard outcome" 200 GET /wizard/mail-not-arriving/no-bounce-server \
	'delivery-error-shown=no&check-spam=not-found&elapsed-time=over-week&no-bounce-auth=no'
check_contains "under the sandbox, wizard outcome: articles" "$(cat "$TMP/run.out")" 'href="/deliverability/spf/"'
route "wizard unreachable step" 303 GET /wizard/mail-not-arriving/no-bounce-auth 'delivery-error-shown=no'
route "unknown page" 404 GET /no-such-page ''
route "unknown tree" 404 GET /wizard/no-such-tree/x ''
route "POST" 405 POST /search 'q=a'
route "q of 257 characters" 400 GET /search "q=$long"
route "NUL in q" 400 GET /search 'q=a%00b'
route "invalid UTF-8 in q" 400 GET /search 'q=%FF'
route "no kb.db" 503 GET /search 'q=a' KB_DB="$TMP/missing.db"
route "no kb.db, search.json" 503 GET /search.json 'q=a' KB_DB="$TMP/missing.db"

# The self-test: socket(2) once confined.
run GET /search 'q=spf' KB_CGI_SANDBOX_SELFTEST=1
check_eq "self-test: a forbidden call kills with SIGSYS (exit 128 + 31)" "$rc" 159
check_eq "self-test: nothing written" "$(wc -c < "$TMP/run.out")" 0
run GET /search 'q=spf' KB_CGI_SANDBOX_SELFTEST=1 KB_CGI_SANDBOX=0
check_eq "sandbox off (KB_CGI_SANDBOX=0): the self-test's call goes through" "$rc" 0
check_eq "sandbox off: answered" "$status" 200
check_eq "sandbox off: logged" "$(cat "$TMP/run.err")" "kb.cgi: sandbox off (KB_CGI_SANDBOX=0)
kb.cgi: sandbox self-test: socket(2) was allowed"
run GET /search 'q=spf' KB_CGI_SANDBOX_SELFTEST=0
check_eq "KB_CGI_SANDBOX_SELFTEST=0: no self-test" "$rc" 0

# A response stuck on a full pipe (a server that stopped reading): /proc
# while it waits, then the time limit.
python3 - "$cgi" "$db" >"$TMP/stuck.out" 2>&1 <<'EOF'
import fcntl, os, subprocess, sys, time
cgi, db = sys.argv[1:3]
env = dict(os.environ, REQUEST_METHOD="GET", PATH_INFO="/search",
           QUERY_STRING="q=%E8%BF%B7%E6%83%91", SCRIPT_NAME="/cgi-bin/kb.cgi",
           KB_DB=db, KB_CGI_TIME_LIMIT="1")
read, write = os.pipe()
fcntl.fcntl(write, 1031, 4096)          # F_SETPIPE_SZ: the smallest pipe
start = time.monotonic()
child = subprocess.Popen([cgi], stdout=write, stderr=subprocess.PIPE, env=env)
os.close(write)
time.sleep(0.5)                         # the response is 9 KiB: it blocks
status = open(f"/proc/{child.pid}/status").read()
limits = open(f"/proc/{child.pid}/limits").read()
child.wait(timeout=10)
elapsed = time.monotonic() - start
data = b""
while chunk := os.read(read, 65536):
    data += chunk
def line(name):
    for l in limits.splitlines():
        if l.startswith(name):
            return " ".join(l.split())
for l in status.splitlines():
    if l.startswith(("Seccomp:", "NoNewPrivs:")):
        print(" ".join(l.split()))
print(line("Max cpu time"))
print(line("Max file size"))
print(line("Max open files"))
print(line("Max address space"))
print("exit", child.returncode)
print("elapsed under 3 s", elapsed < 3)
print("written", len(data), "starts", data[:16])
print("503 added", b"503" in data)
print("log", child.stderr.read().decode().strip())
EOF
stuck=$(cat "$TMP/stuck.out")
check_contains "stuck response: seccomp filter on (/proc: Seccomp 2)" "$stuck" "Seccomp: 2"
check_contains "stuck response: no new privileges" "$stuck" "NoNewPrivs: 1"
check_contains "stuck response: RLIMIT_CPU 2 s soft, 3 s hard (limit 1 s)" "$stuck" "Max cpu time 2 3 seconds"
check_contains "stuck response: RLIMIT_FSIZE 0 (pipes only)" "$stuck" "Max file size 0 0 bytes"
check_contains "stuck response: RLIMIT_NOFILE small" "$stuck" "$(python3 -c '
import re, sys
m = re.search(r"Max open files (\d+) (\d+)", sys.argv[1])
print("Max open files %s" % m.group(1) if m and int(m.group(1)) <= 16 and m.group(1) == m.group(2) else "NOFILE over 16")' "$stuck")"
if [ -n "$sanitizer" ]; then
	skip "stuck response: RLIMIT_AS" "a sanitizer build: its shadow memory reserves terabytes"
else
	check_contains "stuck response: RLIMIT_AS set" "$(grep 'Max address space' "$TMP/stuck.out")" "bytes"
	check_not_contains "stuck response: RLIMIT_AS not unlimited" "$(grep 'Max address space' "$TMP/stuck.out")" "unlimited"
fi
check_contains "stuck response: ended by the time limit (exit 3)" "$stuck" "exit 3"
check_contains "stuck response: within the limit" "$stuck" "elapsed under 3 s True"
check_contains "stuck response: what was written is the response's start" "$stuck" "starts b'Status: 200 OK"
check_contains "stuck response: no 503 spliced in" "$stuck" "503 added False"
check_contains "stuck response: logged" "$stuck" "log kb.cgi: the request took over its time limit (1000 ms): cut, the response unfinished"

# A request stuck before its response: kb.db exclusively locked by a
# writer (the program waits CGI_BUSY_TIMEOUT_MS for it, over the 100 ms
# limit set here): a whole 503 from the time limit.
cp "$db" "$TMP/locked.db"
python3 - "$cgi" "$TMP/locked.db" >"$TMP/locked.out" 2>&1 <<'EOF'
import os, sqlite3, subprocess, sys, time
cgi, db = sys.argv[1:3]
writer = sqlite3.connect(db, isolation_level=None)
writer.execute("PRAGMA journal_mode=DELETE")
writer.execute("BEGIN EXCLUSIVE")
env = dict(os.environ, REQUEST_METHOD="GET", PATH_INFO="/search.json",
           QUERY_STRING="q=spf", SCRIPT_NAME="/cgi-bin/kb.cgi", KB_DB=db,
           KB_CGI_TIME_LIMIT="0.1")
start = time.monotonic()
done = subprocess.run([cgi], capture_output=True, env=env, timeout=10)
elapsed = time.monotonic() - start
writer.execute("ROLLBACK")
head, _, body = done.stdout.partition(b"\r\n\r\n")
length = [l for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")]
print("exit", done.returncode)
print("elapsed under 1 s", elapsed < 1)
print("status", head.split(b"\r\n")[0].decode())
print("retry", b"Retry-After: 10" in head)
print("whole", bool(length) and int(length[0].split(b":")[1]) == len(body))
print("log", done.stderr.decode().strip())
EOF
locked=$(cat "$TMP/locked.out")
check_contains "locked kb.db: ended by the time limit (exit 3)" "$locked" "exit 3"
check_contains "locked kb.db: within the limit" "$locked" "elapsed under 1 s True"
check_contains "locked kb.db: 503" "$locked" "status Status: 503 Service Unavailable"
check_contains "locked kb.db: Retry-After" "$locked" "retry True"
check_contains "locked kb.db: the 503 whole (Content-Length matches)" "$locked" "whole True"
check_contains "locked kb.db: logged" "$locked" "log kb.cgi: the request took over its time limit (100 ms): answered 503"

# A FIFO as KB_DB: answered 503 within the limit, whoever refuses it.
mkfifo "$TMP/fifo.db"
start=$(date +%s%N)
run GET /search 'q=a' KB_DB="$TMP/fifo.db" KB_CGI_TIME_LIMIT=0.5
elapsed=$((($(date +%s%N) - start) / 1000000))
check_eq "FIFO as KB_DB: 503" "$status" 503
check "FIFO as KB_DB: answered within 2 s (${elapsed} ms)" test "$elapsed" -lt 2000

# A limit out of bounds is refused with a log line, and the default used.
run GET /search 'q=spf' KB_CGI_TIME_LIMIT=0.01
check_eq "KB_CGI_TIME_LIMIT=0.01: answered" "$status" 200
check_eq "KB_CGI_TIME_LIMIT=0.01: refused in the log" "$(cat "$TMP/run.err")" \
	"kb.cgi: KB_CGI_TIME_LIMIT=0.01: not a number of seconds from 0.1 to 60; the limit is 5 s"
run GET /search 'q=spf' KB_CGI_TIME_LIMIT=5x
check_contains "KB_CGI_TIME_LIMIT=5x: refused in the log" "$(cat "$TMP/run.err")" "KB_CGI_TIME_LIMIT=5x: not a number"
finish
