# cdcpivot - plain GNU make, no configure step.

VERSION = 0.1.0
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DESTDIR ?=
CC ?= cc
CFLAGS ?= -O2 -g
PKG_CONFIG ?= pkg-config
BUILD ?= build

override CFLAGS := -std=c11 -Wall -Wextra -Wpedantic -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wformat=2 $(CFLAGS)
override CPPFLAGS += -Iinclude -D_POSIX_C_SOURCE=200809L -DCDCPIVOT_VERSION='"$(VERSION)"' \
	$(shell $(PKG_CONFIG) --cflags libcjson rdkafka)
CJSON_LIBS := $(shell $(PKG_CONFIG) --libs libcjson) -lm
# librdkafka for --brokers (Debian: librdkafka-dev): its header at build
# time; the library is loaded by --brokers (src/kafkaapi.c), not linked.
KAFKA_LIBS := -ldl
# --state: SQLite (see README, "Old values without REPLICA IDENTITY FULL").
SQLITE_LIBS := $(shell $(PKG_CONFIG) --libs sqlite3)
CHECK_CFLAGS := $(shell $(PKG_CONFIG) --cflags check 2>/dev/null)
CHECK_LIBS := $(shell $(PKG_CONFIG) --libs check 2>/dev/null)

# Every module of src/ but main.c, the program's table of contents.
LIB_SRCS := $(filter-out src/main.c,$(sort $(wildcard src/*.c)))
LIB_OBJS := $(LIB_SRCS:src/%.c=$(BUILD)/%.o)
TEST_SRCS := $(wildcard tests/unit/*.c)
TEST_OBJS := $(TEST_SRCS:tests/unit/%.c=$(BUILD)/tests/%.o)

all: cdcpivot

cdcpivot: $(BUILD)/cdcpivot
	cp $(BUILD)/cdcpivot $@

$(BUILD)/cdcpivot: $(LIB_OBJS) $(BUILD)/main.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(CJSON_LIBS) $(SQLITE_LIBS) $(KAFKA_LIBS)

$(BUILD)/%.o: src/%.c $(wildcard include/*.h) Makefile
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/%.o: tests/unit/%.c $(wildcard include/*.h tests/unit/*.h tests/fuzz/*.h) Makefile
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CHECK_CFLAGS) -Itests/unit $(CFLAGS) -c -o $@ $<

$(BUILD)/check_cdcpivot: $(LIB_OBJS) $(TEST_OBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(CJSON_LIBS) $(SQLITE_LIBS) $(KAFKA_LIBS) \
		$(RDKAFKA_LIBS)

# The --fsync tests count fsync(2) calls through this LD_PRELOAD shim,
# built without the sanitizers so it preloads into any build.
$(BUILD)/fsync_shim.so: tests/shim/fsync_shim.c Makefile
	@mkdir -p $(@D)
	$(CC) -std=c11 -Wall -Wextra -Werror -O1 -shared -fPIC -o $@ $< -ldl

# The unit suites, golden files and CLI tests run in one Check runner.
# CK_RUN_SUITE=diff make check runs one suite.
# CK_EXCLUDE_TAGS is Check's own: UNIT_EXCLUDE_TAGS=slow leaves out the
# test cases tagged so, should there be any.
UNIT_EXCLUDE_TAGS ?=
unit: $(BUILD)/check_cdcpivot $(BUILD)/cdcpivot $(BUILD)/fsync_shim.so
	@test -z "$(UNIT_EXCLUDE_TAGS)" || echo "unit: not running tests tagged: $(UNIT_EXCLUDE_TAGS)"
	CDCPIVOT=$(BUILD)/cdcpivot TZ=UTC LC_ALL=C CK_EXCLUDE_TAGS='$(UNIT_EXCLUDE_TAGS)' $(BUILD)/check_cdcpivot
	python3 tests/state/run.py $(BUILD)/cdcpivot

check: unit docs-test limits asan valgrind clang-O0 man-lint install-test fuzz

# The fast loop: unit suites, golden files, CLI tests and the documents'
# examples, in seconds.
test: unit docs-test limits

# Every cdcpivot command in README, the man page and examples/*.md runs on
# the bundled walk-through; README's shown output must match.
docs-test: $(BUILD)/cdcpivot
	python3 tests/docs/run_examples.py $(BUILD)/cdcpivot README.md man/cdcpivot.1 examples/*.md
	python3 tests/real/types/matrix.py readme README.md

# README's type table, from the type matrix the real pipeline last saved
# (tests/real/types/matrix-*.tsv); docs-test fails when they differ.
types-table:
	python3 tests/real/types/matrix.py readme README.md --write

# Function and file size limits (tests/limits.sh, with pmccabe).
limits:
	tests/limits.sh

# The sanitizer and clang builds compile on every core (their suites run
# as unit does: the runner forks one test at a time); left to the jobserver
# when make itself was given -j.
SUBJOBS = $(if $(findstring --jobserver,$(MAKEFLAGS)),,-j$(shell nproc 2>/dev/null || echo 1))

# The other compiler, unoptimised: catches warnings gcc misses and link
# dependencies that -O2 builtins hide.
clang-O0:
	$(MAKE) $(SUBJOBS) BUILD=build/clang-O0 CC=clang CFLAGS='-O0 -g' unit

# The same runner and binary built with AddressSanitizer and UBSan.
asan:
	$(MAKE) $(SUBJOBS) BUILD=build/asan CFLAGS='-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all' \
		LDFLAGS='-fsanitize=address,undefined' unit

# Valgrind over the unit suites (no fork so it sees everything) and over the
# binary in every golden case: two runs side by side (tests/valgrind.sh).
# VALGRIND_WITH_GOLDEN: the suites that go with the golden cases' run, so
# that the two take about as long (golden alone: 184 s, the rest 214 s when
# timed one suite at a time, on the development machine).
VALGRIND_WITH_GOLDEN ?=
valgrind: $(BUILD)/check_cdcpivot $(BUILD)/cdcpivot $(BUILD)/fsync_shim.so
	UNIT_EXCLUDE_TAGS='$(UNIT_EXCLUDE_TAGS)' VALGRIND_WITH_GOLDEN='$(VALGRIND_WITH_GOLDEN)' \
		tests/valgrind.sh $(BUILD)

# mandoc's lint, and groff's man rendering (what man(1) shows) without a
# warning: a line it cannot break is a table or literal too wide for it.
man-lint:
	mandoc -Tlint -W warning man/cdcpivot.1
	@out=$$(groff -mandoc -Tutf8 -ww -z man/cdcpivot.1 2>&1); \
		if [ -n "$$out" ]; then echo "$$out"; exit 1; fi

install-test: $(BUILD)/cdcpivot
	@d=$$(mktemp -d) && $(MAKE) -s install DESTDIR=$$d PREFIX=/usr >/dev/null && \
		test -x $$d/usr/bin/cdcpivot && test -f $$d/usr/share/man/man1/cdcpivot.1 && \
		$$d/usr/bin/cdcpivot --version >/dev/null && rm -rf $$d && echo "install-test: ok"

install: cdcpivot
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 0755 cdcpivot $(DESTDIR)$(BINDIR)/cdcpivot
	install -m 0644 man/cdcpivot.1 $(DESTDIR)$(MANDIR)/man1/cdcpivot.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/cdcpivot $(DESTDIR)$(MANDIR)/man1/cdcpivot.1

# End-to-end: compose files, a Kafka-protocol broker (librdkafka's mock
# cluster) with kcat and consumer groups, a real PostgreSQL as the OLAP
# target, and tail -f latency; then the real pipeline (tests/real/run.sh).
# Needs the packages .ci/run installs.
RDKAFKA_CFLAGS = $(shell $(PKG_CONFIG) --cflags rdkafka)
RDKAFKA_LIBS = $(shell $(PKG_CONFIG) --libs rdkafka)
$(BUILD)/mockbroker: tests/e2e/mockbroker.c Makefile
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(RDKAFKA_CFLAGS) $(CFLAGS) -o $@ $< $(RDKAFKA_LIBS)

e2e: $(BUILD)/cdcpivot $(BUILD)/mockbroker
	CDCPIVOT=$(BUILD)/cdcpivot MOCKBROKER=$(BUILD)/mockbroker tests/e2e/run.sh
	CDCPIVOT=$(BUILD)/cdcpivot tests/real/run.sh

# The real pipeline alone (tests/real/run.sh: PostgreSQL, ZooKeeper or KRaft,
# Kafka, Connect, Debezium, kcat, cdcpivot, DuckDB, chDB); e2e-deps fetches
# its jars from Maven Central and its venv from PyPI into build/.
e2e-real: $(BUILD)/cdcpivot
	CDCPIVOT=$(BUILD)/cdcpivot tests/real/run.sh $(REAL_STACKS)

e2e-deps:
	tests/real/run.sh deps

# Throughput against cat, jq and a Python implementation, of --brokers
# against kcat | cdcpivot, and with --state on STATE_KEYS distinct keys
# beside the stateless run; never part of check.
# All three run whatever the others find; the run fails if any missed a
# target or failed.
bench: $(BUILD)/cdcpivot $(BUILD)/mockbroker
	@rc=0; \
	CDCPIVOT=$(BUILD)/cdcpivot MOCKBROKER=$(BUILD)/mockbroker bench/bench.sh $(BENCH_ARGS) || rc=1; \
	CDCPIVOT=$(BUILD)/cdcpivot bench/cliffs.sh || rc=1; \
	CDCPIVOT=$(BUILD)/cdcpivot bench/state.sh $(STATE_KEYS) || rc=1; \
	exit $$rc

# The --state store comparison: durable random get+put at 1M keys with
# LMDB, SQLite and RocksDB (bench/statestore.c). Needs liblmdb-dev and
# librocksdb-dev besides the build's libsqlite3-dev; never part of check.
STATE_KEYS ?= 1000000
$(BUILD)/statestore: bench/statestore.c Makefile
	@mkdir -p $(@D)
	$(CC) -std=c11 -O2 -Wall -Wextra -Werror -o $@ $< -llmdb -lsqlite3 -lrocksdb

bench-state: $(BUILD)/statestore
	@for s in lmdb sqlite rocksdb; do rm -rf $(BUILD)/statestore.d; \
		$(BUILD)/statestore $$s $(BUILD)/statestore.d $(STATE_KEYS) || exit 1; done; \
		rm -rf $(BUILD)/statestore.d

# libFuzzer over the per-line path (envelope, diff, every writer).
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
$(BUILD)/fuzz_line: tests/fuzz/fuzz_line.c $(wildcard tests/fuzz/*.h) $(LIB_SRCS) $(wildcard include/*.h) Makefile
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) -std=c11 -Wall -Wextra -Werror $(FUZZ_FLAGS) -o $@ tests/fuzz/fuzz_line.c \
		$(filter-out src/pipeline.c,$(LIB_SRCS)) $(CJSON_LIBS) $(SQLITE_LIBS) $(KAFKA_LIBS)

fuzz: $(BUILD)/fuzz_line
	tests/fuzz/run.sh $(BUILD)/fuzz_line $(FUZZ_SECONDS)

# Mutation testing of the modules that decide rows (tests/mutate/): not
# part of check; about 20 minutes. MUTATE_JOBS=1 for one tree at a time,
# MUTATE_MAX=N mutants (0: every candidate), MUTATE_FILES=diff,dedup.
mutate:
	python3 tests/mutate/mutate.py

# Regenerates the expected output of every golden case; review git diff.
golden-update: $(BUILD)/cdcpivot
	tests/golden-update.sh $(BUILD)/cdcpivot

format:
	clang-format -i src/*.c include/*.h tests/unit/*.c tests/unit/*.h

clean:
	rm -rf build cdcpivot

.PHONY: all unit test docs-test limits check asan valgrind clang-O0 man-lint install-test install uninstall \
	golden-update types-table format clean e2e e2e-real e2e-deps bench bench-state fuzz mutate
