#!/usr/bin/env bash
# SPEC §6: DROP [COLUMN] [IF EXISTS] c runs natively when SQLite accepts it; when SQLite refuses
# (indexed, in a key or a constraint) the table is rebuilt and, as on PostgreSQL, the indexes
# and table constraints that use the column go with it; a view or trigger that uses it fails
# the migration, naming it.
. "$(dirname "$0")/batch_lib.sh"

fixture
rev a2 a1 <<'EOF2'
ALTER TABLE posts DROP COLUMN created;
ALTER TABLE posts DROP COLUMN IF EXISTS no_such_column;
ALTER TABLE posts DROP COLUMN slug;
EOF2
upgrade_fixture
cm upgrade a2
expect_rc "DROP COLUMN upgrade" 0
expect_eq "posts table_xinfo" "$(xinfo posts)" "0|id|INTEGER|0|NULL|1|0
1|author_id|INTEGER|0|NULL|0|0
2|title|TEXT|0|NULL|0|0
3|views|INT|0|0|0|0
4|score|REAL|0|NULL|0|2"
expect_eq "the index on slug went with it" "$(indexes posts)" "posts_lower_title|0|c|0
posts_popular|0|c|1"
expect_eq "rows kept" "$(q "SELECT rowid, id, author_id, title, views FROM posts")" "1|1|1|One|6
2|2|1|Two|22
4|4|2||12
5|5|3|Five|1
6|6|3|d1|30
7|7|1|Seven|3"
expect_eq "sqlite_sequence kept" "$(q "SELECT seq FROM sqlite_sequence WHERE name = 'posts'")" "8"
expect_eq "popular view sql" "$(objsql popular)" "CREATE VIEW popular AS SELECT id, title, views FROM posts WHERE views > 10"
expect_eq "posts_au trigger sql" "$(objsql posts_au)" "CREATE TRIGGER posts_au AFTER UPDATE OF title ON posts BEGIN INSERT INTO audit VALUES ('title ' || new.id); END"
expect_eq "comments rows" "$(rows comments)" "10|10|1|a
11|11|2|b
13|13|2|c
14|14|7|d"
expect_clean

rev a3 a2 <<'EOF2'
ALTER TABLE posts DROP COLUMN title;
EOF2
snapshot "$T_DIR/before.snap"
cm upgrade a3
expect_rc "dropping a column a trigger uses fails" 1
expect_err_match "the error names the trigger" 'trigger "posts_au" uses it'
expect_unchanged "the database is exactly as before" "$T_DIR/before.snap"
rm versions/a3_x.sql

rev a3 a2 <<'EOF2'
DROP TRIGGER posts_au;
ALTER TABLE posts DROP COLUMN title;
EOF2
cm upgrade a3
expect_rc "dropping a column a view uses fails" 1
expect_err_match "the error names the view" 'a3_x.sql:7: error: batch mode: view "popular" no longer works after the rebuild of table "posts": no such column: title'
expect_unchanged "the database is exactly as before" "$T_DIR/before.snap"
finish
