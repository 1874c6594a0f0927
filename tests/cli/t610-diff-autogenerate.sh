#!/bin/bash
# t610: `cmig diff`, `cmig revision --autogenerate` and `cmig check --schema` (SPEC §8) on both
# backends: diff exits 0/3/1; autogenerate writes a proven revision whose up then down land on
# the declared schema and back, after which diff reports nothing; renames are refused with
# nothing written unless --rename or a renamed-from line says so; a drop needs --allow-drop
# and carries its mark; bad input (a syntax error in schema.sql names its line, a missing
# table, a --rename of a missing column, no schema.sql) fails with nothing written;
# check --schema reports a hand-made change as schema-drift.
. "$(dirname "$0")/lib.sh"

new_db
new_project
if [ "$CMIG_TEST_BACKEND" = postgresql ]; then
	printf "dev_url: 'postgresql:///postgres?host=%s&port=%s'\n" "$PGHOST" "$PGPORT" >>cmig.yaml
fi
write_rev a1 "" "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT);" \
	"DROP TABLE users;"
nfiles() { ls versions | wc -l | tr -d ' '; }

# no schema.sql
assert_exit 1 diff
assert_contains "$ERR" "schema.sql" "a missing schema.sql is named"

# the same schema: exit 0, nothing printed
echo "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT);" >schema.sql
assert_exit 0 diff
assert_eq "" "$OUT" "no differences print nothing"
assert_exit 0 revision --autogenerate -m same
assert_eq 1 "$(nfiles)" "no differences: nothing written"

# a new column, a unique constraint, an index and a view
cat >schema.sql <<'SQL'
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  email TEXT UNIQUE,
  age INTEGER DEFAULT 0
);
CREATE INDEX users_name ON users (name);
CREATE VIEW user_names AS SELECT name FROM users;
SQL
assert_exit 3 diff
assert_match "$OUT" "ALTER TABLE users ADD COLUMN age (INTEGER|integer) DEFAULT 0;" "diff: add column"
assert_contains "$OUT" "CREATE INDEX users_name ON" "diff: index"
assert_contains "$OUT" "-- cmig: fails if the table has rows that repeat a value" "diff: the mark on UNIQUE"
assert_exit 0 revision --autogenerate -m "grow users" --rev-id b2
assert_eq 2 "$(nfiles)" "autogenerate wrote one file"
F=$(ls versions/b2_*.sql)
assert_contains "$(cat "$F")" "-- down_revision: a1" "after the head"
assert_contains "$(sed -n '/migrate:down/,$p' "$F")" "DROP COLUMN age" "down drops the column again"
assert_contains "$ERR" "fails if the table has rows that repeat a value" "warning about UNIQUE on rows"
assert_exit 0 upgrade head
assert_exit 0 diff
assert_exit 0 revision --autogenerate -m again
assert_eq 2 "$(nfiles)" "a second run finds nothing"
assert_exit 0 check --schema
assert_exit 0 downgrade a1
assert_exit 0 upgrade head

# a rename without --rename: refused, nothing written, the pair named
sed -i 's/^  name TEXT NOT NULL,/  full_name TEXT NOT NULL,/; s/users (name)/users (full_name)/; s/SELECT name/SELECT full_name/' schema.sql
assert_exit 1 revision --autogenerate -m rename
assert_contains "$ERR" "column name is gone and column full_name is new" "the possible rename is named"
assert_eq 2 "$(nfiles)" "refused: nothing written"
assert_exit 1 revision --autogenerate -m rename --rename users.nosuch:full_name
assert_contains "$ERR" "no column nosuch" "--rename of a missing column"
assert_eq 2 "$(nfiles)" "nothing written"
assert_exit 0 revision --autogenerate -m rename --rename users.name:full_name --rev-id c3
assert_contains "$(cat versions/c3_*.sql)" "RENAME COLUMN name TO full_name" "the rename is written"
assert_not_contains "$(cat versions/c3_*.sql)" "DROP COLUMN" "no drop"
assert_exit 0 upgrade head
assert_exit 0 diff

# renamed-from in schema.sql does the same for a table
sed -i 's/^CREATE TABLE users (/-- cmig:renamed-from users\nCREATE TABLE people (/; s/ON users/ON people/; s/FROM users/FROM people/' schema.sql
assert_exit 0 revision --autogenerate -m "rename table" --rev-id d4
assert_contains "$(cat versions/d4_*.sql)" "ALTER TABLE users RENAME TO people" "renamed-from"
assert_exit 0 upgrade head

# a table renamed by its renamed-from line and a column that may be renamed in it: the
# suggested --rename names the table as it is at head, and works as suggested
N=$(nfiles)
cp schema.sql schema.keep
sed -i 's/^-- cmig:renamed-from users$/-- cmig:renamed-from people/; s/^CREATE TABLE people (/CREATE TABLE folks (/; s/^  full_name TEXT NOT NULL,/  nick TEXT NOT NULL,/; s/ON people (full_name)/ON folks (nick)/; s/SELECT full_name FROM people/SELECT nick FROM folks/' schema.sql
assert_exit 1 revision --autogenerate -m "folks"
assert_contains "$ERR" "table folks: column full_name is gone and column nick is new: a rename? say --rename 'people.full_name:nick'" \
	"the suggested --rename names the head's table"
assert_eq "$N" "$(nfiles)" "nothing written"
assert_exit 0 revision --autogenerate -m "folks" --rename 'people.full_name:nick' --rev-id d5
assert_contains "$(cat versions/d5_*.sql)" "RENAME COLUMN full_name TO nick" "the suggestion works"
rm versions/d5_*.sql
mv schema.keep schema.sql

# a drop needs --allow-drop and carries the mark
sed -i '/^  age INTEGER DEFAULT 0$/d; s/^  email TEXT UNIQUE,$/  email TEXT UNIQUE/' schema.sql
assert_exit 1 revision --autogenerate -m "drop age"
assert_contains "$ERR" "drops data" "a drop without --allow-drop is refused"
assert_eq 4 "$(nfiles)" "nothing written"
assert_exit 0 revision --autogenerate -m "drop age" --allow-drop --rev-id e5
assert_contains "$(cat versions/e5_*.sql)" "-- cmig: drops data
ALTER TABLE people DROP COLUMN age;" "the drop carries its mark"
assert_exit 0 upgrade head
assert_exit 0 diff

# bad input: a syntax error names schema.sql and its line; a missing table
printf 'CREATE TABLE people (id INTEGER PRIMARY KEY);\n\nCREATE TABLEX oops (id int);\n' >bad.sql
cp schema.sql good.sql
cp bad.sql schema.sql
assert_exit 1 diff
assert_contains "$ERR" "schema.sql:3" "the line of the syntax error"
printf 'CREATE TABLE people (id INTEGER PRIMARY KEY);\nCREATE INDEX i ON nosuch (x);\n' >schema.sql
assert_exit 1 revision --autogenerate -m bad
assert_contains "$ERR" "schema.sql:2" "a missing table: its line"
assert_eq 5 "$(nfiles)" "nothing written"
cp good.sql schema.sql

# check --schema: a change made by hand is schema-drift
db_query "CREATE TABLE sneaky (x INTEGER)" >/dev/null
assert_exit 1 check --schema
assert_contains "$ERR" "schema-drift" "drift reported"
assert_contains "$ERR" "sneaky" "the drifted object named"
assert_exit 3 diff --from-db
assert_contains "$OUT" "DROP TABLE sneaky" "--from-db compares the configured database"

if [ "$CMIG_TEST_BACKEND" = postgresql ]; then
	assert_eq "" "$(psql -X -At -d postgres -c "SELECT datname FROM pg_database WHERE datname LIKE 'cmig_scratch_%_$$'")" "no scratch database left behind"
	# dev_url equal to the configured URL: refused
	cp cmig.yaml keep.yaml
	printf "database_url: '%s'\nversions_dir: versions\ndev_url: '%s'\n" "$DB_URL" "$DB_URL" >cmig.yaml
	assert_exit 1 diff
	assert_contains "$ERR" "dev_url names the configured database" "dev_url = url refused"
	# no dev_url
	printf "database_url: '%s'\nversions_dir: versions\n" "$DB_URL" >cmig.yaml
	assert_exit 1 diff
	assert_contains "$ERR" "needs dev_url" "no dev_url"
	# a role without CREATEDB
	psql -X -q -d postgres -c "DROP ROLE IF EXISTS cmig_nocreate" -c "CREATE ROLE cmig_nocreate LOGIN" >/dev/null 2>&1
	printf "database_url: '%s'\nversions_dir: versions\ndev_url: 'postgresql://cmig_nocreate@/postgres?host=%s&port=%s'\n" "$DB_URL" "$PGHOST" "$PGPORT" >cmig.yaml
	assert_exit 1 diff
	assert_contains "$ERR" "needs CREATEDB" "a role without CREATEDB"
	cp keep.yaml cmig.yaml
	# the sweep: an old scratch database nobody uses goes, a fresh one stays
	psql -X -q -d postgres -c "CREATE DATABASE cmig_scratch_deadbeef_1" \
		-c "COMMENT ON DATABASE cmig_scratch_deadbeef_1 IS 'cmig scratch database, created 1000'" \
		-c "CREATE DATABASE cmig_scratch_cafef00d_2" \
		-c "COMMENT ON DATABASE cmig_scratch_cafef00d_2 IS 'cmig scratch database, created $(date +%s)'" >/dev/null
	assert_exit 3 diff --from-db
	assert_contains "$ERR" "removed the scratch database cmig_scratch_deadbeef_1" "the sweep names what it removes"
	assert_eq "cmig_scratch_cafef00d_2" "$(psql -X -At -d postgres -c "SELECT datname FROM pg_database WHERE datname LIKE 'cmig_scratch_%' AND datname NOT LIKE '%\_$$' ORDER BY 1" | grep -v "_[0-9]*$" ; psql -X -At -d postgres -c "SELECT datname FROM pg_database WHERE datname IN ('cmig_scratch_deadbeef_1', 'cmig_scratch_cafef00d_2')")" "the recent one stays"
	psql -X -q -d postgres -c "DROP DATABASE cmig_scratch_cafef00d_2" >/dev/null
	# enums: a removed value is refused
	db_reset
	printf "CREATE TYPE mood AS ENUM ('sad', 'ok');\n" >schema.sql
	rm versions/*.sql
	write_rev m1 "" "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');" "DROP TYPE mood;"
	assert_exit 1 revision --autogenerate -m "less mood"
	assert_contains "$ERR" "value 'happy' was removed" "a removed enum value is refused"
	assert_eq 1 "$(nfiles)" "nothing written"
	# an added value: a revision of its own, transaction:false, before the main one
	printf "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy', 'glad');\nCREATE TABLE feel (m mood DEFAULT 'glad');\n" >schema.sql
	assert_exit 0 revision --autogenerate -m "more mood" --rev-id m3
	assert_eq 3 "$(nfiles)" "two revisions"
	E=$(grep -l "ADD VALUE" versions/*.sql)
	assert_contains "$(cat "$E")" "-- migrate:up transaction:false" "enum values outside a transaction"
	assert_contains "$(cat "$E")" "ALTER TYPE mood ADD VALUE IF NOT EXISTS 'glad' AFTER 'happy';" "the value"
	assert_contains "$(cat versions/m3_*.sql)" "-- down_revision: $(basename "$E" | cut -d_ -f1)" "the main revision follows it"
	assert_exit 0 upgrade head
	assert_exit 0 diff
	# identity options are compared and altered in place; a domain's base type is refused
	N=$(nfiles)
	printf "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy', 'glad');\nCREATE TABLE feel (m mood DEFAULT 'glad');\nCREATE DOMAIN qty AS integer;\nCREATE TABLE tick (id integer GENERATED ALWAYS AS IDENTITY, n qty);\n" >schema.sql
	assert_exit 0 revision --autogenerate -m tick --rev-id t7
	assert_exit 0 upgrade head
	sed -i 's/GENERATED ALWAYS AS IDENTITY/GENERATED BY DEFAULT AS IDENTITY (START WITH 100 INCREMENT BY 5)/' schema.sql
	assert_exit 3 diff
	assert_contains "$OUT" "ALTER TABLE tick ALTER COLUMN id SET GENERATED BY DEFAULT SET INCREMENT BY 5 SET START WITH 100;" "identity kind and options, in place"
	assert_exit 0 revision --autogenerate -m "tick options" --rev-id t8
	assert_contains "$(sed -n '/migrate:down/,$p' versions/t8_*.sql)" "SET GENERATED ALWAYS SET INCREMENT BY 1 SET START WITH 1;" "and back"
	assert_exit 0 upgrade head
	assert_exit 0 diff
	sed -i 's/DOMAIN qty AS integer/DOMAIN qty AS bigint/' schema.sql
	assert_exit 1 revision --autogenerate -m "wider qty"
	assert_contains "$ERR" "domain qty: its base type changed (integer → bigint): PostgreSQL cannot alter it" "a domain's base type change is refused, saying why"
	assert_eq $((N + 2)) "$(nfiles)" "nothing written"
fi
finish
