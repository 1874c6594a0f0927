#!/usr/bin/env bash
# The README's test command: install what is missing, build, start a throwaway PostgreSQL
# cluster, and run every suite:
#   1. normal build (RelWithDebInfo): every test — unit, sqlite, cli on SQLite and PostgreSQL,
#      postgres-only tests
#   2. ASan + UBSan build: unit, sqlite and the SQLite CLI suite; the fault-injection sample
#      (tests/fault/); then a ThreadSanitizer build of the thread test
#   3. valgrind (memcheck) over the unit tests of the normal build
#   4. fuzzers (clang libFuzzer), bounded, when tests/fuzz exists
# Exits non-zero on any failure; a PostgreSQL cluster that cannot start is a failure.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
jobs=$(nproc 2>/dev/null || echo 2)

bash scripts/install-deps.sh --test || { echo "test: cannot install dependencies" >&2; exit 1; }

passed=0; failed=0
suite() { # name, then the command
  local name=$1; shift
  echo "=== $name" >&2
  local out; out=$(mktemp)
  "$@" 2>&1 | tee "$out"
  local rc=${PIPESTATUS[0]}
  local p f
  p=$(sed -nE 's/.*tests passed, ([0-9]+) tests failed out of ([0-9]+).*/\2 \1/p' "$out" | tail -1)
  if [ -n "$p" ]; then
    set -- $p
    passed=$((passed + $1 - $2)); failed=$((failed + $2))
  elif [ "$rc" -eq 0 ]; then
    passed=$((passed + 1))        # a suite without ctest counts as one test
  else
    failed=$((failed + 1))
  fi
  rm -f "$out"
  if [ "$rc" -ne 0 ]; then
    echo "=== $name FAILED (exit $rc)" >&2
    status=1
  fi
}
status=0

# 1. normal build + the PostgreSQL cluster
cmake -S . -B build-ci -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null &&
  cmake --build build-ci -j"$jobs" || { echo "test: build failed" >&2; exit 1; }

pg_env=$(bash tests/pg/cluster.sh start) || { echo "test: cannot start PostgreSQL" >&2; exit 1; }
eval "$pg_env"
trap 'bash tests/pg/cluster.sh stop "$CMIG_PG_DIR" >/dev/null 2>&1' EXIT

suite "all tests (normal build)" ctest --test-dir build-ci --output-on-failure -j"$jobs" --timeout 900 \
  -LE fault

# 2. sanitizers
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCMIG_SANITIZE=address,undefined \
  -DCMIG_TEST_BACKENDS="sqlite;postgresql" >/dev/null &&
  cmake --build build-asan -j"$jobs" || { echo "test: sanitizer build failed" >&2; exit 1; }
suite "unit + sqlite + cli (ASan+UBSan)" ctest --test-dir build-asan --output-on-failure -j"$jobs" \
  -L 'unit|sqlite' -E 'kill9|concurren' --timeout 900
# the PostgreSQL schema reader and its second connection (postgresql_twin.c), the code the
# SQLite suites above do not reach: dump, its fixpoint, the reader's own tests, t642
suite "PostgreSQL schema reading (ASan+UBSan)" ctest --test-dir build-asan --output-on-failure \
  -j"$jobs" -R 'cli-postgresql/(t600-dump|t630-dump-fixpoint-example)|postgres/(test_schema_read_pg|test_pg_defs|t642-pg-dump-twin)$' \
  --timeout 900
# fault injection (issue 11): a fixed-seed sample of allocation and I/O faults, under ASan so
# that a leak on any failure path fails it (the every-N run: tests/fault/run-all.sh)
suite "fault injection (ASan+UBSan, sampled)" ctest --test-dir build-asan --output-on-failure \
  -j"$jobs" -L fault --timeout 900
unset ASAN_OPTIONS UBSAN_OPTIONS

# 2b. ThreadSanitizer: several threads, each migrating its own database (issue 11)
cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=Debug -DCMIG_SANITIZE=thread \
  -DCMIG_TEST_BACKENDS=sqlite >/dev/null &&
  cmake --build build-tsan -j"$jobs" --target api_test_api_threads ||
  { echo "test: ThreadSanitizer build failed" >&2; exit 1; }
suite "threads (TSan)" env TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
  build-tsan/tests/api_test_api_threads

# 3. valgrind over the unit tests
suite "unit (valgrind)" ctest --test-dir build-ci --output-on-failure -j"$jobs" -L unit \
  --overwrite MemoryCheckCommandOptions="--leak-check=full --error-exitcode=99 --errors-for-leak-kinds=definite" \
  -T memcheck

# 4. fuzzers, bounded
if [ -x tests/fuzz/run.sh ]; then
  suite "fuzz (bounded, 40 s a target)" bash tests/fuzz/run.sh 40
fi

echo "test: $passed passed, $failed failed"
exit $status
