#!/usr/bin/env bash
# run-all.sh - the long fault-injection run (issue 11): for the bundled example's `upgrade
# head` and `check --format json` every N, not a sample, and every page boundary of the I/O
# faults; for the 200-revision chain's upgrade, `downgrade base` and `--sql` a fixed-seed
# sample of 2,000 N per command and mode (every N there is ~10^5 runs). Transient and
# persistent. Not part of scripts/test.sh: it takes hours on 2 cores.
#
#   bash tests/fault/run-all.sh [BUILD_DIR]     (default build-asan: leaks fail it)
#   CMIG_FAULT_JOBS=S   run each script as S shards side by side (default 2)
#
# Prints each shard's summary line ("N runs, M failed, Ss") and exits non-zero on a failure.
# Recorded results: docs/testing.md, "Fault injection".
set -u
cd "$(dirname "$0")/../.."
build=${1:-build-asan}
jobs=${CMIG_FAULT_JOBS:-2}
export CMIG=$build/src/cmig CMIG_FAULT=$build/tests/cmig_fault CMIG_SOURCE_DIR=$PWD
status=0
SECONDS=0
for t in tests/fault/t-*.sh; do
	case $t in
	*t-alloc-chain.sh) all=0 sample=2000 ;;
	*) all=1 sample= ;;
	esac
	pids=()
	for ((k = 0; k < jobs; k++)); do
		CMIG_FAULT_ALL=$all CMIG_FAULT_SAMPLE=${sample:-${CMIG_FAULT_SAMPLE:-}} \
			CMIG_FAULT_SHARD=$k/$jobs bash "$t" &
		pids+=($!)
	done
	for p in "${pids[@]}"; do wait "$p" || status=1; done
done
echo "run-all: $((SECONDS / 60)) min, $([ $status = 0 ] && echo passed || echo FAILED)" >&2
exit $status
