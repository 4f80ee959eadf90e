#!/bin/sh
# bounce-bench.sh [N] — the bounce analyzer measured (make bench-bounce):
# throughput on tests/bounces/ repeated to N messages (10,000 by
# default) on one core, peak RSS, and the share of samples whose class
# and reason are right (tools/bounce-accuracy.py). Not a test: it prints
# figures. Builds the shipped site into a scratch folder first.
set -eu
cd "$(dirname "$0")/.."
n=${1:-10000}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
build/kbgen build --quiet --out "$scratch/out"
# shellcheck disable=SC2046
taskset -c 0 /usr/bin/time -f 'peak RSS: %M KiB' build/bounce-bench "$scratch/out/kb.db" "$n" \
	$(ls tests/bounces/*.eml tests/bounces/*.txt tests/bounces/*.csv)
python3 tools/bounce-accuracy.py build/kbgen "$scratch/out/kb.db"
