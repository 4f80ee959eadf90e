# tests/cli/layers.sh — the link boundaries of gen/'s stages (Makefile):
#   - each stage's layer check (build/layers/STAGE.so) is the command make
#     runs; it fails, naming the symbol, when a stage calls upwards or
#     sideways: a probe object calling content from base, and one calling
#     build from cgi, are refused, the real archives pass;
#   - kb.cgi depends on no Graphviz library and takes no build-side object
#     from the archives (its link map, build/kb.cgi.map, lists what it took);
#   - build/kbtok.so is the tokenizer core alone: no libsqlite3 in its ldd,
#     no sqlite3_* symbol it expects a library to define, nothing defined
#     but what tokenizer.o and kbtok_ext.o define;
#   - inside gen/cgi/, the routes and the request and response code never
#     call the routing (cgi.o): no circle.
# Runs against the plain build (build/), whatever KBGEN is.
. tests/lib.sh

# layer_command STAGE — the shell command make runs for build/layers/STAGE.so.
layer_command() {
	make --no-print-directory -s -B -n "build/layers/$1.so" 2>/dev/null |
		sed -e ':a' -e '/\\$/N; s/\\\n//; ta' | grep -- '-Wl,-z,defs'
}

# probe STAGE OTHER — links STAGE's archive plus an object calling a
# function OTHER's archive defines, with STAGE's layer command; prints the
# linker's output, returns its status.
probe() {
	local stage=$1 other=$2 symbol command
	symbol=$(nm --defined-only -g "build/lib/$other.a" 2>/dev/null | awk '$2 == "T" { print $3; exit }')
	[ -n "$symbol" ] || { echo "no function defined in build/lib/$other.a"; return 2; }
	printf 'void %s(void);\nvoid layers_probe(void);\nvoid layers_probe(void) { %s(); }\n' \
		"$symbol" "$symbol" >"$TMP/probe.c"
	cc -fPIC -c "$TMP/probe.c" -o "$TMP/probe.o" || return 2
	cp "build/lib/$stage.a" "$TMP/$stage.a"
	ar rs "$TMP/$stage.a" "$TMP/probe.o" 2>/dev/null
	command=$(layer_command "$stage")
	command=${command//build\/lib\/$stage.a/$TMP\/$stage.a}
	command=${command//build\/layers\/$stage.so/$TMP\/$stage.so}
	echo "symbol $symbol"
	eval "$command" 2>&1
}

for stage in base content html db build cgi; do
	command=$(layer_command "$stage")
	if [ -z "$command" ]; then
		fail "make knows the layer check of $stage"
		continue
	fi
	command=${command//build\/layers\/$stage.so/$TMP\/$stage-real.so}
	if out=$(eval "$command" 2>&1); then
		pass "$stage links against only the stages below it"
	else
		fail "$stage links against only the stages below it" "$(printf %s "$out" | head -c 600)"
	fi
done

for pair in "base content" "content html" "html db" "db build" "cgi build" "build cgi"; do
	set -- $pair
	if out=$(probe "$1" "$2"); then
		fail "a call from $1 into $2 fails to link" "it linked: $(printf %s "$out" | head -c 300)"
	else
		symbol=$(printf %s "$out" | sed -n 's/^symbol //p')
		check_contains "a call from $1 into $2 fails to link, naming the symbol" \
			"$out" "undefined reference to \`$symbol'"
	fi
done

# kb.cgi
libs=$(ldd build/kb.cgi | awk '{ print $1 }' | tr '\n' ' ')
check_not_contains "kb.cgi needs no libgvc" "$libs" "libgvc"
check_not_contains "kb.cgi needs no libcgraph" "$libs" "libcgraph"
check_contains "kb.cgi does use SQLite (the check reads ldd)" "$libs" "libsqlite3"
members=$(grep -o 'build/lib/[a-z]*\.a([a-z_0-9]*\.o)' build/kb.cgi.map | sort -u | tr '\n' ' ')
check_contains "kb.cgi's link map lists the archive members it took" "$members" "build/lib/cgi.a(cgi.o)"
for forbidden in 'build/lib/build.a(' 'content.a(site.o)' 'content.a(scan.o)' 'content.a(frontmatter.o)' \
	'content.a(lint.o)' 'content.a(treeload.o)' 'content.a(treecheck.o)' 'content.a(treetest.o)' 'html.a(render.o)' 'html.a(feed.o)' 'html.a(treemap.o)' 'html.a(wizard.o)' \
	'db.a(index.o)' 'db.a(treestore_write.o)' 'db.a(themestore_write.o)'; do
	check_not_contains "kb.cgi takes nothing matching $forbidden" "$members" "$forbidden"
done

# kbtok.so
libs=$(ldd build/kbtok.so | awk '{ print $1 }' | tr '\n' ' ')
check_not_contains "kbtok.so needs no libsqlite3 (the host's SQLite only)" "$libs" "libsqlite3"
check_eq "kbtok.so expects no sqlite3_* symbol from a library" \
	"$(nm -D -u build/kbtok.so | grep -c ' sqlite3_')" 0
nm --defined-only -g build/obj/db/tokenizer.o build/obj/main/kbtok_ext.o |
	awk 'NF == 3 { print $3 }' | sort -u >"$TMP/core"
nm -D --defined-only build/kbtok.so | awk 'NF == 3 && $2 ~ /[TDBR]/ { print $3 }' |
	grep -v -E '^(_init|_fini|_edata|_end|__bss_start)$' | sort -u >"$TMP/exported"
check_eq "kbtok.so defines only what tokenizer.o and kbtok_ext.o define" \
	"$(comm -23 "$TMP/exported" "$TMP/core" | tr '\n' ' ')" ""
check_contains "kbtok.so exports its entry point" "$(cat "$TMP/exported")" "sqlite3_kbtok_init"

# no circle inside gen/cgi/
nm --defined-only -g build/obj/cgi/cgi.o | awk 'NF == 3 { print $3 }' | sort -u >"$TMP/routing"
for object in build/obj/cgi/*.o; do
	[ "$object" = build/obj/cgi/cgi.o ] && continue
	nm -u "$object" | awk '{ print $2 }' | sort -u >"$TMP/wants"
	check_eq "$(basename "$object") calls nothing of the routing (cgi.o)" \
		"$(comm -12 "$TMP/wants" "$TMP/routing" | tr '\n' ' ')" ""
done
finish
