#!/bin/bash
# t330: SPEC §2 - a statement the database refuses inside a transaction block (VACUUM; on
# PostgreSQL CREATE/DROP DATABASE, CREATE/DROP TABLESPACE, ALTER SYSTEM, CREATE/DROP INDEX
# and REINDEX with CONCURRENTLY) in a transactional section is a parse error naming its line
# and transaction:false, found by check before anything runs; never inside strings, comments
# or dollar quotes, and fine in a transaction:false section.
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || _die "jq is needed"
new_db
new_project
write_rev a1 "" "CREATE TABLE t (id INTEGER, x INTEGER);" "DROP TABLE t;"

rev2() { # MARKER_OPTIONS SQL... : versions/b2_x.sql, the SQL from line 6
	local opts=$1
	shift
	{
		printf -- '-- revision: b2\n-- down_revision: a1\n-- message: b\n\n-- migrate:up%s\n' "$opts"
		printf '%s\n' "$@"
		printf -- '\n-- migrate:down\n'
	} >versions/b2_x.sql
}

refused() { # LINE NAME (after rev2): check and upgrade refuse, naming line, statement, transaction:false
	assert_exit 1 check
	assert_contains "$ERR" "versions/b2_x.sql:$1: error: $2 cannot run inside a transaction" "$2: line $1"
	assert_contains "$ERR" "transaction:false" "$2: names transaction:false"
	assert_exit 1 check --format json
	assert_eq '"parse"' "$(printf '%s' "$OUT" | jq -c "[.diagnostics[] | select(.line == $1)][0].code")" "$2: a parse error"
	before=$(db_state)
	assert_exit 1 upgrade head
	assert_eq "$before" "$(db_state)" "$2: nothing ran"
}

rev2 "" "INSERT INTO t (x) VALUES (1);" "VACUUM;"
refused 7 VACUUM
rev2 "" "vacuum t_a1;"
refused 6 VACUUM
rev2 "" "/* VACUUM */ INSERT INTO t (x) VALUES (1);" "" "  -- CREATE INDEX CONCURRENTLY" \
	"INSERT INTO t (x) VALUES (2); VaCuUm;"
refused 9 VACUUM
for stmt in "CREATE DATABASE x" "DROP DATABASE x" "CREATE TABLESPACE x LOCATION '/nowhere'" \
	"DROP TABLESPACE x" "ALTER SYSTEM SET work_mem = '8MB'" \
	"CREATE INDEX CONCURRENTLY i ON t (x)" "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS i ON t (x)" \
	"DROP INDEX CONCURRENTLY i" "DROP INDEX CONCURRENTLY IF EXISTS i" \
	"REINDEX INDEX CONCURRENTLY i" "REINDEX (VERBOSE) TABLE CONCURRENTLY t" \
	"REINDEX (CONCURRENTLY) SCHEMA public"; do
	rev2 "" "SELECT 1;" "$stmt;"
	case $stmt in
	CREATE\ UNIQUE\ INDEX*) name="CREATE INDEX CONCURRENTLY" ;;
	REINDEX*) name="REINDEX CONCURRENTLY" ;;
	*INDEX*) name="${stmt%% i*} " name="${stmt%%CONCURRENTLY*}CONCURRENTLY" ;;
	ALTER*) name="ALTER SYSTEM" ;;
	*) name=$(printf '%s' "$stmt" | cut -d' ' -f1,2) ;;
	esac
	refused 7 "$name"
	# in a dialect:postgresql section too; a dialect:sqlite section is not PostgreSQL
	rev2 " dialect:postgresql" "$stmt;"
	assert_exit 1 check
	assert_contains "$ERR" "b2_x.sql:6: error: $name cannot run" "$name: dialect:postgresql section"
	assert_contains "$ERR" "-- migrate:up dialect:postgresql transaction:false" "$name: the marker to write"
	rev2 " dialect:sqlite" "SELECT 1;" "$stmt;"
	run_cmig check
	assert_not_contains "$ERR" "cannot run inside a transaction" "$name: not refused in a dialect:sqlite section"
done

# the down section is held to the same rule
{
	printf -- '-- revision: b2\n-- down_revision: a1\n-- message: b\n\n-- migrate:up\n\n'
	printf -- '-- migrate:down\nVACUUM;\n'
} >versions/b2_x.sql
assert_exit 1 check
assert_contains "$ERR" "b2_x.sql:8: error: VACUUM cannot run inside a transaction: put it in a section marked transaction:false (-- migrate:down transaction:false)" "down section"

# never inside strings, comments or dollar quotes; names that merely contain the words pass
rev2 "" "INSERT INTO t (x) VALUES (length('VACUUM; CREATE DATABASE x;'));" \
	"-- VACUUM;" "/* DROP INDEX CONCURRENTLY i; */" \
	"CREATE INDEX concurrently_x ON t (x);" \
	"CREATE INDEX IF NOT EXISTS i2 ON t (x);" \
	"DROP INDEX i2;" "CREATE TABLE vacuum_log (id INTEGER);" \
	"CREATE INDEX \"concurrently\" ON t (x);" "DROP INDEX \"concurrently\";"
assert_exit 0 check
assert_exit 0 upgrade head
assert_true "the harmless statements ran" db_has_table vacuum_log
assert_exit 0 downgrade a1
db_query "DROP TABLE vacuum_log" >/dev/null
rev2 " dialect:postgresql" "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS \$\$ SELECT 1 /* VACUUM; */ \$\$;" \
	"COMMENT ON TABLE t IS \$c\$ run CREATE INDEX CONCURRENTLY later \$c\$;" "" "-- migrate:up dialect:sqlite"
assert_exit 0 check
assert_not_contains "$ERR" "cannot run" "dollar quotes are never looked into"

# in a transaction:false section the statement is what the section is for
case $CMIG_TEST_BACKEND in
sqlite) rev2 " transaction:false" "INSERT INTO t (x) VALUES (1);" "VACUUM;" ;;
postgresql) rev2 " transaction:false" "CREATE INDEX CONCURRENTLY IF NOT EXISTS t_x ON t (x);" "VACUUM t;" ;;
esac
assert_exit 0 check
assert_exit 0 upgrade head
assert_db_version b2 "the transaction:false section ran"
finish
