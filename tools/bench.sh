#!/bin/sh
# tools/bench.sh [--no-install] [bench.py options] — what `make bench` runs
# after building: installs the tools the benchmark compares kbgen with,
# builds the search timing harness, then runs tools/bench.py (which see for
# the environment variables: BENCH_ARTICLES, BENCH_RUNS,
# BENCH_PAGEFIND_RUNS, BENCH_SIZES, BENCH_DIR, BENCH_BASE,
# BENCH_SERVE_SECONDS, BENCH_MEMORY_REQUESTS, KB_SHARED).
#
# From Debian (apt-get as root; otherwise the apt-get line is printed and
# the script fails): hugo, cmark-gfm, time (/usr/bin/time, for peak RSS),
# wrk and lighttpd (kb.cgi served as CGI and as FastCGI),
# hyperfine (asked for by the benchmark's issue, handy for one-off
# comparisons; bench.py does not use it, since it can neither alternate
# commands run by run nor report peak RSS), node and npm.
# From npm: Pagefind at the exact version of tools/bench/package-lock.json,
# `npm ci --ignore-scripts`: the Linux binary comes inside the package
# @pagefind/linux-x64 (an optional dependency of pagefind), so nothing is
# downloaded but the npm packages themselves, and no install script runs.
#
# --no-install: install nothing; fail with the install line when a tool is
# missing (used by tests/cli/bench.sh).
# A benchmark, not a test: it exits 0 whenever everything ran, whatever the
# timings.
set -eu
cd "$(dirname "$0")/.."
install=1
if [ "${1:-}" = --no-install ]; then
	install=0
	shift
fi

missing=""
need_cmd() { # command debian-package
	command -v "$1" >/dev/null 2>&1 || missing="$missing $2"
}
need_file() { # path debian-package
	[ -e "$1" ] || missing="$missing $2"
}
need_cmd hugo hugo
need_cmd cmark-gfm cmark-gfm
need_file /usr/bin/time time
need_cmd python3 python3
need_cmd node nodejs
need_cmd npm npm
need_cmd cc gcc
need_cmd pkg-config pkg-config
# kb.cgi served as CGI and as FastCGI (tools/bench_serve.py; without
# them bench.py says the comparison was skipped)
[ $install -eq 1 ] && need_cmd wrk wrk
[ $install -eq 1 ] && need_cmd lighttpd lighttpd
[ $install -eq 1 ] && need_cmd hyperfine hyperfine

if [ -n "$missing" ]; then
	if [ $install -eq 0 ] || [ "$(id -u)" -ne 0 ]; then
		echo "make bench needs these Debian packages; install them with:" >&2
		echo "  sudo apt-get install -y$missing" >&2
		exit 1
	fi
	echo "installing:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2 || true
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends$missing >&2
fi

# Pagefind, installed again whenever the lock file is newer than the last
# install.
bench_npm=tools/bench
if [ ! -e "$bench_npm/node_modules/.package-lock.json" ] ||
	[ "$bench_npm/package-lock.json" -nt "$bench_npm/node_modules/.package-lock.json" ]; then
	if [ $install -eq 0 ]; then
		echo "Pagefind is not installed; run: npm ci --prefix $bench_npm --ignore-scripts" >&2
		exit 1
	fi
	echo "npm ci --prefix $bench_npm" >&2
	log=$(mktemp)
	if ! npm ci --prefix "$bench_npm" --ignore-scripts --no-audit --no-fund >"$log" 2>&1; then
		cat "$log" >&2
		rm -f "$log"
		echo "bench.sh: npm ci --prefix $bench_npm failed" >&2
		exit 1
	fi
	rm -f "$log"
fi

# The search timing harness, against the stage archives `make` built
# (written under a private name, then renamed: two runs at once never see
# half a binary).
objects="build/lib/db.a build/lib/base.a"
# shellcheck disable=SC2086
make --no-print-directory -s $objects
# The query side may call MeCab, which ships no .pc file: its libraries
# are added when the archive asks for them.
extra_libs=""
if nm -u build/lib/db.a 2>/dev/null | grep -q ' mecab_'; then
	extra_libs="-lmecab -lstdc++"
fi
# shellcheck disable=SC2046,SC2086
cc -O2 -g -std=c11 -D_DEFAULT_SOURCE -D_GNU_SOURCE -Wall -Wextra -Werror \
	-Igen $(pkg-config --cflags sqlite3 libutf8proc) tools/bench-search.c \
	$objects $(pkg-config --libs sqlite3 libutf8proc) $extra_libs -o build/bench-search.$$
mv -f build/bench-search.$$ build/bench-search
# shellcheck disable=SC2046,SC2086
cc -O2 -g -std=c11 -D_DEFAULT_SOURCE -D_GNU_SOURCE -Wall -Wextra -Werror \
	-Igen $(pkg-config --cflags sqlite3 libutf8proc) tools/bench-readings.c \
	$objects $(pkg-config --libs sqlite3 libutf8proc) $extra_libs -o build/bench-readings.$$
mv -f build/bench-readings.$$ build/bench-readings

exec python3 tools/bench.py "$@"
