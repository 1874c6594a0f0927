#!/bin/bash
# t110: a failing statement in migration k of n (SPEC §4): the migration is rolled back whole,
# the database stays at k-1 with nothing of k applied, the earlier ones stay applied, the
# error names file:line of the failing statement (its first line when the database gives no
# position) and quotes the database's message (PostgreSQL: with SQLSTATE); exit 1.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/failing_k.sh"

# k_stmt KIND : the statement that fails (first line at line 9 of c3_x.sql, see failing_k.sh)
k_stmt() {
	case $1 in
	syntax) printf 'CREATE TABLEX oops (id INTEGER);\n' ;;
	unique) printf "INSERT INTO k_first (id, v)\n  VALUES\n  (1, 'dup');\n" ;;
	notnull) printf "INSERT INTO k_first (id, v)\n  VALUES\n  (2, NULL);\n" ;;
	divzero) printf "SELECT 1 /\n  (SELECT count(*) FROM k_first WHERE id < 0)\n  AS boom;\n" ;;
	missing) printf "INSERT INTO no_such_table (id)\n  VALUES (1);\n" ;;
	esac
}

kinds="syntax unique notnull missing"
[ "$CMIG_TEST_BACKEND" = postgresql ] && kinds="$kinds divzero"
n=0
for kind in $kinds; do
	n=$((n + 1))
	run_failing_k "$TEST_DIR/p$n" "$kind" "$(k_stmt "$kind")"
	assert_contains "$ERR" "versions/c3_x.sql:9" "$kind: names file:line of the failing statement"
	case $CMIG_TEST_BACKEND/$kind in
	sqlite/syntax) assert_contains "$ERR" 'near "TABLEX": syntax error' "SQLite's message" ;;
	sqlite/unique) assert_contains "$ERR" "UNIQUE constraint failed: k_first.id" "SQLite's message" ;;
	sqlite/notnull) assert_contains "$ERR" "NOT NULL constraint failed: k_first.v" "SQLite's message" ;;
	sqlite/missing) assert_contains "$ERR" "no such table: no_such_table" "SQLite's message" ;;
	postgresql/syntax)
		assert_contains "$ERR" 'syntax error at or near "TABLEX"' "PostgreSQL's message"
		assert_contains "$ERR" 42601 "SQLSTATE" ;;
	postgresql/unique)
		assert_contains "$ERR" 'duplicate key value violates unique constraint "k_first_pkey"' "PostgreSQL's message"
		assert_contains "$ERR" 23505 "SQLSTATE" ;;
	postgresql/notnull)
		assert_contains "$ERR" 'null value in column "v"' "PostgreSQL's message"
		assert_contains "$ERR" 23502 "SQLSTATE" ;;
	postgresql/missing)
		assert_contains "$ERR" 'relation "no_such_table" does not exist' "PostgreSQL's message"
		assert_contains "$ERR" 42P01 "SQLSTATE" ;;
	postgresql/divzero)
		assert_contains "$ERR" 'division by zero' "PostgreSQL's message"
		assert_contains "$ERR" 22012 "SQLSTATE" ;;
	esac
	# fixing the file lets the run continue from k-1
	write_rev c3 b2
	assert_exit 0 upgrade head
	assert_db_version d4 "$kind: fixed file applies"
	assert_eq "$(printf 'a1\nb2\nc3\nd4')" "$(db_query "SELECT revision FROM cmig_history WHERE direction='up' ORDER BY id")" "$kind: every migration once"
done

# the failing migration is the first one (k = 1): the database stays at base
new_db
new_project "$TEST_DIR/first"
write_rev a1 "" "$(printf 'CREATE TABLE t_a1 (id INTEGER PRIMARY KEY);\nINSERT INTO nowhere VALUES (1);')"
write_rev b2 a1
assert_exit 1 upgrade head
assert_db_version "" "k = 1: still at base"
assert_false "k = 1: nothing applied" db_has_table t_a1
assert_contains "$ERR" "versions/a1_x.sql:7" "k = 1: file:line"

# a failing statement on line 1 of a multi-line statement in a later section line
new_db
new_project "$TEST_DIR/multi"
write_rev a1 "" "$(printf "CREATE TABLE m (id INTEGER PRIMARY KEY,\n  v TEXT NOT NULL);\nINSERT INTO m (id, v) VALUES (1, 'a');\n\n\nINSERT INTO m (id, v)\n  SELECT id, v FROM m;")"
assert_exit 1 upgrade head
assert_contains "$ERR" "versions/a1_x.sql:11" "run-time error reported at the statement's first line"
assert_false "multi: rolled back" db_has_table m
