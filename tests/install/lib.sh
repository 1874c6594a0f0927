# tests/install/lib.sh - sourced by tests/install/t-*.sh (issue 7: install, packaging, docs).
#
# Environment (ctest sets it; see the block at the end of tests/CMakeLists.txt):
#   CMIG_SOURCE_DIR   the repository (default: two levels above this file)
#   CMIG_BUILD_DIR    a configured and built build directory (default: $CMIG_SOURCE_DIR/build)
#   CMIG              the built binary (default: $CMIG_BUILD_DIR/src/cmig)
# What a test gets: TMP (a fresh directory, removed at exit), ok/fail/check/check_eq, finish.
set -u
export LC_ALL=C
unset DATABASE_URL

CMIG_SOURCE_DIR=${CMIG_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
CMIG_BUILD_DIR=${CMIG_BUILD_DIR:-$CMIG_SOURCE_DIR/build}
CMIG=${CMIG:-$CMIG_BUILD_DIR/src/cmig}
TEST_NAME=$(basename "$0" .sh)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/cmig-$TEST_NAME.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
_fails=0
_passes=0

ok() { _passes=$((_passes + 1)); }
fail() {
	_fails=$((_fails + 1))
	echo "FAIL [$TEST_NAME]: $*" >&2
}
die() {
	echo "FATAL [$TEST_NAME]: $*" >&2
	exit 1
}
# check DESCRIPTION CMD...: CMD must succeed
check() {
	local what=$1
	shift
	if "$@"; then ok; else fail "$what"; fi
}
# check_eq DESCRIPTION EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then
		ok
	else
		fail "$1: expected [$2], got [$3]"
	fi
}
finish() {
	# a test that asserted nothing proves nothing: it fails (issue 11)
	[ "$_passes" -gt 0 ] || [ "$_fails" -gt 0 ] || fail "no assertion ran"
	echo "$TEST_NAME: $_passes passed, $_fails failed" >&2
	[ "$_fails" -eq 0 ]
	exit $?
}
