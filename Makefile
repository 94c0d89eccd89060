# A thin front over CMake. The two commands the README opens with:
#   make run    build, then serve the API on 127.0.0.1:8080 over an SQLite database in var/
#   make test   build (normal and sanitizer builds) and run every test
BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
LISTEN     ?= 127.0.0.1:8080
RUN_DB     ?= var/permitdesk.db
FUZZ_BUILD   ?= build-fuzz
FUZZ_SECONDS ?= 600
FUZZERS      ?= mrz id expr case_decode policy_load
MUTATE_BUILD ?= build-mutate
MUTANTS      ?=

.PHONY: all deps build build-asan run test test-fast bench bench-anchor bench-http bench-store lint format clean fuzz release-check mutate stress

all: build

deps:
	@sh scripts/install-deps.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo

$(ASAN_BUILD)/CMakeCache.txt:
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DPD_SANITIZE=ON

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

build-asan: deps $(ASAN_BUILD)/CMakeCache.txt
	cmake --build $(ASAN_BUILD) -j $(JOBS)

# The first start creates $(RUN_DB) with a user 'admin' and prints its
# password once.  Ctrl-C stops the server after the requests in flight.
run: build
	@mkdir -p $(dir $(RUN_DB))
	$(BUILD)/permitdesk serve --listen $(LISTEN) --db $(RUN_DB)

test: build build-asan
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j $(JOBS)

# `make test` ten times in a row under ctest -j8 beside a process that only
# spins (scripts/stress.sh; STRESS_RUNS, STRESS_HOGS): no test may assume how
# fast the machine is.  About 10 minutes a run on 2 cores.
STRESS_RUNS ?= 10
STRESS_HOGS ?= 1
stress: build build-asan
	sh scripts/stress.sh -n $(STRESS_RUNS) -j 8 -H $(STRESS_HOGS)

test-fast: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

bench: build
	sh bench/run.sh $(BUILD)
	$(MAKE) bench-anchor
	$(MAKE) bench-http
	$(MAKE) bench-store

# check --batch beside the same rules on json-rules-engine (bench/anchor,
# installed by install-deps.sh bench) and beside jsmn's bare tokenising
# (docs/performance.md, "Issue 9's targets"): 20,000 cases, 3 rounds, about
# 3 minutes, most of it the anchor's.
bench-anchor: build
	@sh scripts/install-deps.sh bench
	sh bench/anchor.sh $(BUILD)

# The HTTP API beside nginx serving the same bytes (docs/performance.md, "HTTP
# API"): wrk and nginx from Debian, everything on 127.0.0.1, about 70 s.
bench-http: build
	@sh scripts/install-deps.sh bench
	sh bench/http.sh $(BUILD)

# Durable transitions/s on 1, 2, 4 servers over one PostgreSQL beside one on
# SQLite, and the check route on 1, 2, 4 servers (docs/performance.md, "The
# store: SQLite and PostgreSQL"): a PostgreSQL of its own through
# tests/pg/with-postgres.sh, everything on 127.0.0.1, about 5 minutes.
bench-store: build
	@sh scripts/install-deps.sh bench
	sh bench/store.sh $(BUILD)

# A packager's build: Release (warnings are errors) in a temporary folder,
# cmake --install into a temporary prefix, the installed command run on the
# installed example (scripts/release-check.sh).  Not part of `make test`: it
# builds the whole tree a second time.
release-check: deps
	sh scripts/release-check.sh $(JOBS)

lint: build
	$(BUILD)/permitdesk policy lint policy

format:
	clang-format -i include/permitdesk/*.h src/*/*.c src/lib/*/*.c src/lib/*/*.h tests/unit/*.c bench/*.c

# The libFuzzer targets (clang, not part of `make test`), each run for
# FUZZ_SECONDS in turn; fuzz/run.sh says where corpora and crashes go.
fuzz:
	@sh scripts/install-deps.sh fuzz
	test -f $(FUZZ_BUILD)/CMakeCache.txt || cmake -S . -B $(FUZZ_BUILD) -DCMAKE_C_COMPILER=clang \
		-DCMAKE_BUILD_TYPE=RelWithDebInfo -DPD_FUZZ=ON -DPD_WERROR=OFF
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target $(addprefix fuzz_,$(FUZZERS))
	sh fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZERS)

# Mutation testing (docs/testing.md, "Mutation testing"): each mutant of
# tests/mutants.txt applied alone, rebuilt in $(MUTATE_BUILD), its tests run,
# the source restored.  MUTANTS="name ..." runs only those.  Not part of
# `make test`: about two minutes a mutant on two cores.
mutate: deps
	nice sh scripts/mutate.sh -b $(MUTATE_BUILD) -j $(JOBS) $(MUTANTS)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) $(MUTATE_BUILD)
