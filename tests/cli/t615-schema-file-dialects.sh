#!/bin/bash
# t615: per-dialect schema files (SPEC §8, `schema_file: {sqlite: FILE, postgresql: FILE}`).
# `diff` uses the file of the URL's dialect; a map with one key gives plain sections as a single
# file does; a map naming an unknown dialect, a map without the URL's dialect, a missing file
# and an empty map are errors naming their cmig.yaml line, with nothing written. On the
# PostgreSQL run, a map with both files makes `revision --autogenerate` write dialect:sqlite and
# dialect:postgresql sections, each proven (SQLite in memory, PostgreSQL via dev_url): the
# revision then upgrades and downgrades a real PostgreSQL database and a real SQLite file, after
# which `diff` agrees on both; an added enum value goes into a revision of its own whose SQLite
# side is empty; a refusal on one dialect (a rename not said) writes nothing for either.
. "$(dirname "$0")/lib.sh"
ALLOW_SQLITE_FILES=1 # the PostgreSQL run also upgrades a SQLite file with the sqlite sections

new_db
new_project
cp cmig.yaml base.yaml
write_rev a1 "" "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);" \
	"DROP TABLE users;"
nfiles() { ls versions | wc -l | tr -d ' '; }
dev_url() {
	printf "dev_url: 'postgresql:///postgres?host=%s&port=%s'\n" "$PGHOST" "$PGPORT"
}
if [ "$CMIG_TEST_BACKEND" = postgresql ]; then
	ME=postgresql OTHER=sqlite
	dev_url >>base.yaml
else
	ME=sqlite OTHER=postgresql
fi
cat >schema.sqlite.sql <<'SQL'
CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INTEGER);
CREATE INDEX users_name ON users (name);
SQL
cat >schema.pg.sql <<'SQL'
CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL, age integer,
                    seen timestamp with time zone DEFAULT now());
CREATE INDEX users_name ON users (name);
SQL
MYFILE=schema.sqlite.sql
[ "$ME" = postgresql ] && MYFILE=schema.pg.sql

# ---- errors, each at its cmig.yaml line, nothing written
{ cat base.yaml; printf 'schema_file:\n  %s: %s\n  mysql: schema.my.sql\n' "$ME" "$MYFILE"; } >cmig.yaml
L=$(grep -n 'mysql:' cmig.yaml | cut -d: -f1)
assert_exit 1 diff
assert_contains "$ERR" "cmig.yaml:$L:" "an unknown dialect: its line"
assert_contains "$ERR" 'unknown dialect "mysql"' "an unknown dialect is named"
assert_exit 1 revision --autogenerate -m x
assert_eq 1 "$(nfiles)" "unknown dialect: nothing written"

{ cat base.yaml; printf 'schema_file:\n  %s: schema.other.sql\n' "$OTHER"; } >cmig.yaml
L=$(grep -n '^schema_file:' cmig.yaml | cut -d: -f1)
assert_exit 1 diff
assert_contains "$ERR" "cmig.yaml:$L: error: schema_file has no \"$ME\" key" "a missing key for the URL's dialect"
assert_exit 1 revision --autogenerate -m x
assert_contains "$ERR" "cmig.yaml:$L:" "autogenerate: the same error"
assert_eq 1 "$(nfiles)" "missing key: nothing written"

{ cat base.yaml; printf 'schema_file:\n  %s: nosuch.sql\n' "$ME"; } >cmig.yaml
L=$(grep -n 'nosuch.sql' cmig.yaml | cut -d: -f1)
assert_exit 1 diff
assert_contains "$ERR" "cmig.yaml:$L: error: schema_file: the $ME file nosuch.sql does not exist" "a missing file names the cmig.yaml line"

{ cat base.yaml; printf 'schema_file: {}\n'; } >cmig.yaml
assert_exit 1 diff
assert_contains "$ERR" "the map names no file" "an empty map"
{ cat base.yaml; printf 'schema_file:\n  %s: [a.sql]\n' "$ME"; } >cmig.yaml
assert_exit 1 diff
assert_contains "$ERR" "needs a file name, not a list" "a list where a file name goes"
{ cat base.yaml; printf 'schema_file:\n  %s: a.sql\n  %s: b.sql\n' "$ME" "$ME"; } >cmig.yaml
assert_exit 1 diff
assert_contains "$ERR" "appears twice" "a repeated dialect"
assert_eq 1 "$(nfiles)" "nothing written by any of them"

# ---- one key: that dialect's file, plain sections
{ cat base.yaml; printf 'schema_file:\n  %s: ${MY_SCHEMA:-%s}\n' "$ME" "$MYFILE"; } >cmig.yaml
assert_exit 3 diff
assert_match "$OUT" "ALTER TABLE users ADD COLUMN age (INTEGER|integer);" "diff: the URL dialect's file"
if [ "$ME" = postgresql ]; then
	assert_contains "$OUT" "ADD COLUMN seen timestamp with time zone DEFAULT now()" "the PostgreSQL file, not the SQLite one"
else
	assert_not_contains "$OUT" "seen" "the SQLite file, not the PostgreSQL one"
fi
assert_exit 0 revision --autogenerate -m "one dialect" --rev-id b2
assert_not_contains "$(cat versions/b2_*.sql)" "dialect:" "one key: plain sections"
assert_exit 0 upgrade head
assert_exit 0 diff
# ${VAR} in a map value
MY_SCHEMA=nosuch2.sql assert_exit 1 diff
assert_contains "$ERR" "nosuch2.sql does not exist" "\${VAR} expands in the map"
assert_exit 0 downgrade a1
rm versions/b2_*.sql

{ cat base.yaml; printf 'schema_file: {sqlite: schema.sqlite.sql, postgresql: schema.pg.sql}\n'; } >cmig.yaml
if [ "$CMIG_TEST_BACKEND" = sqlite ]; then
	# both files, no dev_url on a SQLite project: the PostgreSQL part says so, nothing written
	assert_exit 1 revision --autogenerate -m both
	assert_contains "$ERR" "needs dev_url" "the PostgreSQL part needs dev_url"
	assert_eq 1 "$(nfiles)" "nothing written"
	assert_exit 3 diff
	assert_not_contains "$OUT" "seen" "diff on SQLite: the sqlite file"
	finish
fi

# ---- PostgreSQL run: both files, dialect sections, each proven
assert_exit 0 revision --autogenerate -m both --rev-id c3
F=$(ls versions/c3_*.sql)
T=$(cat "$F")
assert_contains "$T" "-- migrate:up dialect:sqlite
ALTER TABLE users ADD COLUMN age INTEGER;" "the sqlite up section, SQLite's text"
assert_contains "$T" "-- migrate:up dialect:postgresql" "a postgresql up section"
assert_contains "$(sed -n '/migrate:up dialect:postgresql/,/migrate:down/p' "$F")" "ADD COLUMN seen timestamp with time zone DEFAULT now()" "PostgreSQL's column in its own section"
assert_not_contains "$(sed -n '/migrate:up dialect:sqlite/,/migrate:up dialect:postgresql/p' "$F")" "seen" "not in SQLite's"
assert_contains "$T" "-- migrate:down dialect:sqlite" "a sqlite down section"
assert_contains "$(sed -n '/migrate:down dialect:postgresql/,$p' "$F")" "DROP COLUMN seen" "PostgreSQL's down"
assert_eq 2 "$(nfiles)" "one file"
# PostgreSQL: upgrade, agree, downgrade, upgrade
assert_exit 0 upgrade head
assert_exit 0 diff
assert_exit 0 downgrade a1
assert_exit 0 upgrade head
# SQLite: the same file on a real SQLite database
SQ="sqlite:///$TEST_DIR/side.db"
assert_exit 0 --url "$SQ" upgrade head
assert_eq "age" "$(sqlite3 "$TEST_DIR/side.db" "SELECT name FROM pragma_table_info('users') WHERE name IN ('age', 'seen')")" "the sqlite sections ran on SQLite"
assert_exit 0 --url "$SQ" diff
assert_exit 0 --url "$SQ" downgrade a1
assert_eq "" "$(sqlite3 "$TEST_DIR/side.db" "SELECT name FROM pragma_table_info('users') WHERE name = 'age'")" "and back down"
assert_exit 0 --url "$SQ" upgrade head
assert_exit 0 revision --autogenerate -m again
assert_eq 2 "$(nfiles)" "a second run finds nothing on either dialect"

# a change on one dialect only: both sections, the other one empty
echo "CREATE VIEW names AS SELECT name FROM users;" >>schema.sqlite.sql
assert_exit 0 revision --autogenerate -m "sqlite view" --rev-id d4
assert_contains "$(sed -n '/migrate:up dialect:sqlite/,/migrate:up dialect:postgresql/p' versions/d4_*.sql)" "CREATE VIEW names" "the view on SQLite"
assert_eq "" "$(sed -n '/migrate:up dialect:postgresql/,/migrate:down/p' versions/d4_*.sql | grep -v '^-- migrate:' | tr -d '\n')" "nothing on PostgreSQL"
assert_exit 0 upgrade head
assert_exit 0 --url "$SQ" upgrade head
assert_exit 0 diff
assert_exit 0 --url "$SQ" diff

# a refusal on one dialect writes nothing for either
sed -i 's/name TEXT NOT NULL, age INTEGER/full_name TEXT NOT NULL, age INTEGER/; s/users (name)/users (full_name)/; s/SELECT name/SELECT full_name/' schema.sqlite.sql
echo "CREATE TABLE pg_only (id integer);" >>schema.pg.sql
assert_exit 1 revision --autogenerate -m "rename on sqlite"
assert_contains "$ERR" "sqlite: " "the refusal names its dialect"
assert_contains "$ERR" "column name is gone and column full_name is new" "the possible rename"
assert_eq 3 "$(nfiles)" "nothing written for either dialect"
sed -i 's/full_name/name/g' schema.sqlite.sql

# an enum value: a revision of its own, PostgreSQL only, SQLite's up section empty
echo "CREATE TYPE mood AS ENUM ('sad', 'ok');" >>schema.pg.sql
assert_exit 0 revision --autogenerate -m "mood" --rev-id e5
assert_exit 0 upgrade head
sed -i "s/('sad', 'ok')/('sad', 'ok', 'glad')/" schema.pg.sql
echo "CREATE TABLE feel (m mood DEFAULT 'glad');" >>schema.pg.sql
assert_exit 0 revision --autogenerate -m "more mood" --rev-id f6
E=$(grep -l "ADD VALUE" versions/*.sql)
assert_contains "$(cat "$E")" "-- migrate:up transaction:false dialect:postgresql
ALTER TYPE mood ADD VALUE IF NOT EXISTS 'glad' AFTER 'ok';" "the enum value, PostgreSQL only"
assert_contains "$(cat "$E")" "-- migrate:up dialect:sqlite" "an empty sqlite up section"
assert_contains "$(cat versions/f6_*.sql)" "-- down_revision: $(basename "$E" | cut -d_ -f1)" "the main revision follows it"
assert_exit 0 upgrade head
assert_exit 0 diff
assert_exit 0 --url "$SQ" upgrade head
assert_exit 0 --url "$SQ" diff
assert_exit 0 --url "$SQ" downgrade d4
assert_eq "" "$(psql -X -At -d postgres -c "SELECT datname FROM pg_database WHERE datname LIKE 'cmig_scratch_%_$$'")" "no scratch database left behind"
finish
