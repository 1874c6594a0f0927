#!/usr/bin/env bash
# SPEC §6: ALTER [COLUMN] c SET DEFAULT expr / DROP DEFAULT, as a rebuild that keeps the rest.
. "$(dirname "$0")/batch_lib.sh"

fixture
rev a2 a1 <<'EOF2'
ALTER TABLE posts ALTER COLUMN views SET DEFAULT 100, ALTER COLUMN created DROP DEFAULT;
ALTER TABLE posts ALTER COLUMN title SET DEFAULT 'untitled' || '!';
-- down
ALTER TABLE posts ALTER COLUMN views SET DEFAULT 0, ALTER COLUMN created SET DEFAULT '2026-01-01', ALTER title DROP DEFAULT;
EOF2
upgrade_fixture
cm upgrade a2
expect_rc "SET/DROP DEFAULT upgrade" 0
expect_eq "posts table_xinfo" "$(xinfo posts)" "0|id|INTEGER|0|NULL|1|0
1|author_id|INTEGER|0|NULL|0|0
2|slug|TEXT|1|NULL|0|0
3|title|TEXT|0|'untitled' || '!'|0|0
4|views|INT|0|100|0|0
5|score|REAL|0|NULL|0|2
6|created|TEXT|0|NULL|0|0"
expect_eq "the CHECK on views survives the default change" \
	"$(q "SELECT sql LIKE '%views int CHECK (views >= 0) DEFAULT 100%' FROM sqlite_schema WHERE name = 'posts'")" "1"
expect_data_kept
expect_dependents_kept
expect_clean
expect_eq "new defaults apply" "$(q "INSERT INTO posts (slug) VALUES ('n'); SELECT title, views, ifnull(created, 'NULL') FROM posts WHERE slug = 'n'; DELETE FROM posts WHERE slug = 'n'")" "untitled!|100|NULL"
q "UPDATE sqlite_sequence SET seq = 8 WHERE name = 'posts'"
cm downgrade a1
expect_rc "downgrade" 0
expect_eq "defaults back" "$(q "SELECT name || '=' || ifnull(dflt_value, 'NULL') FROM pragma_table_info('posts') WHERE name IN ('title', 'views', 'created')")" "title=NULL
views=0
created='2026-01-01'"
expect_data_kept
expect_clean
finish
