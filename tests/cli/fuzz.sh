# The libFuzzer harnesses (tests/fuzz/fuzz_*.c, built by `make tests` with
# clang, ASan and UBSan) each run for FUZZ_SECONDS (30 by default) through
# tests/fuzz/run.sh, starting from their kept corpus: every crash ever
# found is there as a regression input. A harness that crashes, or a
# crash file left behind, fails the suite. Skipped in the [asan] run: the
# harnesses are sanitized already.
. tests/lib.sh
case $KBGEN in *asan*) finish ;; esac

seconds=${FUZZ_SECONDS:-30}
for source in tests/fuzz/fuzz_*.c; do
	name=$(basename "$source" .c)
	name=${name#fuzz_}
	harness=build/fuzz/fuzz_$name
	if [ ! -x "$harness" ]; then
		fail "fuzz_$name built" "missing $harness (make tests builds it with clang)"
		continue
	fi
	before=$(ls build/fuzz/crash-"$name"-* 2>/dev/null | wc -l)
	if tests/fuzz/run.sh "$harness" "$seconds" >"$TMP/$name.log" 2>&1; then
		runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$TMP/$name.log" | grep -o '[0-9]*$')
		pass "fuzz_$name: ${seconds}s, ${runs:-?} inputs, no crash"
	else
		fail "fuzz_$name: ${seconds}s without a crash" \
			"$(grep -E "ERROR|fuzz_$name:|SUMMARY|Test unit written" "$TMP/$name.log" | head -5 | tr '\n' ' ')"
	fi
	after=$(ls build/fuzz/crash-"$name"-* 2>/dev/null | wc -l)
	check_eq "fuzz_$name: no new crash file" "$after" "$before"
done
finish
