#!/usr/bin/env bash
# SPEC §6: the same migration files, written once in PostgreSQL's syntax, run on SQLite (batch
# mode) and on PostgreSQL (as written); both end with equivalent columns, nullability, defaults
# and constraints, and every constraint PostgreSQL names can be dropped by that name on SQLite.
# Needs a throwaway PostgreSQL (tests/pg/cluster.sh): fails, never skips, when it cannot start.
. "$(dirname "$0")/batch_lib.sh"

eval "$(bash "$CMIG_TESTS_DIR/pg/cluster.sh" start)" || { echo "no PostgreSQL cluster" >&2; exit 1; }
trap 'bash "$CMIG_TESTS_DIR/pg/cluster.sh" stop "$CMIG_PG_CLUSTER" >/dev/null 2>&1; rm -rf "$T_DIR"' EXIT
psql -X -q -d postgres -c "CREATE DATABASE batch_both" || { echo "createdb failed" >&2; exit 1; }
PGURL="postgresql:///batch_both?host=$PGHOST&port=$PGPORT&user=$PGUSER"

rev a1 none <<'EOF2'
CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE posts (
    id INTEGER PRIMARY KEY,
    author_id INTEGER REFERENCES authors (id),
    slug TEXT,
    title TEXT,
    views INTEGER DEFAULT 0,
    body TEXT DEFAULT 'empty'
);
INSERT INTO authors VALUES (1, 'ann'), (2, 'bob');
INSERT INTO posts (id, author_id, slug, title, views) VALUES (1, 1, 'a', 'A', 5), (2, 2, 'b', 'B', 7), (4, 1, 'd', 'D', 0);
EOF2
rev a2 a1 <<'EOF2'
ALTER TABLE posts ALTER COLUMN title SET NOT NULL;
ALTER TABLE posts ALTER COLUMN views TYPE bigint, ALTER COLUMN views SET DEFAULT 10;
ALTER TABLE posts ALTER COLUMN body DROP DEFAULT;
ALTER TABLE posts ADD UNIQUE (slug);
ALTER TABLE posts ADD CHECK (views >= 0);
ALTER TABLE posts ADD CONSTRAINT title_len CHECK (length(title) < 100);
ALTER TABLE posts ADD COLUMN rating INTEGER NOT NULL DEFAULT 3 CHECK (rating BETWEEN 1 AND 5);
ALTER TABLE posts DROP COLUMN body;
ALTER TABLE posts DROP CONSTRAINT posts_author_id_fkey;
ALTER TABLE posts ADD CONSTRAINT posts_author_fk FOREIGN KEY (author_id) REFERENCES authors (id) ON DELETE CASCADE;
CREATE TABLE tags (post_id INTEGER, name TEXT);
ALTER TABLE tags ADD PRIMARY KEY (post_id, name);
EOF2

cm upgrade
expect_rc "SQLite: upgrade" 0
cm --url "$PGURL" upgrade
expect_rc "PostgreSQL: upgrade" 0

# columns: name|not null|default, in order (a primary key column counts as NOT NULL)
sq_cols() {
	q "SELECT name || '|' || (\"notnull\" OR pk > 0) || '|' || ifnull(dflt_value, '') FROM pragma_table_info('$1') ORDER BY cid"
}
pg_cols() {
	psql -X -At -d batch_both -c "SELECT column_name || '|' || (is_nullable = 'NO')::int || '|' ||
		coalesce(regexp_replace(column_default, '::[a-z ]+$', ''), '')
		FROM information_schema.columns WHERE table_name = '$1' ORDER BY ordinal_position"
}
for t in authors posts tags; do
	expect_eq "$t: the same columns, nullability and defaults" "$(sq_cols "$t")" "$(pg_cols "$t")"
done
expect_eq "posts columns, as written by hand" "$(pg_cols posts)" "id|1|
author_id|0|
slug|0|
title|1|
views|0|10
rating|1|3"
expect_eq "the same rows" "$(q "SELECT id, author_id, slug, title, views, rating FROM posts ORDER BY id")" \
	"$(psql -X -At -d batch_both -c "SELECT id, author_id, slug, title, views, rating FROM posts ORDER BY id")"

# constraints: PostgreSQL's names, written by hand; each one drops on SQLite by that name
pg_names=$(psql -X -At -d batch_both -c "SELECT conrelid::regclass || ' ' || conname FROM pg_constraint
	WHERE conrelid::regclass::text IN ('authors', 'posts', 'tags') ORDER BY 1")
expect_eq "PostgreSQL's constraint names" "$pg_names" "authors authors_name_key
authors authors_pkey
posts posts_author_fk
posts posts_pkey
posts posts_rating_check
posts posts_slug_key
posts posts_views_check
posts title_len
tags tags_pkey"
n=0
while read -r table name; do
	n=$((n + 1))
	cp t.db probe.db
	rev "p$n" a2 <<EOF2
ALTER TABLE $table DROP CONSTRAINT $name;
EOF2
	cm --url sqlite:///probe.db upgrade "p$n"
	if [ "$name" = authors_pkey ]; then
		# posts' foreign key needs it: PostgreSQL refuses this drop too (without CASCADE)
		expect_rc "SQLite refuses to drop authors_pkey, which posts' foreign key needs" 1
		expect_err_match "the error says which foreign key" \
			'cannot drop constraint "authors_pkey" of table "authors": constraint "posts_author_fk" of table "posts" depends on it'
		cm --url "$PGURL" upgrade "p$n"
		expect_rc "so does PostgreSQL" 1
	else
		expect_rc "SQLite drops $table.$name by PostgreSQL's name" 0
	fi
	rm -f "versions/p${n}_x.sql"
done <<<"$pg_names"
expect_eq "SQLite: foreign keys" "$(fks posts)" "authors|author_id|id|NO ACTION|CASCADE"
expect_clean
finish
