#!/usr/bin/env bash
# SPEC §6: a parent with ON DELETE CASCADE children is rebuilt and every child row survives;
# foreign keys pointing in and out are kept; violations already in the database are a
# warning line, not the migration's fault; a violation the migration makes fails it, naming
# table, parent and one rowid, and changes nothing. A key that another key on the same columns
# backs up can be dropped under a foreign key.
. "$(dirname "$0")/batch_lib.sh"

fixture
rev a2 a1 <<'EOF2'
ALTER TABLE authors ALTER COLUMN name TYPE varchar(100);
ALTER TABLE posts ALTER COLUMN author_id SET NOT NULL;
EOF2
upgrade_fixture
cm upgrade a2
expect_rc "rebuild parent and child" 0
expect_eq "every post (ON DELETE CASCADE child of authors) survives" "$(q 'SELECT count(*) FROM posts')" "6"
expect_eq "every comment (ON DELETE CASCADE child of posts) survives" "$(q 'SELECT count(*) FROM comments')" "4"
expect_data_kept
expect_dependents_kept
expect_clean
expect_eq "cascade still works afterwards" "$(q 'PRAGMA foreign_keys = ON; DELETE FROM authors WHERE id = 3; SELECT count(*) FROM posts')" "4"
q "PRAGMA foreign_keys = OFF" >/dev/null

# a violation already in the database: a warning, and the migration runs
q "INSERT INTO comments (id, post_id, body) VALUES (20, 99, 'orphan')"
rev a3 a2 <<'EOF2'
ALTER TABLE comments ALTER COLUMN body SET DEFAULT '';
EOF2
cm upgrade a3
expect_rc "existing violations do not fail the migration" 0
expect_err_match "they are reported as a warning" \
	'a3_x.sql:6: warning: foreign key violation already in the database \(not caused by this migration\): table "comments" rowid 20: \(post_id\) references a missing row of "posts"'

# a violation the migration makes
rev a4 a3 <<'EOF2'
DELETE FROM comments WHERE id = 20;
ALTER TABLE comments ALTER COLUMN body SET NOT NULL;
DELETE FROM posts WHERE id = 7;
EOF2
snapshot "$T_DIR/before.snap"
cm upgrade a4
expect_rc "a new dangling reference fails" 1
expect_err_match "the error names table, parent and rowid" \
	'a4_x.sql:7: error: batch mode: foreign key violation after the migration: table "comments" rowid 14: \(post_id\) references a missing row of "posts"'
expect_unchanged "the database is exactly as before" "$T_DIR/before.snap"

# a UNIQUE added on the primary key of a referenced table, then dropped (the down section
# autogenerate writes): the primary key still serves the foreign key, so the drop goes through
rm versions/a4_x.sql
q "DELETE FROM comments WHERE id = 20" >/dev/null
rev a5 a3 <<'EOF2'
ALTER TABLE posts ADD CONSTRAINT posts_id_u UNIQUE (id);
-- down
ALTER TABLE posts DROP CONSTRAINT posts_id_u;
EOF2
cm upgrade a5
expect_rc "UNIQUE on the referenced primary key" 0
expect_eq "posts has the UNIQUE" "$(q "SELECT sql LIKE '%CONSTRAINT posts_id_u UNIQUE (id)%' FROM sqlite_schema WHERE name = 'posts'")" "1"
cm downgrade a3
expect_rc "the down section drops it: the primary key still serves comments' foreign key" 0
expect_eq "posts lost the UNIQUE" "$(q "SELECT sql LIKE '%posts_id_u%' FROM sqlite_schema WHERE name = 'posts'")" "0"
expect_eq "comments still reference posts" "$(fks comments)" "posts|post_id|id|NO ACTION|CASCADE"
expect_clean
finish
