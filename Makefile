# kbgen — static knowledge base and troubleshooting-wizard generator.
#
#   make            build build/kbgen (and the other programs)
#   make site       build, then generate the site into out/
#   make serve      install missing packages, build, generate, serve on :8080
#   make check      install what tests need, run every test (ASan+UBSan too)
#   make bench      side-by-side timing against Hugo (not a test)
#
# gen/ holds one folder per stage, each built into its own archive
# (build/lib/STAGE.a). A stage may use only the stages listed in its
# STAGE_USES, which sit below it:
#
#   base ← content ← html ← db ← build, cgi ← main
#
# `make` links every stage's archive on its own against the archives it
# may use (build/layers/STAGE.so, -z defs), so a call the wrong way fails
# to link; programs take from the archives only the objects they call.

PORT ?= 8080
CC ?= cc
FUZZ_CC ?= clang
CFLAGS ?= -O2 -g
LDFLAGS ?=

STAGES := base content html db build cgi
base_USES :=
content_USES := base
html_USES := content base
db_USES := html content base
build_USES := db html content base
cgi_USES := db html content base

# The Debian libraries each stage calls itself (pkg-config names).
base_PKGS :=
content_PKGS := yaml-0.1 libcmark-gfm libxml-2.0 libutf8proc ldns
html_PKGS := libxml-2.0 libutf8proc libgvc libcgraph
db_PKGS := sqlite3 libutf8proc
build_PKGS :=
cgi_PKGS := libseccomp sqlite3 libxml-2.0
# cmark-gfm's extensions ship no .pc file.
content_EXTRA_LIBS := -lcmark-gfm-extensions
build_EXTRA_LIBS := -lpthread
# MeCab (query analysis and the readings table) ships no .pc file; its
# C API wraps C++, hence libstdc++ (mecab-config --libs).
db_EXTRA_LIBS := -lmecab -lstdc++

ALL_PKGS := $(sort $(foreach s,$(STAGES),$($(s)_PKGS)))
pkg_libs = $(if $(1),$(shell pkg-config --libs $(sort $(1))))
# The libraries a stage needs with the stages it uses.
stage_libs = $(call pkg_libs,$(foreach s,$(1) $($(1)_USES),$($(s)_PKGS))) \
	$(foreach s,$(1) $($(1)_USES),$($(s)_EXTRA_LIBS))
stage_archives = $(foreach s,$($(1)_USES),$(2)/$(s).a)

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
PKG_CFLAGS = $(shell pkg-config --cflags $(ALL_PKGS))
ALL_CFLAGS = -std=c11 -D_DEFAULT_SOURCE -D_GNU_SOURCE $(WARN) $(CFLAGS) $(PKG_CFLAGS) -Igen -MMD -MP
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_FLAGS := $(SAN_FLAGS) -fsanitize=fuzzer-no-link

stage_objects = $(patsubst gen/%.c,$(2)/obj/%.o,$(wildcard gen/$(1)/*.c))

# The programs: kbgen (generator), kb.cgi (search and wizard CGI), and
# kbtok.so (the tokenizer as an SQLite extension, for the sqlite3 shell).
KBGEN_MAIN := main/kbgen main/search_cli main/records_cli main/bounce_cli main/report_cli
KBGEN_ARCHIVES := build db html content base
CGI_ARCHIVES := cgi db html content base
# kb.cgi gets no Graphviz: a call that reaches the map drawing fails to link.
# libfcgi (kb.cgi's FastCGI mode, in its main alone) ships no .pc file.
FASTCGI_LIBS := -lfcgi
CGI_LIBS = $(call pkg_libs,$(filter-out libgvc libcgraph,$(ALL_PKGS))) $(content_EXTRA_LIBS) $(db_EXTRA_LIBS)
ALL_LIBS = $(call pkg_libs,$(ALL_PKGS)) $(content_EXTRA_LIBS) $(db_EXTRA_LIBS) $(build_EXTRA_LIBS)
TEST_ARCHIVES := build cgi db html content base

TEST_SOURCES := $(wildcard tests/unit/test_*.c)
TESTS := $(TEST_SOURCES:tests/unit/%.c=build/tests/%)
SAN_TESTS := $(TEST_SOURCES:tests/unit/%.c=build/asan/tests/%)
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
PROGRAMS := build/kbgen build/kb.cgi build/kbtok.so
LAYERS := $(STAGES:%=build/layers/%.so)

.PHONY: all site serve check deps test-deps tests bench bench-bounce bench-feedback fuzz clean
.DELETE_ON_ERROR:

all: $(PROGRAMS) $(LAYERS)

# Objects: plain (-fPIC: the archives also go into kbtok.so and the layer
# checks), under ASan+UBSan, and for the libFuzzer harnesses (clang).
build/obj/%.o: gen/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -fPIC -c $< -o $@

build/asan/obj/%.o: gen/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -c $< -o $@

build/fuzz/obj/%.o: gen/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(ALL_CFLAGS) $(FUZZ_FLAGS) -c $< -o $@

# One archive per stage and flavour: build/lib, build/asan/lib, build/fuzz/lib.
define stage_archive
$(2)/lib/$(1).a: $(call stage_objects,$(1),$(2))
	@mkdir -p $$(@D)
	rm -f $$@
	$$(AR) rcs $$@ $$^
endef
$(foreach s,$(STAGES),$(eval $(call stage_archive,$(s),build)))
$(foreach s,$(STAGES),$(eval $(call stage_archive,$(s),build/asan)))
$(foreach s,$(STAGES),$(eval $(call stage_archive,$(s),build/fuzz)))

# The layer check: every object of a stage, linked with only what the stage
# may use; an undefined symbol (a call upwards or sideways) is an error.
build/layers/%.so: build/lib/%.a
	@mkdir -p $(@D)
	$(CC) -shared -Wl,-z,defs -o $@ -Wl,--whole-archive $< -Wl,--no-whole-archive \
		$(call stage_archives,$*,build/lib) $(call stage_libs,$*)
$(foreach s,$(STAGES),$(eval build/layers/$(s).so: $(call stage_archives,$(s),build/lib)))

# watch.c embeds gen/build/livereload.js (the script `kbgen watch` serves)
# as the numbers of its bytes, one C initializer list.
LIVE_RELOAD := build/generated/livereload.inc
WATCH_OBJECTS := build/obj/build/watch.o build/asan/obj/build/watch.o build/fuzz/obj/build/watch.o
$(LIVE_RELOAD): gen/build/livereload.js
	@mkdir -p $(@D)
	od -An -v -tx1 $< | sed -e 's/ *\([0-9a-f][0-9a-f]\)/0x\1,/g' > $@
$(WATCH_OBJECTS): $(LIVE_RELOAD)
$(WATCH_OBJECTS): ALL_CFLAGS += -I$(dir $(LIVE_RELOAD))

# Programs. Each writes a link map beside it (NAME.map): tests/cli/layers.sh
# reads from it which archive members a program took.
define program
$(1): $(2) $(foreach a,$(3),$(4)/lib/$(a).a)
	$$(CC) $$(CFLAGS) $(5) $$(LDFLAGS) -Wl,-Map=$$@.map $(2) $(foreach a,$(3),$(4)/lib/$(a).a) $(6) -o $$@
endef
$(eval $(call program,build/kbgen,$(KBGEN_MAIN:%=build/obj/%.o),$(KBGEN_ARCHIVES),build,,$$(ALL_LIBS)))
$(eval $(call program,build/kb.cgi,build/obj/main/kbcgi.o,$(CGI_ARCHIVES),build,,$$(CGI_LIBS) $$(FASTCGI_LIBS)))
$(eval $(call program,build/asan/kbgen,$(KBGEN_MAIN:%=build/asan/obj/%.o),$(KBGEN_ARCHIVES),build/asan,$$(SAN_FLAGS),$$(ALL_LIBS)))
$(eval $(call program,build/asan/kb.cgi,build/asan/obj/main/kbcgi.o,$(CGI_ARCHIVES),build/asan,$$(SAN_FLAGS),$$(CGI_LIBS) $$(FASTCGI_LIBS)))

# The tokenizer alone: its calls into SQLite go through the host's
# sqlite3_api table (sqlite3ext.h), so it links no libsqlite3.
build/kbtok.so: build/obj/main/kbtok_ext.o build/obj/db/tokenizer.o
	$(CC) $(CFLAGS) -shared $(LDFLAGS) -Wl,-Map=$@.map $^ $(call pkg_libs,libutf8proc) -o $@

# Unit tests and libFuzzer harnesses link every archive.
build/tests/%: tests/unit/%.c $(TEST_ARCHIVES:%=build/lib/%.a)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $< $(TEST_ARCHIVES:%=build/lib/%.a) $(ALL_LIBS) -o $@

build/asan/tests/%: tests/unit/%.c $(TEST_ARCHIVES:%=build/asan/lib/%.a)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) $(LDFLAGS) $< $(TEST_ARCHIVES:%=build/asan/lib/%.a) $(ALL_LIBS) -o $@

build/fuzz/%: tests/fuzz/%.c $(TEST_ARCHIVES:%=build/fuzz/lib/%.a)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(ALL_CFLAGS) $(SAN_FLAGS) -fsanitize=fuzzer $(LDFLAGS) $< $(TEST_ARCHIVES:%=build/fuzz/lib/%.a) $(ALL_LIBS) -o $@

.SECONDARY:

deps:
	@tools/deps.sh build

test-deps:
	@tools/deps.sh test

site: deps
	@$(MAKE) --no-print-directory all
	build/kbgen build

serve: site
	tools/serve.sh $(PORT)

tests: all $(TESTS) $(SAN_TESTS) build/asan/kbgen build/asan/kb.cgi $(FUZZ_TARGETS)

check: test-deps
	@$(MAKE) --no-print-directory tests
	@tests/run

bench: deps
	@$(MAKE) --no-print-directory all
	tools/bench.sh

# The bounce analyzer's throughput, peak RSS and share of samples right.
build/bounce-bench: tools/bounce_bench.c $(TEST_ARCHIVES:%=build/lib/%.a)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $< $(TEST_ARCHIVES:%=build/lib/%.a) $(ALL_LIBS) -o $@

bench-bounce: all build/bounce-bench
	tools/bounce-bench.sh

build/feedback-fill: tools/feedback_fill.c $(TEST_ARCHIVES:%=build/lib/%.a)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $< $(TEST_ARCHIVES:%=build/lib/%.a) $(ALL_LIBS) -o $@

# votes/s through lighttpd (CGI and FastCGI), lost votes, database size
bench-feedback: all build/feedback-fill
	tools/feedback-bench.sh

# `make fuzz` runs each libFuzzer harness (tests/fuzz/fuzz_*.c) for
# FUZZ_SECONDS; `make check` runs each for 30 s through tests/cli/fuzz.sh.
FUZZ_SECONDS ?= 60
fuzz: $(FUZZ_TARGETS)
	@for target in $(FUZZ_TARGETS); do \
		tests/fuzz/run.sh "$$target" $(FUZZ_SECONDS) || exit 1; \
	done

clean:
	rm -rf build out

-include $(shell find build -name '*.d' 2>/dev/null)
