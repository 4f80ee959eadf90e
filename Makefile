# kbgen — static knowledge base and troubleshooting-wizard generator.
#
#   make            build build/kbgen (and the other programs)
#   make site       build, then generate the site into out/
#   make serve      install missing packages, build, generate, serve on :8080
#   make check      install what tests need, run every test (ASan+UBSan too)
#   make bench      side-by-side timing against Hugo (not a test)

PORT ?= 8080
CC ?= cc
PKGS := libxml-2.0 sqlite3 yaml-0.1 libutf8proc libcmark-gfm libgvc libcgraph
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcmark-gfm-extensions -lpthread

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CFLAGS ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_DEFAULT_SOURCE -D_GNU_SOURCE $(WARN) $(CFLAGS) $(PKG_CFLAGS) -Igen -MMD -MP
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

PROGRAM_MAINS := gen/kbgen.c gen/kbcgi.c gen/kbtok_ext.c
# kb.cgi's sandbox, linked into kb.cgi and its test only: libseccomp is no
# dependency of the generator or the SQLite extension.
CGI_SOURCES := gen/sandbox.c
CGI_CFLAGS = $(shell pkg-config --cflags libseccomp 2>/dev/null)
CGI_LIBS = $(shell pkg-config --libs libseccomp 2>/dev/null)
CGI_OBJECTS := $(CGI_SOURCES:gen/%.c=build/obj/%.o)
SAN_CGI_OBJECTS := $(CGI_SOURCES:gen/%.c=build/asan/obj/%.o)
LIB_SOURCES := $(filter-out $(PROGRAM_MAINS) $(CGI_SOURCES),$(wildcard gen/*.c))
LIB_OBJECTS := $(LIB_SOURCES:gen/%.c=build/obj/%.o)
SAN_OBJECTS := $(LIB_SOURCES:gen/%.c=build/asan/obj/%.o)
TEST_SOURCES := $(wildcard tests/unit/test_*.c)
TESTS := $(TEST_SOURCES:tests/unit/%.c=build/tests/%)
SAN_TESTS := $(TEST_SOURCES:tests/unit/%.c=build/asan/tests/%)
PROGRAMS := build/kbgen $(if $(wildcard gen/kbcgi.c),build/kb.cgi) $(if $(wildcard gen/kbtok_ext.c),build/kbtok.so)

.PHONY: all site serve check deps test-deps tests bench fuzz clean
.DELETE_ON_ERROR:

all: $(PROGRAMS)

build/obj/%.o: gen/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -fPIC -c $< -o $@

build/asan/obj/%.o: gen/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -c $< -o $@

build/kbgen: build/obj/kbgen.o $(LIB_OBJECTS)
	$(CC) $(CFLAGS) $^ $(PKG_LIBS) -o $@

$(CGI_OBJECTS) $(SAN_CGI_OBJECTS) build/obj/kbcgi.o build/asan/obj/kbcgi.o: ALL_CFLAGS += $(CGI_CFLAGS)

build/kb.cgi: build/obj/kbcgi.o $(CGI_OBJECTS) $(LIB_OBJECTS)
	$(CC) $(CFLAGS) $^ $(PKG_LIBS) $(CGI_LIBS) -o $@

build/kbtok.so: build/obj/kbtok_ext.o $(LIB_OBJECTS)
	$(CC) $(CFLAGS) -shared $^ $(PKG_LIBS) -o $@

build/asan/kbgen: build/asan/obj/kbgen.o $(SAN_OBJECTS)
	$(CC) $(CFLAGS) $(SAN_FLAGS) $^ $(PKG_LIBS) -o $@

build/asan/kb.cgi: build/asan/obj/kbcgi.o $(SAN_CGI_OBJECTS) $(SAN_OBJECTS)
	$(CC) $(CFLAGS) $(SAN_FLAGS) $^ $(PKG_LIBS) $(CGI_LIBS) -o $@

build/tests/%: tests/unit/%.c $(LIB_OBJECTS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $< $(LIB_OBJECTS) $(PKG_LIBS) -o $@

build/asan/tests/%: tests/unit/%.c $(SAN_OBJECTS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) $< $(SAN_OBJECTS) $(PKG_LIBS) -o $@

build/tests/test_sandbox: tests/unit/test_sandbox.c $(CGI_OBJECTS) $(LIB_OBJECTS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(CGI_CFLAGS) $< $(CGI_OBJECTS) $(LIB_OBJECTS) $(PKG_LIBS) $(CGI_LIBS) -o $@

build/asan/tests/test_sandbox: tests/unit/test_sandbox.c $(SAN_CGI_OBJECTS) $(SAN_OBJECTS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(CGI_CFLAGS) $(SAN_FLAGS) $< $(SAN_CGI_OBJECTS) $(SAN_OBJECTS) $(PKG_LIBS) $(CGI_LIBS) -o $@

deps:
	@tools/deps.sh build

test-deps:
	@tools/deps.sh test

site: deps
	@$(MAKE) --no-print-directory all
	build/kbgen build

serve: site
	tools/serve.sh $(PORT)

tests: $(PROGRAMS) $(TESTS) $(SAN_TESTS) build/asan/kbgen $(if $(wildcard gen/kbcgi.c),build/asan/kb.cgi)

check: test-deps
	@$(MAKE) --no-print-directory tests
	@tests/run

bench: deps
	@$(MAKE) --no-print-directory all
	tools/bench.sh

clean:
	rm -rf build out

-include $(wildcard build/obj/*.d build/asan/obj/*.d build/tests/*.d build/asan/tests/*.d)

# libFuzzer harnesses (tests/fuzz/fuzz_*.c), built with clang, ASan and
# UBSan. `make fuzz` runs each for FUZZ_SECONDS (tests/fuzz/run.sh);
# `make check` runs each for 30 s through tests/cli/fuzz.sh.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# site.c ANDs booleans with '&' on purpose (every check runs); clang warns.
FUZZ_SAN += -Wno-bitwise-instead-of-logical
FUZZ_OBJECTS := $(LIB_SOURCES:gen/%.c=build/fuzz/obj/%.o)
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))

build/fuzz/obj/%.o: gen/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(ALL_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link -c $< -o $@

build/fuzz/%: tests/fuzz/%.c $(FUZZ_OBJECTS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(ALL_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer $< $(FUZZ_OBJECTS) $(PKG_LIBS) -o $@

.SECONDARY: $(FUZZ_OBJECTS)

tests: $(FUZZ_TARGETS)

fuzz: $(FUZZ_TARGETS)
	@for target in $(FUZZ_TARGETS); do \
		tests/fuzz/run.sh "$$target" $(FUZZ_SECONDS) || exit 1; \
	done

-include $(wildcard build/fuzz/obj/*.d build/fuzz/*.d)
