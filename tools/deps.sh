#!/bin/sh
# deps.sh build|test — installs the Debian packages kbgen needs.
# Libraries are looked up through pkg-config (or their header, for the
# cmark-gfm extensions, which ship no .pc file); tools through PATH. When
# something is missing and we are root, apt-get installs it; otherwise the
# exact apt-get line is printed and the script fails.
set -eu
want=${1:-build}
missing=""

need_pc() { # pkg-config-name debian-package
	pkg-config --exists "$1" 2>/dev/null || missing="$missing $2"
}
need_file() { # path debian-package
	[ -e "$1" ] || missing="$missing $2"
}
need_cmd() { # command debian-package
	command -v "$1" >/dev/null 2>&1 || missing="$missing $2"
}

need_cmd pkg-config pkg-config
need_cmd cc gcc
need_cmd make make
need_pc libxml-2.0 libxml2-dev
need_pc sqlite3 libsqlite3-dev
need_pc yaml-0.1 libyaml-dev
need_pc libutf8proc libutf8proc-dev
need_pc libcmark-gfm libcmark-gfm-dev
need_file /usr/include/cmark-gfm-core-extensions.h libcmark-gfm-extensions-dev
need_pc libgvc libgraphviz-dev
need_cmd lighttpd lighttpd
if [ "$want" = test ]; then
	need_cmd clang clang
	need_file /usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a libclang-rt-14-dev
	need_cmd curl curl
	need_cmd sqlite3 sqlite3
	need_cmd python3 python3
fi

[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "kbgen needs these Debian packages; install them with:" >&2
	echo "  sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2 || true
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends$missing >&2
