# tests/fault/lib.sh - sourced by tests/fault/t-*.sh and run-all.sh: drive cmig_fault
# (tests/fault/inject.c) over many N and check what issue 11 requires of every run:
#   - it exits 0 or 1 (never a signal, never a sanitizer's or leak checker's exit code);
#   - exit 1 comes with a message on stderr (an "error:" line), never a silent 1;
#   - exit 0 means the job was done (the database at the target, the same output as a run
#     without faults);
#   - the database is intact (PRAGMA integrity_check), at a revision whose schema is that of a
#     clean upgrade to it, and a plain `cmig upgrade head` then finishes at head's schema.
# Environment (ctest sets the first three):
#   CMIG, CMIG_FAULT     the plain and the fault-injecting binaries
#   CMIG_SOURCE_DIR      the repository
#   CMIG_FAULT_SAMPLE    how many N per mode in a sampled run (default per test)
#   CMIG_FAULT_SEED      the sample's seed (default 11: the sample is the same every run)
#   CMIG_FAULT_ALL=1     every N from 1 to the count instead of a sample (run-all.sh)
#   CMIG_FAULT_SHARD=K/S only the N (or byte offsets) whose position in the list is K mod S:
#                        run-all.sh runs S shards side by side
# The working directory is on tmpfs (/dev/shm) when there is one.
set -u
export LC_ALL=C
unset DATABASE_URL
# A leak, or any sanitizer report, must fail the run: make its exit code one we reject.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}:exitcode=86
export LSAN_OPTIONS=${LSAN_OPTIONS:-}:exitcode=87
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}:halt_on_error=1:exitcode=88

CMIG_SOURCE_DIR=${CMIG_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
CMIG=${CMIG:-$CMIG_SOURCE_DIR/build/src/cmig}
CMIG_FAULT=${CMIG_FAULT:-$CMIG_SOURCE_DIR/build/tests/cmig_fault}
SEED=${CMIG_FAULT_SEED:-11}
TEST_NAME=$(basename "$0" .sh)
[ -x "$CMIG" ] || { echo "FATAL [$TEST_NAME]: no cmig at $CMIG" >&2; exit 1; }
[ -x "$CMIG_FAULT" ] || { echo "FATAL [$TEST_NAME]: no cmig_fault at $CMIG_FAULT" >&2; exit 1; }
CMIG=$(realpath "$CMIG")
CMIG_FAULT=$(realpath "$CMIG_FAULT")
command -v sqlite3 >/dev/null || { echo "FATAL [$TEST_NAME]: sqlite3 is needed" >&2; exit 1; }
shm=/dev/shm
[ -d "$shm" ] && [ -w "$shm" ] || shm=${TMPDIR:-/tmp}
WORK=$(mktemp -d "$shm/cmig-$TEST_NAME.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
_fails=0
_runs=0
_exit1=0
SECONDS=0

fail() {
	_fails=$((_fails + 1))
	echo "FAIL [$TEST_NAME]: $*" >&2
	[ "$_fails" -lt 20 ] || { echo "FATAL [$TEST_NAME]: too many failures" >&2; exit 1; }
}

# db_state DB: "integrity|version|schema-digest" (version "base" at base or with no file)
db_state() {
	local ic ver schema
	if [ ! -e "$1" ]; then
		echo "ok|base|$(printf '' | md5sum | cut -c1-16)"
		return
	fi
	ic=$(sqlite3 "$1" 'PRAGMA integrity_check' 2>&1 | tr '\n' ' ' | sed 's/ $//')
	ver=$(sqlite3 "$1" "SELECT version_num FROM cmig_version" 2>/dev/null)
	ver=${ver:-base}
	# the project's objects, in a fixed order (a rebuild moves a table to the end of
	# sqlite_schema); cmig's own tables, and their automatic indexes, exist or not at base
	# depending on where a run stopped
	schema=$(sqlite3 "$1" "SELECT type, name, tbl_name, sql FROM sqlite_schema
		WHERE tbl_name NOT IN ('cmig_version', 'cmig_history') ORDER BY type, name" 2>&1 |
		md5sum | cut -c1-16)
	echo "$ic|$ver|$schema"
}

# reference_schemas DIR REV...: REF[rev] = schema digest after a clean upgrade to REV, REVs
# in chain order, applied one after the other in a copy of project DIR (REF[base]: no file)
declare -A REF
reference_schemas() {
	local dir=$1 rev st
	shift
	REF[base]=$(db_state /nonexistent)
	REF[base]=${REF[base]##*|}
	rm -rf "$WORK/ref" && cp -r "$dir" "$WORK/ref"
	for rev in "$@"; do
		(cd "$WORK/ref" && "$CMIG" -q upgrade "$rev" >/dev/null 2>&1) ||
			{ echo "FATAL [$TEST_NAME]: clean upgrade to $rev failed" >&2; exit 1; }
		st=$(db_state "$WORK/ref/cmig.db")
		REF[$rev]=${st##*|}
	done
	rm -rf "$WORK/ref"
}

# count_calls DIR ARGS...: the allocations a fault-free run of `cmig ARGS` makes in DIR
# (a copy: DIR is left as it was)
count_calls() {
	local dir=$1
	shift
	rm -rf "$WORK/count" && cp -r "$dir" "$WORK/count"
	(cd "$WORK/count" && CMIG_FAULT_COUNT="$WORK/count.txt" "$CMIG_FAULT" "$@" >/dev/null 2>&1)
	cut -d' ' -f1 "$WORK/count.txt"
	rm -rf "$WORK/count" "$WORK/count.txt"
}

# shard: keep the lines of stdin that belong to CMIG_FAULT_SHARD=K/S (every line without it)
shard() {
	local spec=${CMIG_FAULT_SHARD:-0/1}
	awk -v k="${spec%/*}" -v s="${spec#*/}" '(NR - 1) % s == k'
}

# sample_ns TOTAL K [MUST...]: K distinct N in 1..TOTAL drawn with the fixed seed, plus MUST
# (when within TOTAL); every N with CMIG_FAULT_ALL=1; this shard's part of them
sample_ns() {
	local total=$1 k=$2
	shift 2
	if [ "${CMIG_FAULT_ALL:-0}" = 1 ]; then
		seq 1 "$total" | shard
		return
	fi
	{
		awk -v t="$total" -v k="$k" -v s="$SEED" 'BEGIN {
			srand(s); if (k > t) k = t
			while (n < k) { x = int(rand() * t) + 1; if (!(x in seen)) { seen[x] = 1; n++; print x } }
		}'
		for m in "$@"; do [ "$m" -le "$total" ] && echo "$m"; done
	} | sort -n -u | shard
}

# check_exit WHAT RC: 0, or 1 with an error on stderr (or in check's JSON on stdout)
check_exit() {
	local what=$1 rc=$2 err=$WORK/err
	_runs=$((_runs + 1))
	case $rc in
	0) ;;
	1)
		_exit1=$((_exit1 + 1))
		grep -q "error" "$err" "$WORK/out" || fail "$what: exit 1 without a message"
		;;
	*) fail "$what: exit $rc (signal or sanitizer): $(head -c 2000 "$err")" ;;
	esac
}

# check_db WHAT DB HEAD [EXPECT_REV_ON_SUCCESS RC]: intact, at a revision with that revision's
# schema; a plain upgrade head from there reaches head's schema
check_db() {
	local what=$1 db=$2 head=$3 want=${4-} rc=${5-1} st ic ver dig
	st=$(db_state "$db")
	ic=${st%%|*}; dig=${st##*|}; ver=${st#*|}; ver=${ver%|*}
	[ "$ic" = ok ] || { fail "$what: integrity_check: $ic"; return; }
	[ -n "${REF[$ver]+x}" ] || { fail "$what: database at unknown revision '$ver'"; return; }
	[ "$dig" = "${REF[$ver]}" ] || { fail "$what: schema at '$ver' is not a clean upgrade's"; return; }
	if [ "$rc" = 0 ] && [ -n "$want" ] && [ "$ver" != "$want" ]; then
		fail "$what: exit 0 but the database is at '$ver', not '$want'"
		return
	fi
	[ "$ver" = "$head" ] && return
	(cd "$(dirname "$db")" && "$CMIG" -q upgrade head >/dev/null 2>"$WORK/plain.err") ||
		{ fail "$what: plain upgrade head from '$ver' failed: $(cat "$WORK/plain.err")"; return; }
	st=$(db_state "$db")
	[ "${st##*|}" = "${REF[$head]}" ] || fail "$what: plain upgrade head from '$ver' gave another schema"
}

# fault_run DIR N MODE ARGS...: run cmig_fault ARGS in DIR with the Nth allocation failing;
# sets RC; stderr in $WORK/err, stdout in $WORK/out
fault_run() {
	local dir=$1 n=$2 mode=$3
	shift 3
	(cd "$dir" && CMIG_FAULT_N=$n CMIG_FAULT_MODE=$mode "$CMIG_FAULT" "$@" >"$WORK/out" 2>"$WORK/err")
	RC=$?
}

finish() {
	# the injection must have bitten: a sample in which every run succeeded tested nothing
	[ "$_exit1" -gt 0 ] || fail "no run failed: the faults were not injected"
	echo "$TEST_NAME: $_runs runs ($_exit1 exited 1 as they should), $_fails failed, ${SECONDS}s" >&2
	[ "$_fails" -eq 0 ]
	exit $?
}
