#!/usr/bin/env bash
# SPEC §6: ALTER [COLUMN] c SET NOT NULL / DROP NOT NULL run as a rebuild that keeps every row,
# rowid, index, trigger, view, foreign key and the AUTOINCREMENT counter; NULLs under SET NOT
# NULL fail the migration, naming table, column and one row, and change nothing.
. "$(dirname "$0")/batch_lib.sh"

fixture
rev a2 a1 <<'EOF2'
ALTER TABLE posts ALTER COLUMN slug DROP NOT NULL;
ALTER TABLE posts ALTER created SET NOT NULL;
-- down
ALTER TABLE posts ALTER COLUMN slug SET NOT NULL, ALTER created DROP NOT NULL;
EOF2
upgrade_fixture
cm upgrade a2
expect_rc "SET/DROP NOT NULL upgrade" 0
expect_eq "posts table_xinfo" "$(xinfo posts)" "0|id|INTEGER|0|NULL|1|0
1|author_id|INTEGER|0|NULL|0|0
2|slug|TEXT|0|NULL|0|0
3|title|TEXT|0|NULL|0|0
4|views|INT|0|0|0|0
5|score|REAL|0|NULL|0|2
6|created|TEXT|1|'2026-01-01'|0|0"
expect_eq "posts indexes" "$(indexes posts)" "posts_lower_title|0|c|0
posts_popular|0|c|1
posts_slug|1|c|0"
expect_data_kept
expect_dependents_kept
expect_clean
expect_eq "AUTOINCREMENT continues above the deleted highest row" \
	"$(q "INSERT INTO posts (slug) VALUES ('new'); SELECT max(id) FROM posts")" "9"
q "DELETE FROM posts WHERE slug = 'new'; UPDATE sqlite_sequence SET seq = 8 WHERE name = 'posts'"
expect_eq "the trigger still fires" "$(q "UPDATE posts SET title = 'X' WHERE id = 1; SELECT msg FROM audit")" "title 1"
q "UPDATE posts SET title = 'One' WHERE id = 1; DELETE FROM audit"
expect_eq "the collation survives (NOCASE lookup)" "$(q "SELECT id FROM posts WHERE title = 'ONE'")" "1"

cm downgrade a1
expect_rc "downgrade (the reverse rebuild)" 0
expect_eq "slug NOT NULL again" "$(q "SELECT \"notnull\" FROM pragma_table_info('posts') WHERE name = 'slug'")" "1"
expect_data_kept
expect_clean

# violation: a NULL under SET NOT NULL
rev a3 a2 <<'EOF2'
ALTER TABLE posts ALTER COLUMN title SET NOT NULL;
EOF2
cm upgrade a2
expect_rc "upgrade to a2 again" 0
snapshot "$T_DIR/before.snap"
cm upgrade
expect_rc "NULL under SET NOT NULL fails" 1
expect_err_match "the error names table, column and row" \
	'a3_x.sql:6: error: batch mode: table "posts": existing rows violate NOT NULL on column "title" \(first offending row: rowid 4\)'
expect_eq "still at a2" "$(q 'SELECT version_num FROM cmig_version')" "a2"
expect_unchanged "the database is exactly as before" "$T_DIR/before.snap"
finish
