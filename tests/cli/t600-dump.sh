#!/bin/bash
# t600: `cmig dump` (SPEC §8): first line names the revision; the schema as SQL by kind
# (tables before the indexes, views and triggers on them; a view after the view it reads);
# never cmig's own tables; -o replaces a file atomically; a dump loaded into an empty database
# dumps to the same bytes after the first line; a missing SQLite file is an error and is not
# created; dump_file is rewritten after upgrade/downgrade/stamp that changed the database,
# not after a run that changed nothing, and a failure to write it is only a warning.
# Outside a project (no cmig.yaml, no versions/; --url, DATABASE_URL, a relative SQLite path)
# dump prints the same bytes as inside it, as it does with cmig.yaml but no versions/ and with
# a broken versions/; the commands that need the chain still refuse there, touching nothing.
. "$(dirname "$0")/lib.sh"

new_db
new_project
if [ "$CMIG_TEST_BACKEND" = sqlite ]; then
	TRIG="CREATE TRIGGER items_touch AFTER INSERT ON items BEGIN SELECT 1; END;"
	DROPTRIG="DROP TRIGGER items_touch;"
	ID="id INTEGER PRIMARY KEY"
else
	TRIG="CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS \$\$BEGIN RETURN NEW; END\$\$;
CREATE TRIGGER items_touch BEFORE INSERT ON items FOR EACH ROW EXECUTE FUNCTION touch();"
	DROPTRIG="DROP TRIGGER items_touch ON items; DROP FUNCTION touch();"
	ID="id serial PRIMARY KEY"
fi
write_rev a1 "" "CREATE TABLE owners ($ID, name TEXT NOT NULL UNIQUE);
CREATE TABLE items ($ID, owner_id INTEGER REFERENCES owners (id), qty INTEGER CHECK (qty > 0));" \
	"DROP TABLE items; DROP TABLE owners;"
write_rev b2 a1 "CREATE INDEX items_qty ON items (qty) WHERE qty > 10;
CREATE VIEW zz_items AS SELECT id, qty FROM items;
CREATE VIEW aa_items AS SELECT id FROM zz_items;
$TRIG" "DROP VIEW aa_items; DROP VIEW zz_items; DROP INDEX items_qty; $DROPTRIG"

if [ "$CMIG_TEST_BACKEND" = sqlite ]; then
	assert_exit 1 dump
	assert_contains "$ERR" "does not exist" "dump of a missing SQLite file fails"
	assert_false "dump created no database file" test -e "$DB_FILE"
fi

assert_exit 0 upgrade head
assert_exit 0 dump
DUMP1=$OUT
assert_eq "-- cmig dump: the schema at revision b2" "$(printf '%s\n' "$OUT" | head -1)" "first line"
assert_not_contains "$OUT" "cmig_version" "cmig's version table is not dumped"
assert_not_contains "$OUT" "cmig_history" "cmig's history table is not dumped"
# order: owners before items? (by name: items < owners; SQLite checks no reference, PostgreSQL
# needs the parent first)
lines=$(printf '%s\n' "$OUT" | grep -n -E 'CREATE (TABLE|INDEX|VIEW|TRIGGER)' | sed -E 's/^([0-9]+):.*CREATE (TABLE|INDEX|VIEW|TRIGGER) ([a-z_.]+).*/\2 \3/')
if [ "$CMIG_TEST_BACKEND" = sqlite ]; then
	assert_eq "TABLE items
TABLE owners
INDEX items_qty
VIEW zz_items
VIEW aa_items
TRIGGER items_touch" "$lines" "kinds in order, dependencies first, then by name"
else
	# one schema holds everything: names are not qualified
	assert_eq "TABLE owners
TABLE items
INDEX items_qty
VIEW zz_items
VIEW aa_items
TRIGGER items_touch" "$lines" "kinds in order, dependencies first, then by name"
	assert_contains "$OUT" "CREATE SEQUENCE items_id_seq AS integer;" "serial's sequence"
	assert_contains "$OUT" "ALTER SEQUENCE items_id_seq OWNED BY items.id;" "OWNED BY"
fi

# -o: the file, nothing else left in the directory
mkdir out
assert_exit 0 dump -o out/schema.sql
assert_eq "$DUMP1" "$(cat out/schema.sql)" "-o writes the same dump"
assert_eq "schema.sql" "$(ls out)" "no temporary file left"

# outside a project (SPEC §8: the first line comes from the version table, not versions/):
# no cmig.yaml, no versions/, only the URL -- the same bytes as inside the project
mkdir "$TEST_DIR/outside"
cd "$TEST_DIR/outside" || _die "cd outside"
BEFORE=$(db_state)
assert_exit 0 --url "$DB_URL" dump
assert_eq "$DUMP1" "$OUT" "outside a project, --url: the same dump as inside it"
assert_exit 0 dump -o schema.sql --url "$DB_URL"
assert_eq "$DUMP1" "$(cat schema.sql)" "outside a project, -o: the same dump"
assert_eq "schema.sql" "$(ls)" "outside a project: dump -o wrote only its file"
DATABASE_URL=$DB_URL assert_exit 0 -v dump
assert_eq "$DUMP1" "$OUT" "outside a project, DATABASE_URL: the same dump"
assert_match "$ERR" "^cmig: database: .* \(from DATABASE_URL\)$" "-v names the database and where it came from"
if [ "$CMIG_TEST_BACKEND" = sqlite ]; then
	# a relative SQLite path outside a project is relative to the current directory (SPEC §1)
	mkdir rel && cp "$DB_FILE" rel/x.db
	cd rel || _die "cd rel"
	assert_exit 0 --url sqlite:///x.db dump
	assert_eq "$DUMP1" "$OUT" "outside a project: --url sqlite:///x.db is the file in the current directory"
	cd .. && rm -r rel
fi
# commands that need the chain still refuse, with the message they always gave, and touch nothing
for args in upgrade "downgrade base" "stamp head" current status history check "show b2" heads \
	"revision -m x" "diff"; do
	# shellcheck disable=SC2086 # split into command and arguments
	assert_exit 1 --url "$DB_URL" $args
	assert_contains "$ERR" "versions directory does not exist" "outside a project: '$args' refuses"
done
assert_eq "schema.sql" "$(ls)" "the refused commands created nothing (no versions/, no database file)"
assert_eq "$BEFORE" "$(db_state)" "the refused commands left the database as it was"
# a missing SQLite file is still an error, and is not created; with no URL at all, the
# default sqlite:///cmig.db, missing, says how to name the database
assert_exit 1 --url "sqlite:///$TEST_DIR/outside/none.db" dump
assert_contains "$ERR" "none.db does not exist" "outside a project: a missing SQLite file is an error"
assert_exit 1 dump
assert_contains "$ERR" "cmig.db does not exist" "outside a project, no URL: the default database is missing"
assert_contains "$ERR" "--url or DATABASE_URL" "... and the hint says how to name one"
assert_eq "schema.sql" "$(ls)" "dump created no SQLite file"
# cmig.yaml but no versions/: dump reads the database the file names; chain commands refuse
printf "database_url: '%s'\n" "$DB_URL" >cmig.yaml
assert_exit 0 dump
assert_eq "$DUMP1" "$OUT" "cmig.yaml without versions/: dump works"
assert_exit 1 upgrade
assert_contains "$ERR" "versions directory does not exist" "cmig.yaml without versions/: upgrade refuses"
# ... and -c FILE from elsewhere: the file's database
cd "$TEST_DIR" || _die "cd"
assert_exit 0 -c outside/cmig.yaml dump
assert_eq "$DUMP1" "$OUT" "-c FILE without versions/: dump works"
assert_exit 1 -c outside/missing.yaml dump
assert_contains "$ERR" "missing.yaml" "-c naming a missing file is still an error"
# a versions/ that does not parse is none of dump's business either
cd "$PROJ" || _die "cd project"
printf 'not a migration\n' >versions/zz_broken.sql
assert_exit 0 dump
assert_eq "$DUMP1" "$OUT" "a broken versions/ does not stop dump"
rm versions/zz_broken.sql

# fixpoint: load into an empty database, dump again
FIRST=$DB_URL
new_db
printf '%s\n' "$DUMP1" | tail -n +2 >load.sql
db_script load.sql >/dev/null || _fail "the dump loads into an empty database"
assert_exit 0 --url "$DB_URL" dump
assert_eq "$(printf '%s\n' "$DUMP1" | tail -n +2)" "$(printf '%s\n' "$OUT" | tail -n +2)" \
	"fixpoint: the loaded dump dumps to the same bytes"
assert_eq "-- cmig dump: the schema at revision base" "$(printf '%s\n' "$OUT" | head -1)" \
	"a database without cmig's table is at base"
db_select "$FIRST"

# dump_file
printf "database_url: '%s'\nversions_dir: versions\ndump_file: db/schema.sql\n" "$DB_URL" >cmig.yaml
mkdir -p db
assert_exit 0 downgrade a1
assert_true "downgrade wrote dump_file" test -f db/schema.sql
assert_eq "-- cmig dump: the schema at revision a1" "$(head -1 db/schema.sql)" "dump_file at a1"
assert_not_contains "$(cat db/schema.sql)" "zz_items" "the view is gone from dump_file"
assert_exit 0 upgrade head
assert_eq "$DUMP1" "$(cat db/schema.sql)" "upgrade rewrote dump_file"
rm db/schema.sql
assert_exit 0 upgrade head
assert_false "a run that changed nothing writes no dump_file" test -e db/schema.sql
assert_exit 0 stamp a1
assert_eq "-- cmig dump: the schema at revision a1" "$(head -1 db/schema.sql)" "stamp wrote dump_file"
assert_exit 0 stamp b2
# a dump_file that cannot be written: a warning, the migration stands
printf "database_url: '%s'\nversions_dir: versions\ndump_file: nodir/schema.sql\n" "$DB_URL" >cmig.yaml
assert_exit 0 downgrade a1
assert_contains "$ERR" "warning" "an unwritable dump_file is a warning"
assert_contains "$ERR" "dump_file not written" "the warning says so"
assert_db_version a1

if [ "$CMIG_TEST_BACKEND" = postgresql ]; then
	db_query "CREATE MATERIALIZED VIEW mv_items AS SELECT 1 AS x" >/dev/null
	assert_exit 1 dump
	assert_contains "$ERR" "materialized view, public.mv_items" "dump names the uncovered object"
fi
finish
