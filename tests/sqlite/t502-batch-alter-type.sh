#!/usr/bin/env bash
# SPEC §6: ALTER [COLUMN] c [SET DATA] TYPE t [USING expr]. Without USING each value is copied
# as it is and the new affinity converts what it can (never CAST: 'd1' stays 'd1'); with
# USING the expression's result is stored; an INTEGER PRIMARY KEY keeps the declared type
# INTEGER (rowid alias and AUTOINCREMENT survive); on a STRICT table a value that does not
# fit fails the migration and changes nothing.
. "$(dirname "$0")/batch_lib.sh"

fixture
rev a2 a1 <<'EOF2'
ALTER TABLE posts ALTER COLUMN title TYPE integer, ALTER COLUMN id SET DATA TYPE bigint;
ALTER TABLE posts ALTER views TYPE text;
EOF2
upgrade_fixture
cm upgrade a2
expect_rc "TYPE upgrade" 0
expect_eq "posts table_xinfo" "$(xinfo posts)" "0|id|INTEGER|0|NULL|1|0
1|author_id|INTEGER|0|NULL|0|0
2|slug|TEXT|1|NULL|0|0
3|title|INTEGER|0|NULL|0|0
4|views|TEXT|0|0|0|0
5|score|REAL|0|NULL|0|2
6|created|TEXT|0|'2026-01-01'|0|0"
expect_eq "values are not CAST: 'd1' stays text" "$(q "SELECT id, title, typeof(title) FROM posts WHERE id = 6")" "6|d1|text"
expect_eq "the new affinity converts what it can" "$(q "SELECT typeof(views), views FROM posts WHERE id = 2")" "text|22"
expect_eq "rowids and ids kept" "$(q "SELECT group_concat(r) FROM (SELECT rowid || '=' || id AS r FROM posts ORDER BY rowid)")" "1=1,2=2,4=4,5=5,6=6,7=7"
expect_eq "id is still the rowid alias with AUTOINCREMENT" \
	"$(q "SELECT sql LIKE '%id INTEGER PRIMARY KEY AUTOINCREMENT%' FROM sqlite_schema WHERE name = 'posts'")" "1"
expect_eq "sqlite_sequence kept" "$(q "SELECT seq FROM sqlite_sequence WHERE name = 'posts'")" "8"
expect_eq "comments kept" "$(rows comments)" "10|10|1|a
11|11|2|b
13|13|2|c
14|14|7|d"
expect_dependents_kept
expect_clean

# USING on a STRICT WITHOUT ROWID table
rev a3 a2 <<'EOF2'
ALTER TABLE kv ALTER COLUMN n TYPE TEXT USING 'n=' || coalesce(n, 'none');
EOF2
cm upgrade a3
expect_rc "USING upgrade" 0
expect_eq "USING results stored" "$(q "SELECT k, n, typeof(n) FROM kv ORDER BY k")" "a|n=1|text
b|n=2|text
c|n=none|text"
expect_eq "kv keeps WITHOUT ROWID and STRICT" "$(q "SELECT sql FROM sqlite_schema WHERE name = 'kv'")" \
	'CREATE TABLE "kv" (k TEXT PRIMARY KEY, v ANY, n TEXT) WITHOUT ROWID, STRICT'
expect_eq "kv table_xinfo" "$(xinfo kv)" "0|k|TEXT|1|NULL|1|0
1|v|ANY|0|NULL|0|0
2|n|TEXT|0|NULL|0|0"
expect_clean

# STRICT: 'x' does not fit INTEGER
rev a4 a3 <<'EOF2'
ALTER TABLE kv ALTER COLUMN v TYPE INTEGER;
EOF2
snapshot "$T_DIR/before.snap"
cm upgrade a4
expect_rc "a value that does not fit a STRICT column fails" 1
expect_err_match "the error names the table and column" 'a4_x.sql:6: error: batch mode: copying the rows of table "kv" failed: cannot store TEXT value in INTEGER column kv.v'
expect_unchanged "the database is exactly as before" "$T_DIR/before.snap"
finish
