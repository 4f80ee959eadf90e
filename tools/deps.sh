#!/bin/sh
# deps.sh build|test — installs the Debian packages kbgen needs (and, for
# test, the browser tests' npm packages).
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
need_pc libseccomp libseccomp-dev
# MeCab and its IPA dictionary: query analysis and kana readings
need_file /usr/include/mecab.h libmecab-dev
need_file /var/lib/mecab/dic/ipadic-utf8/sys.dic mecab-ipadic-utf8
# libfcgi: kb.cgi's FastCGI mode
need_file /usr/include/fcgiapp.h libfcgi-dev
# ldns: the record checker's live mode (kbgen records --domain, and kb.cgi when site.yaml turns it on)
need_pc ldns libldns-dev
need_cmd lighttpd lighttpd
# git: site.yaml's git_info dates articles by their last commit
need_cmd git git
if [ "$want" = test ]; then
	# libFuzzer's runtime, wherever this clang keeps its resources
	# (libclang-rt-dev depends on the runtime of Debian's default clang).
	if command -v clang >/dev/null 2>&1; then
		need_file "$(clang -print-resource-dir)/lib/linux/libclang_rt.fuzzer-$(uname -m).a" libclang-rt-dev
	else
		missing="$missing clang libclang-rt-dev"
	fi
	need_cmd curl curl
	need_cmd sqlite3 sqlite3
	need_cmd strace strace
	need_cmd python3 python3
	need_cmd xmllint libxml2-utils
	need_cmd java default-jre-headless
	need_cmd chromium chromium
	need_file /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc fonts-noto-cjk
	need_cmd node nodejs
	need_cmd npm npm
	# tests/cli/deploy.sh: the nginx and Apache deployments (Debian's
	# policy-rc.d or a missing init keeps their system services stopped).
	need_cmd nginx nginx-light
	need_cmd fcgiwrap fcgiwrap
	need_cmd apache2 apache2
	# kb.cgi under FastCGI: cgi-fcgi talks to a worker straight, and
	# spawn-fcgi starts workers for nginx
	need_cmd cgi-fcgi libfcgi-bin
	need_cmd spawn-fcgi spawn-fcgi
	# tests/cli/records_dns.sh: an authoritative server for the test zones
	need_file /usr/sbin/nsd nsd
fi

if [ -n "$missing" ]; then
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
fi

# The browser tests' npm packages (vnu.jar, playwright-core, axe-core,
# Lighthouse 12.8.2: 13 needs Node 22, Debian has 20), at
# the exact versions of tests/browser/package-lock.json, installed again
# whenever the lock file is newer than the last install. --ignore-scripts:
# no install script runs (vnu-jar's would download a JRE when java is
# missing; playwright-core never gets a browser: Debian's chromium is used).
# package.json's overrides pin the two dependencies Lighthouse's trace
# engine asks for as "latest": npm ci would reject the lock file as soon
# as either publishes a newer release.
if [ "$want" = test ]; then
	browser=$(dirname "$0")/../tests/browser
	if [ ! -e "$browser/node_modules/.package-lock.json" ] ||
		[ "$browser/package-lock.json" -nt "$browser/node_modules/.package-lock.json" ]; then
		echo "npm ci --prefix tests/browser" >&2
		log=$(mktemp)
		if ! npm ci --prefix "$browser" --ignore-scripts --no-audit --no-fund >"$log" 2>&1; then
			cat "$log" >&2
			rm -f "$log"
			echo "deps.sh: npm ci --prefix tests/browser failed" >&2
			exit 1
		fi
		rm -f "$log"
	fi
fi
