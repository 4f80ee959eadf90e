# tests/cli/bench.sh — a smoke run of `make bench`'s tools on 50 articles
# (one run each): the benchmark runs end to end and results.json has every
# figure. Timings are never judged. Skipped when the benchmark's tools
# (installed by `make bench`, not by `make check`) are missing. BENCH_BASE
# is checked for its refusals only: a real base builds a whole worktree.
. tests/lib.sh

# The smoke run is made once, in the plain run: the [asan] run checks nothing.
case $KBGEN in *asan*) finish ;; esac
for tool in hugo cmark-gfm; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		skip "make bench smoke run" "$tool is not installed; make bench installs it"
		finish
	fi
done
if [ ! -x /usr/bin/time ] || [ ! -e tools/bench/node_modules/.package-lock.json ]; then
	skip "make bench smoke run" "/usr/bin/time or Pagefind missing; make bench installs them"
	finish
fi

if BENCH_DIR="$TMP/bench" BENCH_ARTICLES=50 BENCH_RUNS=1 BENCH_PAGEFIND_RUNS=1 BENCH_SERVE_SECONDS=1 BENCH_MEMORY_REQUESTS=200 \
	tools/bench.sh --no-install >"$TMP/bench.log" 2>&1; then
	pass "tools/bench.sh on 50 articles exits 0"
else
	fail "tools/bench.sh on 50 articles exits 0" "$(tail -c 600 "$TMP/bench.log")"
	finish
fi
check_contains "the table has the ratios" "$(cat "$TMP/bench.log")" "kbgen / (hugo + pagefind)"
check_file "results.json written" "$TMP/bench/results.json"
# every timed build wrote to its own new folder, deleted after the timing
check_eq "the runs' output folders are deleted at the end" \
	"$(ls -A "$TMP/bench/runs" 2>/dev/null; ls -d "$TMP/bench/kbgen-out" 2>/dev/null)" ""

missing=$(python3 - "$TMP/bench/results.json" <<'PY'
import json, os, sys
results = json.load(open(sys.argv[1]))
want = [
    "machine.nproc", "machine.cpu_model", "load.start", "load.max_1min", "kbgen.commit",
    "versions.hugo", "versions.cmark-gfm", "versions.pagefind", "versions.sqlite",
    "commands.kbgen.median_wall_s", "commands.kbgen.median_peak_rss_mib",
    "commands.hugo.median_wall_s", "commands.hugo.median_peak_rss_mib",
    "commands.cmark-gfm.median_wall_s", "commands.pagefind.median_wall_s",
    "commands.hugo+pagefind.median_wall_s", "commands.hugo+pagefind.median_peak_rss_mib",
    "ratios.kbgen/hugo", "ratios.kbgen/(hugo+pagefind)", "ratios.kbgen/cmark-gfm",
    "search.module.p50_ms", "search.module.p99_ms",
    "search.kana.module.p50_ms", "search.kana.module.p99_ms",
    "search.all.module.p50_ms", "search.all.module.p99_ms",
    "commands.kbgen.kb_db_bytes",
    "search.readings.table_s", "search.readings.index_s",
    "search.readings.tokens", "search.readings.tokens_with_readings",
]
if os.access("build/kb.cgi", os.X_OK):
    want += ["search.cgi.p50_ms", "search.cgi.p99_ms",
             "search.kana.cgi.p50_ms", "search.kana.cgi.p99_ms"]
serving = results.get("search", {}).get("serving", {})
if "skipped" not in serving:
    for target in ("search", "wizard"):
        for connections in ("1", "16", "256"):
            for mode in ("cgi", "fastcgi"):
                want.append(f"search.serving.{target}.{connections}.{mode}.requests_per_s")
    memory = serving.get("memory", {})
    if memory.get("requests", 0) < 200:
        print("search.serving.memory.requests (>= 200)")
    if not memory.get("workers"):
        print("search.serving.memory.workers")
    for worker in memory.get("workers", []):
        if not all(worker.get(k) for k in ("rss_kb_warm", "rss_kb_after",
                                           "anon_kb_warm", "anon_kb_after")):
            print(f"search.serving.memory.workers[{worker.get('pid')}]")
# /usr/bin/time counts hundredths of a second: on 50 articles cmark-gfm
# may take none, and a ratio to nothing is no figure
if results.get("commands", {}).get("cmark-gfm", {}).get("median_wall_s") == 0:
    want.remove("ratios.kbgen/cmark-gfm")
for key in want:
    node = results
    for part in key.split(".", 2 if key.startswith("ratios.") else 9):
        node = node.get(part) if isinstance(node, dict) else None
    if node is None:
        print(key)
if len(results.get("search", {}).get("queries", [])) != 100:
    print("search.queries (100)")
if len(results.get("search", {}).get("kana", {}).get("queries", [])) != 50:
    print("search.kana.queries (50)")
PY
)
check_eq "results.json has every key" "$missing" ""
check_contains "the table has the kana queries' row" "$(cat "$TMP/bench.log")" \
	"search_run, 50 kana and inflected"
check_contains "the two designs for kana queries, side by side" \
	"$(cat "$TMP/bench.log")" "readings in the index (MeCab over every text)"

BENCH_DIR="$TMP/bench" BENCH_BASE=no-such-revision-here tools/bench.py \
	>/dev/null 2>"$TMP/base.err"
check_eq "BENCH_BASE that is no revision: exit 2" "$?" 2
check_contains "BENCH_BASE that is no revision: the message" "$(cat "$TMP/base.err")" \
	"BENCH_BASE='no-such-revision-here': not a revision"
BENCH_DIR="$TMP/bench" BENCH_BASE=HEAD BENCH_SIZES=50 tools/bench.py \
	>/dev/null 2>"$TMP/base.err"
check_eq "BENCH_BASE with BENCH_SIZES: exit 2" "$?" 2
finish
