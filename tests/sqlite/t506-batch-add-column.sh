#!/usr/bin/env bash
# SPEC §6: ADD [COLUMN] [IF NOT EXISTS] runs natively when SQLite accepts it, and as a rebuild
# when it refuses (UNIQUE, PRIMARY KEY, NOT NULL without default, a non-constant default, a
# STORED generated column). NOT NULL without a default on a table with rows fails.
. "$(dirname "$0")/batch_lib.sh"

fixture
rev a2 a1 <<'EOF2'
ALTER TABLE posts ADD COLUMN subtitle TEXT DEFAULT 'none';
ALTER TABLE posts ADD COLUMN IF NOT EXISTS subtitle INT;
ALTER TABLE authors ADD email TEXT UNIQUE;
ALTER TABLE authors ADD COLUMN joined TEXT NOT NULL DEFAULT (date('2026-01-02'));
ALTER TABLE authors ADD COLUMN name_len INT GENERATED ALWAYS AS (length(name)) STORED;
EOF2
upgrade_fixture
cm upgrade a2
expect_rc "ADD COLUMN upgrade" 0
expect_eq "posts got subtitle natively (appended to the user's text)" \
	"$(q "SELECT substr(sql, instr(sql, 'created')) FROM sqlite_schema WHERE name = 'posts'")" \
	"created TEXT DEFAULT '2026-01-01'
, subtitle TEXT DEFAULT 'none')"
expect_eq "authors table_xinfo" "$(xinfo authors)" "0|id|INTEGER|0|NULL|1|0
1|name|TEXT|1|NULL|0|0
2|email|TEXT|0|NULL|0|0
3|joined|TEXT|1|date('2026-01-02')|0|0
4|name_len|INT|0|NULL|0|3"
expect_eq "authors rows" "$(q "SELECT rowid, id, name, ifnull(email, 'NULL'), joined, name_len FROM authors")" "1|1|ann|NULL|2026-01-02|3
2|2|bob|NULL|2026-01-02|3
3|3|cy|NULL|2026-01-02|2"
expect_eq "authors indexes" "$(indexes authors)" "sqlite_autoindex_authors_1|1|u|0
sqlite_autoindex_authors_2|1|u|0"
expect_eq "posts rows unchanged, subtitle defaulted" "$(q "SELECT group_concat(subtitle) FROM posts")" "none,none,none,none,none,none"
expect_dependents_kept
expect_clean

rev a3 a2 <<'EOF2'
ALTER TABLE authors ADD COLUMN country TEXT NOT NULL;
EOF2
snapshot "$T_DIR/before.snap"
cm upgrade a3
expect_rc "NOT NULL without a default on rows fails" 1
expect_err_match "the error names table, column and row" \
	'a3_x.sql:6: error: batch mode: table "authors": existing rows violate NOT NULL on column "country" \(first offending row: rowid 1\)'
expect_unchanged "the database is exactly as before" "$T_DIR/before.snap"
finish
