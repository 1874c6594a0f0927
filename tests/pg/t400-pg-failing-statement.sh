#!/bin/bash
# t400 (PostgreSQL): a failing statement in the middle of migration k of n (SPEC §4). The
# section goes to the server as one pipeline, one query per statement; a failure still names
# the file:line of the statement that failed, moved to the line of the server's
# PG_DIAG_STATEMENT_POSITION (counted in characters, so UTF-8 before it must not shift it),
# with SQLSTATE, message, the server's DETAIL and HINT (STYLE §5). Database at k-1, nothing
# of k applied, the migrations before k stay.
. "$(dirname "$0")/../cli/lib.sh"
. "$(dirname "$0")/../cli/failing_k.sh"
[ "$CMIG_TEST_BACKEND" = postgresql ] || _die "a PostgreSQL-only test (CMIG_TEST_BACKEND=postgresql)"

# k_stmt KIND : the statement that fails (first line at line 9 of c3_x.sql, see failing_k.sh)
k_stmt() {
	case $1 in
	syntax) # the error is on the third line of the statement, after multi-byte characters
		printf "SELECT 'ééé€€€ — ünïcödé',\n       1 +\n       FROM k_first;\n" ;;
	unique) printf "INSERT INTO k_first (id, v)\n  VALUES\n  (1, 'dup');\n" ;;
	divzero) printf "SELECT 1 /\n  (SELECT count(*) FROM k_first WHERE id < 0)\n  AS boom;\n" ;;
	nofunc) # undefined function: the position points at the call, the server adds a HINT
		printf "SELECT id,\n  v,\n  no_such_fn(id)\nFROM k_first;\n" ;;
	copyin) # COPY FROM STDIN: a migration has no data to give it; it must fail, not hang
		printf 'COPY k_first (id, v)\n  FROM STDIN;\n' ;;
	raise) # a PL/pgSQL exception with its own DETAIL, HINT and SQLSTATE
		printf 'DO $body$\nBEGIN\n  RAISE EXCEPTION '"'"'boom %%'"'"', 42\n    USING DETAIL = '"'"'the detail text'"'"', HINT = '"'"'the hint text'"'"', ERRCODE = '"'"'P0042'"'"';\nEND\n$body$;\n' ;;
	esac
}

n=0
for kind in syntax unique divzero nofunc raise copyin; do
	n=$((n + 1))
	run_failing_k "$TEST_DIR/p$n" "$kind" "$(k_stmt "$kind")"
	case $kind in
	syntax)
		assert_match "$ERR" '^versions/c3_x\.sql:11(:[0-9]+)?: error: .*42601' "syntax: line of the position (11), SQLSTATE"
		assert_contains "$ERR" 'syntax error at or near "FROM"' "syntax: the server's message" ;;
	unique)
		assert_match "$ERR" '^versions/c3_x\.sql:9(:[0-9]+)?: error: .*23505' "unique: first line of the statement, SQLSTATE"
		assert_contains "$ERR" 'duplicate key value violates unique constraint "k_first_pkey"' "unique: message"
		assert_contains "$ERR" 'Key (id)=(1) already exists.' "unique: the server's DETAIL" ;;
	divzero)
		assert_match "$ERR" '^versions/c3_x\.sql:9(:[0-9]+)?: error: .*22012' "divzero: first line, SQLSTATE"
		assert_contains "$ERR" 'division by zero' "divzero: message" ;;
	nofunc)
		assert_match "$ERR" '^versions/c3_x\.sql:11(:[0-9]+)?: error: .*42883' "nofunc: line of the call, SQLSTATE"
		assert_contains "$ERR" 'function no_such_fn(integer) does not exist' "nofunc: message"
		assert_match "$ERR" 'hint: .*No function matches' "nofunc: the server's HINT" ;;
	raise)
		assert_match "$ERR" '^versions/c3_x\.sql:9(:[0-9]+)?: error: .*P0042' "raise: line of the DO, its SQLSTATE"
		assert_contains "$ERR" 'boom 42' "raise: message"
		assert_contains "$ERR" 'the detail text' "raise: DETAIL"
		assert_match "$ERR" 'hint: .*the hint text' "raise: HINT" ;;
	copyin)
		assert_match "$ERR" '^versions/c3_x\.sql:9(:[0-9]+)?: error: ' "copyin: names the COPY statement"
		assert_match "$ERR" 'hint: .*COPY FROM STDIN' "copyin: says why" ;;
	esac
	assert_contains "$ERR" "the database stays at b2" "$kind: says where the database is"
	# fixed, the run goes on from k-1
	write_rev c3 b2
	assert_exit 0 upgrade head
	assert_db_version d4 "$kind: fixed file applies"
done

# A constraint checked only at COMMIT (deferred): the migration is rolled back and reported.
new_db
new_project "$TEST_DIR/deferred"
write_rev a1 "" "CREATE TABLE p (id INTEGER PRIMARY KEY);
CREATE TABLE c (pid INTEGER REFERENCES p DEFERRABLE INITIALLY DEFERRED);
INSERT INTO c VALUES (5);"
assert_exit 1 upgrade head
assert_contains "$ERR" 23503 "deferred: SQLSTATE of the foreign-key violation"
assert_contains "$ERR" 'violates foreign key constraint' "deferred: message"
assert_db_version "" "deferred: still at base"
assert_false "deferred: nothing applied" db_has_table p

finish
