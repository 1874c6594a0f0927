#!/usr/bin/env bash
# run-all.sh - the long fault-injection run (issue 11): every N, not a sample, for each
# tests/fault/t-*.sh (the bundled example's `upgrade head` and `check --format json`, the
# 200-revision chain's upgrade, `downgrade base` and `--sql`, every page boundary of the I/O
# faults), transient and persistent. Not part of scripts/test.sh: it takes hours on 2 cores.
#
#   bash tests/fault/run-all.sh [BUILD_DIR]     (default build-asan: leaks fail it)
#
# Prints each script's summary line ("N runs, M failed, Ss") and exits non-zero on a failure.
# Recorded results: docs/testing.md, "Fault injection".
set -u
cd "$(dirname "$0")/../.."
build=${1:-build-asan}
export CMIG=$build/src/cmig CMIG_FAULT=$build/tests/cmig_fault CMIG_SOURCE_DIR=$PWD
export CMIG_FAULT_ALL=1
status=0
for t in tests/fault/t-*.sh; do
	bash "$t" || status=1
done
exit $status
