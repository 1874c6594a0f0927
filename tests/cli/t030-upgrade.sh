#!/bin/bash
# t030-upgrade: `cmig upgrade [TARGET]`, progress lines, version and history tables,
# `upgrade --check` (SPEC §4, §5).
. "$(dirname "$0")/lib.sh"
new_db
new_project
chain a1 b2 c3

# SPEC §5: upgrade --check touches nothing, lists pending oldest first, exit 3
assert_exit 3 upgrade --check
assert_eq "$(printf 'a1\nb2\nc3')" "$OUT" "--check lists pending revisions oldest first"
if [ "$CMIG_TEST_BACKEND" = sqlite ]; then
	assert_false "--check creates no database file" test -e "$DB_FILE"
else
	assert_false "--check creates no version table" db_has_table cmig_version
fi
assert_exit 3 upgrade --check b2
assert_eq "$(printf 'a1\nb2')" "$OUT" "--check with a target"
assert_exit 1 upgrade --check nosuch
if [ "$CMIG_TEST_BACKEND" = sqlite ]; then
	assert_false "--check with a bad target creates no file" test -e "$DB_FILE"
fi

# SPEC §5: upgrade with no target goes to head; progress on stderr, data not on stdout
assert_exit 0 upgrade
assert_backend_db
assert_db_version c3
assert_eq "$(printf 'Running upgrade base -> a1, add a1\nRunning upgrade a1 -> b2, add b2\nRunning upgrade b2 -> c3, add c3')" \
	"$(printf '%s\n' "$ERR" | grep '^Running ')" "progress lines, one per migration"
assert_not_contains "$OUT" "Running upgrade" "progress is not on stdout"
for t in t_a1 t_b2 t_c3; do assert_true "table $t created" db_has_table $t; done

# SPEC §4: version table: one column version_num, one row
assert_eq 1 "$(db_query "SELECT count(*) FROM cmig_version")" "one version row"
# SPEC §4: history rows, one per step, in the step order, with the checksum of the section
assert_eq "$(printf 'a1|up\nb2|up\nc3|up')" "$(db_query "SELECT revision, direction FROM cmig_history ORDER BY id")" "history rows"
# checksum: SHA-256 of the bytes after the marker line up to the next marker line
want=$(sed -n '/^-- migrate:up$/,/^-- migrate:down$/p' versions/b2_x.sql | sed '1d;$d' | sha256sum | cut -d' ' -f1)
assert_eq "$want" "$(db_query "SELECT checksum FROM cmig_history WHERE revision='b2'")" "history checksum = sha256 of the up section"
assert_match "$(db_query "SELECT applied_at FROM cmig_history WHERE revision='a1'")" \
	'^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}' "applied_at is ISO-8601"
assert_match "$(db_query "SELECT duration_ms FROM cmig_history WHERE revision='a1'")" '^[0-9]+$' "duration_ms is an integer"
assert_eq 1 "$(db_query "SELECT count(*) FROM cmig_history h1 JOIN cmig_history h2 ON h2.revision='c3' AND h1.revision='a1' AND h1.id < h2.id")" "history ids increase"

# at head: nothing to do, exit 0; --check says 0
assert_exit 0 upgrade head
assert_no_match "$ERR" '^Running ' "no migration at head"
assert_eq 3 "$(db_history_count)" "no history row for a no-op"
assert_exit 0 upgrade --check
assert_eq "" "$OUT" "--check at head lists nothing"

# a new revision: only it runs
write_rev d4 c3
assert_exit 3 upgrade --check
assert_eq d4 "$OUT" "--check lists only the new revision"
assert_exit 0 upgrade
assert_eq "Running upgrade c3 -> d4, add d4" "$(printf '%s\n' "$ERR" | grep '^Running ')" "only d4 runs"
assert_db_version d4

# trigger bodies with BEGIN ... END, SAVEPOINT/RELEASE are fine in a transactional section
cat >versions/e5_x.sql <<'SQL'
-- revision: e5
-- down_revision: d4
-- message: trigger

-- migrate:up
CREATE TABLE audit (id INTEGER PRIMARY KEY, what TEXT);
SAVEPOINT sp1;
INSERT INTO audit (id, what) VALUES (1, 'x');
RELEASE SAVEPOINT sp1;
-- migrate:up dialect:postgresql
CREATE TABLE audit (id INTEGER PRIMARY KEY, what TEXT);
CREATE FUNCTION audit_fn() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO audit (id, what) VALUES (NEW.id + 100, 'ins');
    RETURN NEW;
END;
$$;
CREATE TRIGGER t_a1_ins AFTER INSERT ON t_a1 FOR EACH ROW EXECUTE FUNCTION audit_fn();
SAVEPOINT sp1;
INSERT INTO audit (id, what) VALUES (1, 'x');
RELEASE SAVEPOINT sp1;
-- migrate:up dialect:sqlite
CREATE TABLE audit (id INTEGER PRIMARY KEY, what TEXT);
CREATE TRIGGER t_a1_ins AFTER INSERT ON t_a1 BEGIN
    INSERT INTO audit (id, what) VALUES (NEW.id + 100, 'ins');
END;
SAVEPOINT sp1;
INSERT INTO audit (id, what) VALUES (1, 'x');
RELEASE SAVEPOINT sp1;

-- migrate:down
DROP TABLE audit;
-- migrate:down dialect:postgresql
DROP TRIGGER t_a1_ins ON t_a1;
DROP FUNCTION audit_fn();
DROP TABLE audit;
-- migrate:down dialect:sqlite
DROP TRIGGER t_a1_ins;
DROP TABLE audit;
SQL
assert_exit 0 upgrade
assert_db_version e5
db_query "INSERT INTO t_a1 (id, v) VALUES (1, 'p')" >/dev/null
assert_eq "$(printf '1|x\n101|ins')" "$(db_query "SELECT id, what FROM audit ORDER BY id")" "dialect section with a trigger ran"
assert_exit 0 downgrade d4
assert_false "audit dropped" db_has_table audit

# server notices (PostgreSQL: DROP TABLE IF EXISTS prints one) are cmig's diagnostics, shown
# only with -v; nothing from the database reaches stderr behind cmig's back
write_rev f6 e5 "DROP TABLE IF EXISTS no_such_table_here;" ""
assert_exit 0 upgrade f6
assert_not_contains "$ERR" "no_such_table_here" "no notice without -v"
assert_not_contains "$ERR" "NOTICE" "no raw libpq NOTICE"
assert_exit 0 downgrade e5
assert_exit 0 -v upgrade f6
if [ "$CMIG_TEST_BACKEND" = postgresql ]; then
	assert_contains "$ERR" 'table "no_such_table_here" does not exist, skipping' "-v shows the server notice"
fi
assert_not_contains "$ERR" "NOTICE:  " "not through libpq's default notice processor"

# SPEC §4: upgrade refuses db-unknown (the database's revision is not in the files)
new_db
new_project "$TEST_DIR/p2"
chain a1 b2 c3
assert_exit 0 upgrade b2
rm versions/b2_x.sql
write_rev c3 a1
before=$(db_state)
assert_exit 1 upgrade head
assert_contains "$ERR" b2 "db-unknown names the revision"
assert_eq "$before" "$(db_state)" "db-unknown: database untouched"

# SPEC §4: upgrade refuses db-skipped (a revision before the current one never applied)
new_db
new_project "$TEST_DIR/p3"
chain a1 b2 c3
assert_exit 0 upgrade b2
write_rev x9 a1
write_rev b2 x9
before=$(db_state)
assert_exit 1 upgrade head
assert_contains "$ERR" x9 "db-skipped names the skipped revision"
assert_eq "$before" "$(db_state)" "db-skipped: database untouched"
