#!/bin/bash
# t170: `-- migrate:up transaction:false` (SPEC §2): run statement by statement outside a
# transaction; the version and history rows follow in a transaction of their own after the
# last statement; a failure leaves the version at the previous revision, lists the lines of
# the statements that already ran, and a re-run runs the whole section again.
. "$(dirname "$0")/lib.sh"

# index_count NAME : how many indexes of that name the database has (0 or 1)
index_count() {
	case $CMIG_TEST_BACKEND in
	sqlite) db_query "SELECT count(*) FROM sqlite_master WHERE type='index' AND name='$1'" ;;
	postgresql) db_query "SELECT count(*) FROM pg_indexes WHERE indexname='$1'" ;;
	esac
}
new_db
new_project
chain a1
# lines: 5 marker, 6, 7, 8 statements, 9 the failing one
cat >versions/b2_x.sql <<'SQL'
-- revision: b2
-- down_revision: a1
-- message: non transactional

-- migrate:up transaction:false
CREATE TABLE IF NOT EXISTS nt_one (id INTEGER PRIMARY KEY);
CREATE TABLE IF NOT EXISTS nt_two (id INTEGER PRIMARY KEY);
CREATE INDEX IF NOT EXISTS nt_two_idx ON nt_two (id);
INSERT INTO nt_missing (id) VALUES (1);

-- migrate:down
DROP TABLE nt_two;
DROP TABLE nt_one;
SQL
write_rev c3 b2

assert_exit 1 upgrade head
assert_backend_db
assert_db_version a1 "version stays at the previous revision"
assert_contains "$ERR" "versions/b2_x.sql:9" "names the failing statement"
for l in 6 7 8; do
	assert_match "$ERR" "(^|[^0-9])$l([^0-9]|\$)" "error lists line $l that already ran"
done
assert_true "statements before the failure stay (nt_one)" db_has_table nt_one
assert_true "statements before the failure stay (nt_two)" db_has_table nt_two
assert_eq 0 "$(db_query "SELECT count(*) FROM cmig_history WHERE revision='b2'")" "no history row for the failed section"
assert_false "c3 not run" db_has_table t_c3

# fixed: the re-run runs the whole section again (idempotent), then continues
sed -i 's/^INSERT INTO nt_missing (id) VALUES (1);$/INSERT INTO nt_one (id) VALUES (1);/' versions/b2_x.sql
assert_exit 0 upgrade head
assert_db_version c3
assert_eq 1 "$(db_query "SELECT count(*) FROM nt_one")" "section ran whole"
assert_eq "$(printf 'a1|up\nb2|up\nc3|up')" "$(db_query "SELECT revision, direction FROM cmig_history ORDER BY id")" "history rows"
assert_exit 0 downgrade a1
assert_false "down section ran" db_has_table nt_one

# PostgreSQL's CREATE INDEX CONCURRENTLY needs it; SQLite gets its own form
cat >versions/d4_x.sql <<'SQL'
-- revision: d4
-- down_revision: c3
-- message: concurrent index

-- migrate:up transaction:false dialect:postgresql
CREATE INDEX CONCURRENTLY IF NOT EXISTS t_a1_v_idx ON t_a1 (v);
-- migrate:up transaction:false dialect:sqlite
CREATE INDEX IF NOT EXISTS t_a1_v_idx ON t_a1 (v);

-- migrate:down transaction:false dialect:postgresql
DROP INDEX CONCURRENTLY IF EXISTS t_a1_v_idx;
-- migrate:down dialect:sqlite
DROP INDEX t_a1_v_idx;
SQL
assert_exit 0 upgrade head
assert_db_version d4
assert_eq 1 "$(index_count t_a1_v_idx)" "index created (concurrently on PostgreSQL)"
assert_exit 0 downgrade c3
assert_db_version c3
assert_eq 0 "$(index_count t_a1_v_idx)" "index dropped"

# the same statement in a transactional section fails on PostgreSQL, rolled back whole
if [ "$CMIG_TEST_BACKEND" = postgresql ]; then
	write_rev e5 c3 "$(printf 'CREATE TABLE e5t (id INTEGER);\nCREATE INDEX CONCURRENTLY e5_idx ON e5t (id);')" ""
	rm versions/d4_x.sql
	assert_exit 1 upgrade head
	assert_contains "$ERR" "versions/e5_x.sql:7" "CONCURRENTLY inside a transaction: file:line"
	assert_db_version c3
	assert_false "rolled back whole" db_has_table e5t
fi
