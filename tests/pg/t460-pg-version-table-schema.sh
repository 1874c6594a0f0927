#!/bin/bash
# t460 (PostgreSQL): version_table_schema (SPEC §1, §4): both cmig tables live in that schema,
# created with it when missing, nothing of cmig's in public; every command reads them there;
# a schema name that needs quoting works; two projects with different schemas share one
# database without seeing each other's version; a readonly command creates nothing.
. "$(dirname "$0")/../cli/lib.sh"
[ "$CMIG_TEST_BACKEND" = postgresql ] || _die "a PostgreSQL-only test (CMIG_TEST_BACKEND=postgresql)"

new_db
new_project "$TEST_DIR/a"
printf "database_url: '%s'\nversion_table_schema: migs\n" "$DB_URL" >cmig.yaml
chain a1 b2

# readers on a fresh database create nothing
assert_exit 0 current
assert_eq base "$OUT" "current: base"
assert_exit 0 status
assert_exit 3 upgrade --check
assert_eq 0 "$(db_query "SELECT count(*) FROM pg_namespace WHERE nspname = 'migs'")" "readers created no schema"

assert_exit 0 upgrade head
assert_eq "cmig_history
cmig_version" "$(db_query "SELECT table_name FROM information_schema.tables WHERE table_schema = 'migs' ORDER BY 1")" "both tables in schema migs"
assert_false "no cmig_version in public" db_has_table cmig_version public
assert_false "no cmig_history in public" db_has_table cmig_history public
assert_true "the migration's own table in public" db_has_table t_b2 public
assert_eq b2 "$(db_query "SELECT version_num FROM migs.cmig_version")" "version row in migs"
assert_eq 2 "$(db_query "SELECT count(*) FROM migs.cmig_history")" "history rows in migs"
assert_exit 0 current
assert_eq "b2 (head)" "$OUT" "current reads migs.cmig_version"
assert_exit 0 status
assert_match "$OUT" '^a1 applied ' "status reads the history in migs"
assert_exit 0 downgrade a1
assert_eq a1 "$(db_query "SELECT version_num FROM migs.cmig_version")" "downgrade writes migs"

# a schema that exists already (and a name that needs quoting), second project, same db
new_project "$TEST_DIR/b"
db_query 'CREATE SCHEMA "Mixed Case"' >/dev/null
printf "database_url: '%s'\nversion_table_schema: Mixed Case\n" "$DB_URL" >cmig.yaml
write_rev x1 "" "CREATE TABLE x1 (id INTEGER);" "DROP TABLE x1;"
assert_exit 0 current
assert_eq base "$OUT" "the other schema starts at base"
assert_exit 0 upgrade head
assert_eq x1 "$(db_query 'SELECT version_num FROM "Mixed Case".cmig_version')" "quoted schema name works"
assert_eq a1 "$(db_query "SELECT version_num FROM migs.cmig_version")" "the first project's version is untouched"
assert_exit 0 upgrade --sql
assert_contains "$OUT" 'CREATE SCHEMA IF NOT EXISTS "Mixed Case"' "--sql creates the schema, quoted"
assert_contains "$OUT" '"Mixed Case".cmig_version' "--sql writes the schema's table"

finish
