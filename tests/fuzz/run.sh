#!/bin/sh
# run.sh build/fuzz/fuzz_NAME SECONDS — runs one libFuzzer harness for
# SECONDS from the repository root. The kept corpus tests/fuzz/corpus-NAME/
# (seeds and every crash ever found, fixed) is read first and never
# written; new inputs go to build/fuzz/corpus-NAME/, crash reproducers to
# build/fuzz/crash-NAME-*. Exit status: 0 when nothing crashed.
set -eu
cd "$(dirname "$0")/../.."
harness=$1
seconds=${2:-60}
name=$(basename "$harness")
name=${name#fuzz_}
scratch=build/fuzz/corpus-$name
kept=tests/fuzz/corpus-$name
mkdir -p "$scratch"
dict=""
[ -f "tests/fuzz/$name.dict" ] && dict="-dict=tests/fuzz/$name.dict"
# shellcheck disable=SC2086
exec "$harness" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
	-max_len=8192 -print_final_stats=1 -artifact_prefix="build/fuzz/crash-$name-" \
	$dict "$scratch" "$kept"
