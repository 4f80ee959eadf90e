#!/bin/sh
# tools/out-manifest.sh OUT — prints one line per published file of a
# build's output folder OUT: its SHA-256 and its path, sorted by path;
# kb.db is listed by the SHA-256 of its logical dump (tools/kbdb-dump.sh)
# instead of its bytes, and the build's own cache (.kbgen/) is left out.
# Two outputs that print the same manifest serve the same site.
# Exit 0 after a manifest, 2 on a usage error, 1 when a dump fails.
set -eu
if [ $# -ne 1 ] || [ ! -d "$1" ]; then
	echo "usage: tools/out-manifest.sh OUT (a build's output folder)" >&2
	exit 2
fi
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$1"
find . -path ./.kbgen -prune -o -type f ! -name kb.db -print | LC_ALL=C sort |
	while IFS= read -r f; do sha256sum "$f"; done
if [ -f kb.db ]; then
	dump=$(mktemp)
	trap 'rm -f "$dump"' EXIT
	"$repo/tools/kbdb-dump.sh" kb.db >"$dump" || exit 1
	sum=$(sha256sum <"$dump")
	echo "${sum%% *}  ./kb.db (dump)"
fi
