# tests/cli/lib.sh - sourced by every tests/cli/tNNN-*.sh black-box test (STYLE §9).
#
# One test body, both backends: ctest runs each script with CMIG_TEST_BACKEND=sqlite and
# =postgresql. Environment:
#   CMIG               the binary under test (default: $CMIG_SOURCE_DIR/build/src/cmig)
#   CMIG_TEST_BACKEND  sqlite | postgresql (default sqlite)
#   CMIG_SOURCE_DIR    the repository (default: two levels above this file)
#   PGHOST PGPORT PGUSER  for postgresql: the throwaway cluster of tests/pg/cluster.sh. Missing ones
#                      make the test FAIL (never skip).
#
# What a test gets:
#   TEST_DIR           a fresh temporary directory, removed at exit
#   new_db             a fresh database: sets DB_URL (and prints nothing); the database is
#                      dropped at exit. db_query & co. act on the database of the latest new_db
#                      (db_select URL switches back to an earlier one; db_reset empties it).
#   new_project [DIR]  DIR (default $TEST_DIR/proj) with cmig.yaml (database_url: $DB_URL) and
#                      versions/; cd's into it
#   write_rev ID DOWN [UP_SQL [DOWN_SQL]]  versions/ID_x.sql with headers (message "add ID");
#                      DOWN_SQL "@none" writes no down marker. Defaults create/drop table t_ID.
#   run_cmig ARGS...   runs $CMIG; sets RC, OUT (stdout), ERR (stderr)
#   assert_exit CODE [cmig] ARGS...  run_cmig + assert RC
#   assert_eq / assert_ne / assert_contains / assert_not_contains / assert_match / assert_true
#   db_query SQL, db_version, db_has_table T, db_tables, db_schema, db_history_count DIR
#   assert_db_version REV (empty = base), assert_backend_db (the backend's own database got
#   the version table: psql on PostgreSQL, the file on SQLite)
#   finish             prints the summary and exits 0/1 (also done by the EXIT trap)
#
# Expected outputs in tests are written by hand from SPEC.md, never captured from cmig.

set -u
export LC_ALL=C
unset DATABASE_URL

CMIG_SOURCE_DIR=${CMIG_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
CMIG_TESTS_DIR=${CMIG_TESTS_DIR:-$CMIG_SOURCE_DIR/tests}
CMIG=${CMIG:-$CMIG_SOURCE_DIR/build/src/cmig}
CMIG_TEST_BACKEND=${CMIG_TEST_BACKEND:-sqlite}
TEST_NAME=$(basename "$0" .sh)
CMIG_CMD_TIMEOUT=${CMIG_CMD_TIMEOUT:-120}

_FAILS=0
_PASSES=0
_FINISHED=0
ALLOW_SQLITE_FILES=${ALLOW_SQLITE_FILES:-0}

_die() {
	echo "FATAL [$TEST_NAME/$CMIG_TEST_BACKEND]: $*" >&2
	exit 1
}

case $CMIG_TEST_BACKEND in
sqlite)
	command -v sqlite3 >/dev/null || _die "the sqlite3 CLI is needed"
	;;
postgresql)
	for v in PGHOST PGPORT PGUSER; do
		[ -n "${!v:-}" ] || _die "CMIG_TEST_BACKEND=postgresql but $v is not set (run through scripts/test.sh, or eval \"\$(tests/pg/cluster.sh start)\" first)"
	done
	command -v psql >/dev/null || _die "psql is needed"
	export PGHOST PGPORT PGUSER
	psql -X -At -d postgres -c 'SELECT 1' >/dev/null 2>&1 ||
		_die "cannot connect to PostgreSQL at PGHOST=$PGHOST PGPORT=$PGPORT as $PGUSER"
	;;
*)
	_die "unknown CMIG_TEST_BACKEND '$CMIG_TEST_BACKEND'"
	;;
esac
[ -x "$CMIG" ] || _die "no cmig binary at '$CMIG'"

TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/cmig-$TEST_NAME.XXXXXX") || _die "mktemp"
TEST_DIR=$(cd "$TEST_DIR" && pwd -P)
_DBS_FILE=$TEST_DIR/.created-databases
: >"$_DBS_FILE"
_DB_SEQ=0
_BG_PIDS=""

_cleanup() {
	local rc=$?
	local p
	for p in $_BG_PIDS; do kill -9 "$p" 2>/dev/null; done
	cd / || true
	if [ "$CMIG_TEST_BACKEND" = postgresql ]; then
		if [ "$ALLOW_SQLITE_FILES" != 1 ] && [ -d "$TEST_DIR" ]; then
			local stray
			stray=$(find "$TEST_DIR" -name '*.db' 2>/dev/null | head -3)
			if [ -n "$stray" ]; then
				_fail "postgresql run created SQLite files (a helper used SQLite?): $stray"
			fi
		fi
		local name
		while read -r name; do
			[ -n "$name" ] || continue
			psql -X -q -d postgres -c "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" >/dev/null 2>&1 || true
		done <"$_DBS_FILE"
	fi
	if [ "${KEEP_TEST_DIR:-0}" = 1 ]; then
		echo "# kept $TEST_DIR" >&2
	else
		rm -rf "$TEST_DIR"
	fi
	if [ "$_FINISHED" = 0 ]; then
		_summary
		if [ "$_FAILS" -gt 0 ] || [ "$rc" -ne 0 ]; then exit 1; fi
		exit 0
	fi
}
trap _cleanup EXIT
trap 'exit 1' INT TERM

# ---------------------------------------------------------------- check output helpers
# `check --format json` in $OUT, one diagnostic a line (T separates the fields); json_top [n]:
# "ok=<true|false> errors=N warnings=M" (then " n=<number of diagnostics>" when asked), or
# "BAD: why" when $OUT is not exactly one JSON object of the documented shape; summary: the
# last stderr line of text-format check ("N errors, M warnings").
json_diags() { # [CODE] : severity<TAB>code<TAB>path<TAB>line<TAB>message of $OUT
	printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
want = sys.argv[1] if len(sys.argv) > 1 else None
def s(v): return "null" if v is None else str(v)
for x in d["diagnostics"]:
    if want is None or x["code"] == want:
        print("\t".join(s(x[k]) for k in ("severity", "code", "path", "line", "message")))
' "$@"
}
json_top() {
	printf '%s' "$OUT" | python3 -c '
import json, sys
try:
    d = json.loads(sys.stdin.read())
except Exception as e:
    print("BAD: not one JSON value: %s" % e); sys.exit(0)
if not isinstance(d, dict):
    print("BAD: not an object"); sys.exit(0)
for k, t in (("ok", bool), ("errors", int), ("warnings", int), ("diagnostics", list)):
    if k not in d or not isinstance(d[k], t) or (t is int and isinstance(d[k], bool)):
        print("BAD: field %s missing or of the wrong type" % k); sys.exit(0)
for x in d["diagnostics"]:
    if not isinstance(x, dict):
        print("BAD: a diagnostic is not an object"); sys.exit(0)
    for k in ("severity", "code", "path", "line", "message"):
        if k not in x:
            print("BAD: a diagnostic lacks %s" % k); sys.exit(0)
    if x["severity"] not in ("error", "warning"):
        print("BAD: severity %r" % x["severity"]); sys.exit(0)
    if not (x["line"] is None or (isinstance(x["line"], int) and not isinstance(x["line"], bool) and x["line"] >= 1)):
        print("BAD: line %r" % x["line"]); sys.exit(0)
    if not (x["path"] is None or isinstance(x["path"], str)) or not isinstance(x["message"], str):
        print("BAD: path/message types"); sys.exit(0)
print("ok=%s errors=%d warnings=%d" % ("true" if d["ok"] else "false", d["errors"], d["warnings"])
      + (" n=%d" % len(d["diagnostics"]) if len(sys.argv) > 1 else ""))
' "$@"
}
summary() { printf '%s\n' "$ERR" | tail -n 1; }
T=$'\t'

_summary() {
	_FINISHED=1
	# a test that asserted nothing proves nothing: it fails (issue 11)
	if [ "$_PASSES" -eq 0 ] && [ "$_FAILS" -eq 0 ]; then
		echo "FAIL [$TEST_NAME/$CMIG_TEST_BACKEND]: no assertion ran" >&2
		_FAILS=1
	fi
	if [ "$_FAILS" -eq 0 ]; then
		echo "# $TEST_NAME [$CMIG_TEST_BACKEND]: $_PASSES passed, 0 failed"
	else
		echo "# $TEST_NAME [$CMIG_TEST_BACKEND]: $_PASSES passed, $_FAILS FAILED"
	fi
}

finish() {
	# the EXIT trap does the work (cleanup, summary, status)
	if [ "$_FAILS" -gt 0 ]; then exit 1; fi
	exit 0
}

# ---------------------------------------------------------------- assertions

_pass() {
	_PASSES=$((_PASSES + 1))
	[ "${VERBOSE:-0}" = 1 ] && echo "ok: $*"
	return 0
}

_fail() {
	_FAILS=$((_FAILS + 1))
	local n=${#BASH_LINENO[@]} where=${BASH_LINENO[1]:-?}
	# the line in the test script itself, when the assertion ran inside a helper
	if [ "$n" -ge 3 ] && [ "${BASH_LINENO[$((n - 2))]}" != "$where" ]; then
		where="$where, test line ${BASH_LINENO[$((n - 2))]}"
	fi
	echo "FAIL [$TEST_NAME/$CMIG_TEST_BACKEND] (line $where): $*" >&2
	return 1
}

_show_last_run() {
	{
		echo "    command: cmig ${LAST_ARGS:-}"
		echo "    exit:    ${RC:-}"
		echo "    --- stdout"
		printf '%s\n' "${OUT:-}" | head -40 | sed 's/^/    | /'
		echo "    --- stderr"
		printf '%s\n' "${ERR:-}" | head -40 | sed 's/^/    | /'
	} >&2
}

# run_cmig ARGS... : sets RC, OUT, ERR (never fails the test by itself)
run_cmig() {
	LAST_ARGS="$*"
	timeout -s KILL "$CMIG_CMD_TIMEOUT" "$CMIG" "$@" >"$TEST_DIR/.out" 2>"$TEST_DIR/.err"
	RC=$?
	OUT=$(cat "$TEST_DIR/.out")
	ERR=$(cat "$TEST_DIR/.err")
	if [ "$RC" -ge 124 ]; then
		echo "note: cmig ended with status $RC (signal or timeout)" >&2
	fi
	# under ASan/UBSan a report can come with an ordinary exit status (UBSan exits 1): a
	# "rejected" input must not pass by crashing
	case $ERR in
	*"ERROR: AddressSanitizer"* | *"ERROR: LeakSanitizer"* | *"runtime error: "* | *"Segmentation fault"*)
		_fail "sanitizer report or crash from: cmig $*"
		printf '%s\n' "$ERR" | head -30 | sed 's/^/    | /' >&2
		;;
	esac
	return 0
}

# assert_exit CODE [cmig] ARGS... : run cmig, assert its exit status.
assert_exit() {
	local want=$1
	shift
	[ "${1:-}" = cmig ] && shift
	run_cmig "$@"
	if [ "$RC" = "$want" ]; then
		_pass "exit $want: cmig $*"
	else
		_fail "expected exit $want, got $RC"
		_show_last_run
		return 1
	fi
}

# assert_eq EXPECTED ACTUAL [WHAT]
assert_eq() {
	if [ "$1" == "$2" ]; then
		_pass "${3:-eq}"
	else
		_fail "${3:-values differ}"
		{
			echo "    --- expected"
			printf '%s\n' "$1" | sed 's/^/    | /'
			echo "    --- actual"
			printf '%s\n' "$2" | sed 's/^/    | /'
		} >&2
		return 1
	fi
}

assert_ne() {
	if [ "$1" != "$2" ]; then
		_pass "${3:-ne}"
	else
		_fail "${3:-values are equal}: both '$1'"
		return 1
	fi
}

# _check OK PASS_WHAT FAIL_WHAT TEXT : pass when OK is 0, else fail showing TEXT's first lines
_check() {
	if [ "$1" = 0 ]; then
		_pass "$2"
	else
		_fail "$3"
		printf '%s\n' "$4" | head -30 | sed 's/^/    | /' >&2
		return 1
	fi
}

# assert_contains HAYSTACK NEEDLE [WHAT] (fixed string)
assert_contains() {
	[[ "$1" == *"$2"* ]]
	_check $? "${3:-contains}" "${3:-missing text}: expected to find '$2' in:" "$1"
}

assert_not_contains() {
	[[ "$1" != *"$2"* ]]
	_check $? "${3:-not contains}" "${3:-unexpected text}: did not expect '$2' in:" "$1"
}

# assert_match TEXT ERE [WHAT] : some line of TEXT matches the extended regex
assert_match() {
	printf '%s\n' "$1" | grep -Eq -- "$2"
	_check $? "${3:-match}" "${3:-no line matches} /$2/ in:" "$1"
}

assert_no_match() {
	! printf '%s\n' "$1" | grep -Eq -- "$2"
	_check $? "${3:-no match}" "${3:-a line matches} /$2/ in:" "$1"
}

# assert_true WHAT CMD... : CMD must succeed
assert_true() {
	local what=$1
	shift
	if "$@"; then _pass "$what"; else _fail "$what (failed: $*)"; return 1; fi
}

assert_false() {
	local what=$1
	shift
	if "$@"; then _fail "$what (unexpectedly succeeded: $*)"; return 1; else _pass "$what"; fi
}

# assert_stderr_names_file PATH : the last run's stderr mentions PATH (or its base name)
assert_err_names() {
	assert_contains "$ERR" "$1" "stderr names '$1'"
}

# ---------------------------------------------------------------- databases

# new_db : create a fresh, empty database for this test; sets DB_URL, DB_FILE / DB_NAME.
new_db() {
	_DB_SEQ=$((_DB_SEQ + 1))
	case $CMIG_TEST_BACKEND in
	sqlite)
		mkdir -p "$TEST_DIR/db"
		DB_FILE=$TEST_DIR/db/test$_DB_SEQ.db
		rm -f "$DB_FILE"
		DB_NAME=
		DB_URL="sqlite:///$DB_FILE"
		;;
	postgresql)
		DB_NAME="cmig_${TEST_NAME//[^a-zA-Z0-9]/_}_$$_$_DB_SEQ"
		DB_NAME=$(printf '%s' "$DB_NAME" | tr 'A-Z' 'a-z' | cut -c1-63)
		echo "$DB_NAME" >>"$_DBS_FILE"
		PGOPTIONS="-c client_min_messages=warning" psql -X -q -d postgres \
			-c "DROP DATABASE IF EXISTS \"$DB_NAME\"" >/dev/null 2>&1
		psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE \"$DB_NAME\"" >/dev/null ||
			_die "cannot create database $DB_NAME"
		DB_FILE=
		DB_URL="postgresql:///$DB_NAME?host=$PGHOST&port=$PGPORT"
		;;
	esac
	DB_TARGET=${DB_FILE:-$DB_NAME}
}

# db_reset : empty the current test database again (faster than new_db on PostgreSQL, where
# CREATE DATABASE costs a checkpoint): SQLite removes the file and its journals, PostgreSQL
# recreates the public schema (cmig's tables included)
db_reset() {
	case $CMIG_TEST_BACKEND in
	sqlite) rm -f "$DB_FILE" "$DB_FILE-journal" "$DB_FILE-wal" "$DB_FILE-shm" ;;
	postgresql)
		PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 -d "$DB_NAME" \
			-c "DROP SCHEMA public CASCADE" -c "CREATE SCHEMA public" >/dev/null ||
			_die "cannot reset database $DB_NAME"
		;;
	esac
}

# db_select URL : make an earlier database (from new_db) current again
db_select() {
	DB_URL=$1
	case $CMIG_TEST_BACKEND in
	sqlite)
		DB_FILE=${1#sqlite:///}
		DB_NAME=
		;;
	postgresql)
		DB_NAME=${1#postgresql:///}
		DB_NAME=${DB_NAME%%\?*}
		DB_FILE=
		;;
	esac
	DB_TARGET=${DB_FILE:-$DB_NAME}
}

# db_query SQL : run SQL on the current test database, print rows (| separated).
# On SQLite it never creates a missing file (prints nothing, returns 1).
db_query() {
	case $CMIG_TEST_BACKEND in
	sqlite)
		[ -e "$DB_FILE" ] || return 1
		sqlite3 -batch -noheader -bail "$DB_FILE" "$1"
		;;
	postgresql)
		psql -X -At -q -v ON_ERROR_STOP=1 -d "$DB_NAME" -c "$1"
		;;
	esac
}

# db_script FILE : run an SQL script file on the current test database (stop at first error)
db_script() {
	case $CMIG_TEST_BACKEND in
	sqlite) sqlite3 -batch -noheader -bail "$DB_FILE" <"$1" ;;
	postgresql) psql -X -At -q -v ON_ERROR_STOP=1 -d "$DB_NAME" -f "$1" ;;
	esac
}

# assert_dump_loads DUMP URL : the dump text loads into the empty database URL (db_select'ed),
# and `cmig dump` of it gives the same bytes after the first line (a fixpoint)
assert_dump_loads() {
	printf '%s\n' "$1" >"$TEST_DIR/load.sql"
	db_select "$2"
	if db_script "$TEST_DIR/load.sql" >"$TEST_DIR/load.out" 2>&1; then
		_pass
	else
		_fail "the dump loads into an empty database"
		sed 's/^/    | /' "$TEST_DIR/load.out" >&2
	fi
	assert_exit 0 --url "$2" dump
	assert_eq "$1" "$(printf '%s\n' "$OUT" | tail -n +2)" "dump, load, dump: the same bytes after the first line"
}

# db_has_table NAME [SCHEMA] : exit status 0 when the table exists
db_has_table() {
	local r
	case $CMIG_TEST_BACKEND in
	sqlite)
		[ -e "$DB_FILE" ] || return 1
		r=$(db_query "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='$1'") || return 1
		;;
	postgresql)
		r=$(db_query "SELECT count(*) FROM information_schema.tables WHERE table_schema='${2:-public}' AND table_name='$1'") || return 1
		;;
	esac
	[ "$r" = 1 ]
}

# db_tables : the user tables, sorted, one a line (cmig's own tables included)
db_tables() {
	case $CMIG_TEST_BACKEND in
	sqlite)
		[ -e "$DB_FILE" ] || return 0
		db_query "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
		;;
	postgresql)
		db_query "SELECT table_name FROM information_schema.tables WHERE table_schema='public' ORDER BY table_name"
		;;
	esac
}

# db_schema : a normalized dump of the user schema (tables, columns, indexes, triggers, views),
# cmig's own tables (cmig_*) left out, for comparing two databases of the same backend.
db_schema() {
	case $CMIG_TEST_BACKEND in
	sqlite)
		[ -e "$DB_FILE" ] || return 0
		db_query "SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_master
		          WHERE name NOT LIKE 'sqlite_%' AND tbl_name NOT LIKE 'cmig_%' ORDER BY type, name"
		;;
	postgresql)
		db_query "SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' ||
		                 is_nullable || ' ' || coalesce(column_default, '')
		          FROM information_schema.columns
		          WHERE table_schema = 'public' AND table_name NOT LIKE 'cmig_%'
		          UNION ALL
		          SELECT 'index ' || indexname || ' ' || indexdef FROM pg_indexes
		          WHERE schemaname = 'public' AND tablename NOT LIKE 'cmig_%'
		          UNION ALL
		          SELECT 'trigger ' || tgname || ' ' || tgrelid::regclass::text FROM pg_trigger
		          WHERE NOT tgisinternal
		          UNION ALL
		          SELECT 'view ' || viewname FROM pg_views WHERE schemaname = 'public'
		          ORDER BY 1"
		;;
	esac
}

# db_version : the revision in cmig_version (empty at base or when there is no table)
db_version() {
	local t=${1:-cmig_version}
	db_has_table "$t" "${2:-public}" || return 0
	if [ -n "${2:-}" ]; then t="$2.$t"; fi
	db_query "SELECT version_num FROM $t"
}

# db_history_count [DIRECTION] : rows of cmig_history (of that direction)
db_history_count() {
	db_has_table cmig_history || { echo 0; return 0; }
	if [ -n "${1:-}" ]; then
		db_query "SELECT count(*) FROM cmig_history WHERE direction = '$1'"
	else
		db_query "SELECT count(*) FROM cmig_history"
	fi
}

# db_state : version, history row count and schema in one text, to show "untouched"
db_state() {
	echo "version=[$(db_version)]"
	echo "history=$(db_history_count)"
	db_schema
	if [ "$CMIG_TEST_BACKEND" = sqlite ] && [ ! -e "$DB_FILE" ]; then echo "(no file)"; fi
}

assert_db_version() {
	assert_eq "$1" "$(db_version)" "${2:-database version}"
}

# assert_backend_db : the test's own database (not some SQLite file elsewhere) got cmig's
# version table. On PostgreSQL this asks the server with psql.
assert_backend_db() {
	case $CMIG_TEST_BACKEND in
	sqlite)
		if [ -e "$DB_FILE" ] && db_has_table cmig_version; then
			_pass "sqlite file $DB_FILE has cmig_version"
		else
			_fail "the test's SQLite file $DB_FILE has no cmig_version table"
		fi
		;;
	postgresql)
		local r
		r=$(psql -X -At -d "$DB_NAME" -c "SELECT to_regclass('public.cmig_version') IS NOT NULL" 2>&1)
		if [ "$r" = t ]; then
			_pass "psql: $DB_NAME has cmig_version"
		else
			_fail "psql: database $DB_NAME has no cmig_version table ($r)"
		fi
		;;
	esac
}

# ---------------------------------------------------------------- projects and files

# new_project [DIR] : write DIR/cmig.yaml (database_url: $DB_URL) and DIR/versions/, cd DIR
new_project() {
	local dir=${1:-$TEST_DIR/proj}
	mkdir -p "$dir/versions"
	if [ -n "${DB_URL:-}" ]; then
		printf "database_url: '%s'\nversions_dir: versions\n" "$DB_URL" >"$dir/cmig.yaml"
	else
		printf 'versions_dir: versions\n' >"$dir/cmig.yaml"
	fi
	cd "$dir" || _die "cd $dir"
	PROJ=$(pwd -P)
}

# write_rev ID DOWN [UP_SQL [DOWN_SQL]] : versions/ID_x.sql
#   line 1 "-- revision: ID", line 2 "-- down_revision: DOWN", line 3 "-- message: add ID",
#   line 4 blank, line 5 "-- migrate:up", UP_SQL from line 6, a blank line, "-- migrate:down",
#   DOWN_SQL. DOWN_SQL "@none": no down section. WRITE_REV_MSG overrides the message.
write_rev() {
	local id=$1 down=$2
	local up=${3-CREATE TABLE t_$1 (id INTEGER PRIMARY KEY, v TEXT);}
	local dn=${4-DROP TABLE t_$1;}
	local f=versions/${id}_x.sql
	mkdir -p versions
	{
		printf -- '-- revision: %s\n' "$id"
		printf -- '-- down_revision: %s\n' "$down"
		printf -- '-- message: %s\n' "${WRITE_REV_MSG:-add $id}"
		printf '\n-- migrate:up\n'
		[ -n "$up" ] && printf '%s\n' "$up"
		if [ "$dn" != "@none" ]; then
			printf '\n-- migrate:down\n'
			[ -n "$dn" ] && printf '%s\n' "$dn"
		fi
	} >"$f"
}

# chain ID... : write_rev a linear chain of the given ids (first is the root)
chain() {
	local prev="" id
	for id in "$@"; do
		write_rev "$id" "$prev"
		prev=$id
	done
}

# now_ns : wall clock in nanoseconds
now_ns() { date +%s%N; }

# slow_sql : SQL that takes about 150 ms (or ${1} times that), per backend, no side effects
slow_sql() {
	local n=${1:-1}
	case $CMIG_TEST_BACKEND in
	sqlite) echo "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x < $((1000000 * n))) SELECT count(*) FROM c;" ;;
	postgresql) echo "SELECT pg_sleep($(awk -v n="$n" 'BEGIN { printf "%.2f", 0.15 * n }'));" ;;
	esac
}
