# runner.sh — tests/run itself: it counts what suites print, whatever bytes
# they print, and a suite that fails without saying so still fails.
. tests/lib.sh
case $KBGEN in *asan*) finish ;; esac	# tests/run is a shell script

fake="$TMP/fake"
mkdir -p "$fake"
# A suite that echoes an invalid UTF-8 query, as search.sh's hostile
# queries do; grep once took the output for binary and dropped the lines
# after it, the FAIL among them.
printf '%s\n' "echo 'PASS: fake: query '\$'\\xff\\xfe'" \
	"echo 'FAIL: fake: after the bytes'" "echo 'SKIP: fake: skipped (why)'" \
	"echo 'PASS: fake: last'" "exit 1" >"$fake/bytes.sh"
out=$(tests/run "$fake/bytes.sh" 2>/dev/null)
status=$?
check_eq "invalid UTF-8 in a suite's output: every line counted (plain and asan)" \
	"$(printf '%s\n' "$out" | tail -1)" "4 passed, 2 failed, 2 skipped"
check_eq "a failure makes tests/run fail" "$status" 1
check_contains "the FAIL line after the bytes is shown" "$out" "FAIL: fake: after the bytes"

# A suite that exits non-zero without a FAIL line is one failure.
printf '%s\n' "echo 'PASS: fake: one'" "exit 3" >"$fake/silent.sh"
out=$(tests/run "$fake/silent.sh" 2>/dev/null)
check_eq "a suite exiting 3 without FAIL: counted as failed" \
	"$(printf '%s\n' "$out" | tail -1)" "2 passed, 2 failed, 0 skipped"
check_contains "it names the suite and the status" "$out" "FAIL: $fake/silent.sh: exited 3"

# All passing: exit 0.
printf '%s\n' "echo 'PASS: fake: one'" >"$fake/good.sh"
out=$(tests/run "$fake/good.sh" 2>/dev/null)
check_eq "all passing: exit 0" "$?" 0
check_eq "all passing: the summary" "$(printf '%s\n' "$out" | tail -1)" "2 passed, 0 failed, 0 skipped"
finish
