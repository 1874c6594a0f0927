#!/usr/bin/env bash
# SPEC §6: ADD [CONSTRAINT n] UNIQUE (…) / CHECK (…) / PRIMARY KEY (…) / FOREIGN KEY (…)
# REFERENCES …; existing rows that break the new definition (duplicates, a failing CHECK, a
# dangling foreign key) fail the migration naming table, constraint and one row, and leave
# the database exactly as before (.dump --preserve-rowids, sqlite_sequence, user_version).
. "$(dirname "$0")/batch_lib.sh"

fixture
rev a2 a1 <<'EOF2'
ALTER TABLE posts ADD CONSTRAINT posts_title_uq UNIQUE (title), ADD CHECK (length(slug) < 10);
CREATE TABLE tags (post_id INTEGER, name TEXT);
INSERT INTO tags VALUES (1, 'x'), (2, 'y');
ALTER TABLE tags ADD PRIMARY KEY (post_id, name);
ALTER TABLE tags ADD FOREIGN KEY (post_id) REFERENCES posts (id) ON DELETE CASCADE;
EOF2
upgrade_fixture
cm upgrade a2
expect_rc "ADD CONSTRAINT upgrade" 0
expect_eq "posts sql ends with the new constraints" "$(q "SELECT substr(sql, instr(sql, 'created')) FROM sqlite_schema WHERE name = 'posts'")" "created TEXT DEFAULT '2026-01-01',
    CONSTRAINT posts_title_uq UNIQUE (title),
    CHECK (length(slug) < 10)
)"
expect_eq "posts indexes (the UNIQUE is an automatic index)" "$(indexes posts)" "posts_lower_title|0|c|0
posts_popular|0|c|1
posts_slug|1|c|0
sqlite_autoindex_posts_1|1|u|0"
expect_eq "tags: primary key columns became NOT NULL" "$(xinfo tags)" "0|post_id|INTEGER|1|NULL|1|0
1|name|TEXT|1|NULL|2|0"
expect_eq "tags foreign key" "$(fks tags)" "posts|post_id|id|NO ACTION|CASCADE"
expect_eq "tags rows" "$(rows tags)" "1|1|x
2|2|y"
expect_data_kept
expect_dependents_kept
expect_clean

violation() { # NAME ALTER ERE
	rev "$1" a2 <<EOF2
$2
EOF2
	snapshot "$T_DIR/before.snap"
	cm upgrade "$1"
	expect_rc "$1 fails" 1
	expect_err_match "$1: the error names table, constraint and row" "$3"
	expect_unchanged "$1: the database is exactly as before" "$T_DIR/before.snap"
	rm -f "versions/$1_x.sql"
}
violation v1 "ALTER TABLE posts ADD UNIQUE (author_id);" \
	'v1_x.sql:6: error: batch mode: table "posts": existing rows violate UNIQUE constraint "posts_author_id_key" \(duplicate values\) \(first offending row: rowid 1\)'
violation v2 "ALTER TABLE posts ADD CONSTRAINT few_views CHECK (views < 25);" \
	'v2_x.sql:6: error: batch mode: table "posts": existing rows violate CHECK constraint "few_views" \(first offending row: rowid 6\)'
violation v3 "ALTER TABLE comments ADD FOREIGN KEY (body) REFERENCES authors (name);" \
	'v3_x.sql:6: error: batch mode: foreign key violation after the migration: table "comments" rowid 10: \(body\) references a missing row of "authors"'
violation v4 "ALTER TABLE posts ADD PRIMARY KEY (slug);" \
	'multiple primary keys for table "posts" are not allowed'
violation v5 "ALTER TABLE posts ADD CONSTRAINT posts_title_uq CHECK (true);" \
	'constraint "posts_title_uq" for table "posts" already exists'
finish
