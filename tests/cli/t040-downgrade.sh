#!/bin/bash
# t040-downgrade: `cmig downgrade TARGET` (SPEC §2 down sections, §4 history, §5).
. "$(dirname "$0")/lib.sh"
new_db
new_project
chain a1 b2 c3 d4

assert_exit 0 upgrade head
assert_backend_db
assert_db_version d4

# SPEC §5: TARGET is required
assert_exit 2 downgrade
assert_db_version d4 "missing TARGET changes nothing"

# one step by id; progress line names the revision left and the one reached
assert_exit 0 downgrade c3
assert_eq "Running downgrade d4 -> c3, add d4" "$(printf '%s\n' "$ERR" | grep '^Running ')" "downgrade progress line"
assert_db_version c3
assert_false "t_d4 dropped" db_has_table t_d4
assert_true "t_c3 kept" db_has_table t_c3
assert_eq "d4|down" "$(db_query "SELECT revision, direction FROM cmig_history ORDER BY id DESC LIMIT 1")" "history: down row"
want=$(sed -n '/^-- migrate:down$/,$p' versions/d4_x.sql | sed '1d' | sha256sum | cut -d' ' -f1)
assert_eq "$want" "$(db_query "SELECT checksum FROM cmig_history WHERE direction='down' AND revision='d4'")" "down row checksum = sha256 of the down section"

# newest first, down to base
assert_exit 0 downgrade base
assert_eq "$(printf 'Running downgrade c3 -> b2, add c3\nRunning downgrade b2 -> a1, add b2\nRunning downgrade a1 -> base, add a1')" \
	"$(printf '%s\n' "$ERR" | grep '^Running ')" "newest first, 'base' before the root"
assert_db_version ""
assert_eq 0 "$(db_query "SELECT count(*) FROM cmig_version")" "version table empty at base"
for t in t_a1 t_b2 t_c3 t_d4; do assert_false "$t dropped" db_has_table $t; done
assert_eq "$(printf 'a1|up\nb2|up\nc3|up\nd4|up\nd4|down\nc3|down\nb2|down\na1|down')" \
	"$(db_query "SELECT revision, direction FROM cmig_history ORDER BY id")" "history of every step"

# downgrade base at base: nothing to do
assert_exit 0 downgrade base
assert_no_match "$ERR" '^Running ' "nothing runs at base"

# wrong side: downgrade to a newer revision
assert_exit 0 upgrade b2
before=$(db_state)
assert_exit 1 downgrade d4
assert_eq "$before" "$(db_state)" "downgrade to a newer revision changes nothing"
assert_exit 1 downgrade head
assert_eq "$before" "$(db_state)" "downgrade to head (newer) changes nothing"

# SPEC §2: a revision without a down section cannot be downgraded past; refused before any change
new_db
new_project "$TEST_DIR/p2"
write_rev a1 ""
write_rev b2 a1 "CREATE TABLE t_b2 (id INTEGER PRIMARY KEY);" "@none"
write_rev c3 b2
write_rev d4 c3
assert_exit 0 upgrade head
before=$(db_state)
assert_exit 1 downgrade base
assert_contains "$ERR" b2 "names the revision without a down section"
assert_eq "$before" "$(db_state)" "nothing downgraded (not even c3, d4)"
assert_exit 1 downgrade a1
assert_eq "$before" "$(db_state)" "downgrade to a1 passes b2: refused"
assert_exit 0 downgrade b2
assert_db_version b2 "down to the revision without down section itself is fine"

# SPEC §2: an empty down section is a no-op step
new_db
new_project "$TEST_DIR/p3"
write_rev a1 "" "CREATE TABLE keep_me (id INTEGER PRIMARY KEY);" ""
write_rev b2 a1
assert_exit 0 upgrade head
assert_exit 0 downgrade base
assert_db_version ""
assert_true "empty down section: table stays" db_has_table keep_me
assert_false "t_b2 dropped" db_has_table t_b2

# a failing down section: rolled back, the database stays where it was
new_db
new_project "$TEST_DIR/p4"
write_rev a1 ""
write_rev b2 a1 "CREATE TABLE t_b2 (id INTEGER PRIMARY KEY);" "$(printf 'DROP TABLE t_b2;\nDROP TABLE no_such_table;')"
assert_exit 0 upgrade head
before=$(db_state)
assert_exit 1 downgrade base
assert_contains "$ERR" "versions/b2_x.sql:10" "names file:line of the failing down statement"
assert_eq "$before" "$(db_state)" "failed downgrade rolled back whole"

# SPEC §2: a direction with dialect sections but none for this backend (and no unmarked one)
# is an error when that direction is about to run, found before anything changes
new_db
new_project "$TEST_DIR/p5"
other=postgresql; [ "$CMIG_TEST_BACKEND" = postgresql ] && other=sqlite
write_rev a1 ""
cat >versions/b2_x.sql <<SQL
-- revision: b2
-- down_revision: a1
-- message: down only for $other

-- migrate:up
CREATE TABLE t_b2 (id INTEGER PRIMARY KEY);

-- migrate:down dialect:$other
DROP TABLE t_b2;
SQL
write_rev c3 b2
assert_exit 0 upgrade head
assert_db_version c3 "up sections run"
before=$(db_state)
assert_exit 1 downgrade base
assert_contains "$ERR" "versions/b2_x.sql" "names the file with no down section for this backend"
assert_eq "$before" "$(db_state)" "found before anything changed (c3 not downgraded either)"
assert_exit 0 downgrade b2
assert_db_version b2 "down to b2 does not need b2's down section"
