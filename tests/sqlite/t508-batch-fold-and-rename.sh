#!/usr/bin/env bash
# SPEC §6: several comma-separated actions in one ALTER TABLE; consecutive ALTER TABLE
# statements on one table in one section fold into one rebuild (one copy of the rows); RENAME
# TABLE and RENAME COLUMN run natively, between rebuilds; ONLY, IF EXISTS and quoted and
# schema-qualified names are accepted.
. "$(dirname "$0")/batch_lib.sh"

fixture
rev a2 a1 <<'EOF2'
ALTER TABLE ONLY public.posts ALTER COLUMN title SET NOT NULL DEFAULT 'x';
EOF2
cm upgrade a1
expect_rc "upgrade to the fixture" 0
cm upgrade a2
expect_rc "a malformed action fails" 1
expect_err_match "the error names the line and the token" "a2_x.sql:6: error: batch mode: ALTER TABLE: expected ',' or the end of the statement, found \"DEFAULT\""
rm versions/a2_x.sql

q "UPDATE posts SET title = 'Four' WHERE id = 4"
save_data
before=$(q "SELECT max(rowid) FROM sqlite_schema")
rev a2 a1 <<'EOF2'
ALTER TABLE ONLY public.posts
    ALTER COLUMN title SET NOT NULL,
    ALTER COLUMN "views" TYPE bigint,
    ADD CONSTRAINT title_len CHECK (length(title) < 100);
alter table posts alter column created set default '2027-01-01';
ALTER TABLE "posts" ADD CONSTRAINT posts_author_slug UNIQUE (author_id, slug);
EOF2
cm upgrade a2
expect_rc "three statements, five actions" 0
expect_eq "one rebuild: the new posts table is the first object created" \
	"$(q "SELECT rowid FROM sqlite_schema WHERE name = 'posts'")" "$((before + 1))"
expect_eq "posts table_xinfo" "$(xinfo posts)" "0|id|INTEGER|0|NULL|1|0
1|author_id|INTEGER|0|NULL|0|0
2|slug|TEXT|1|NULL|0|0
3|title|TEXT|1|NULL|0|0
4|views|bigint|0|0|0|0
5|score|REAL|0|NULL|0|2
6|created|TEXT|0|'2027-01-01'|0|0"
expect_data_kept
expect_dependents_kept
expect_clean

rev a3 a2 <<'EOF2'
ALTER TABLE posts ALTER COLUMN slug DROP NOT NULL;
ALTER TABLE posts RENAME COLUMN title TO headline;
ALTER TABLE posts ALTER COLUMN headline DROP NOT NULL;
ALTER TABLE IF EXISTS posts RENAME TO articles;
ALTER TABLE IF EXISTS no_such_table RENAME TO whatever;
ALTER TABLE articles ALTER COLUMN views SET DEFAULT 7;
EOF2
cm upgrade a3
expect_rc "renames between rebuilds" 0
expect_eq "articles table_xinfo" "$(xinfo articles)" "0|id|INTEGER|0|NULL|1|0
1|author_id|INTEGER|0|NULL|0|0
2|slug|TEXT|0|NULL|0|0
3|headline|TEXT|0|NULL|0|0
4|views|bigint|0|7|0|0
5|score|REAL|0|NULL|0|2
6|created|TEXT|0|'2027-01-01'|0|0"
expect_eq "the view follows the renames (SQLite's native rename)" "$(objsql popular)" \
	'CREATE VIEW popular AS SELECT id, "headline", views FROM "articles" WHERE views > 10'
expect_eq "comments now reference articles" "$(fks comments)" "articles|post_id|id|NO ACTION|CASCADE"
expect_eq "sqlite_sequence follows the table" "$(q "SELECT name, seq FROM sqlite_sequence WHERE name <> 'cmig_history'")" "articles|8"
expect_eq "articles rows" "$(q "SELECT rowid, id, headline FROM articles")" "1|1|One
2|2|Two
4|4|Four
5|5|Five
6|6|d1
7|7|Seven"
expect_clean
finish
