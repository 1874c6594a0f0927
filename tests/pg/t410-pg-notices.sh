#!/bin/bash
# t410 (PostgreSQL): server NOTICEs never reach stderr through libpq (STYLE §5 "libpq must not
# print either"): cmig installs its own notice receiver, and a notice becomes a `note:`
# diagnostic naming the statement's file:line, shown only with -v. A server WARNING is shown
# always, as a warning — also one sent while the connection starts. Nothing else appears on
# stderr but the progress lines.
. "$(dirname "$0")/../cli/lib.sh"
[ "$CMIG_TEST_BACKEND" = postgresql ] || _die "a PostgreSQL-only test (CMIG_TEST_BACKEND=postgresql)"

# lines: 5 marker, 6 DROP TABLE IF EXISTS, 7 CREATE TABLE, 8 DO … RAISE NOTICE
mkproj() {
	new_db
	new_project "$TEST_DIR/$1"
	write_rev a1 "" "DROP TABLE IF EXISTS no_such_table_x;
CREATE TABLE a (id INTEGER PRIMARY KEY);
DO \$\$ BEGIN RAISE NOTICE 'hello from %', 'plpgsql'; END \$\$;" "DROP TABLE a;
DROP TABLE IF EXISTS no_such_table_y;"
}

mkproj quiet
assert_exit 0 upgrade head
assert_backend_db
assert_eq "Running upgrade base -> a1, add a1" "$ERR" "without -v: only the progress line on stderr"
assert_not_contains "$ERR" NOTICE "no NOTICE text from libpq"
assert_eq "" "$OUT" "nothing on stdout"
assert_exit 0 downgrade base
assert_eq "Running downgrade a1 -> base, add a1" "$ERR" "downgrade without -v: only the progress line"

mkproj verbose
assert_exit 0 -v upgrade head
assert_match "$ERR" '^versions/a1_x\.sql:6(:[0-9]+)?: note: .*table "no_such_table_x" does not exist, skipping' "-v: the DROP's notice, with file:line"
assert_match "$ERR" '^versions/a1_x\.sql:8(:[0-9]+)?: note: .*hello from plpgsql' "-v: RAISE NOTICE, with file:line"
assert_no_match "$ERR" '^NOTICE:' "-v: never libpq's own 'NOTICE:' line"
assert_exit 0 -v downgrade base
assert_contains "$ERR" 'table "no_such_table_y" does not exist, skipping' "-v: the downgrade's notice"

# a WARNING is worth seeing without -v
new_db
new_project "$TEST_DIR/warn"
write_rev a1 "" "DO \$\$ BEGIN RAISE WARNING 'careful with %', 'this'; END \$\$;"
assert_exit 0 upgrade head
assert_match "$ERR" '^versions/a1_x\.sql:6(:[0-9]+)?: warning: .*careful with this' "WARNING shown without -v"
assert_no_match "$ERR" '^WARNING:' "never libpq's own 'WARNING:' line"

# a WARNING the server sends while the connection starts (here: a bad database-level
# setting) also goes through cmig's receiver: it is installed before the connection is made
new_db
new_project "$TEST_DIR/startup"
db_query "ALTER DATABASE \"$DB_NAME\" SET default_text_search_config = 'pg_catalog.no_such_config'" >/dev/null 2>&1
chain a1
assert_exit 0 upgrade head
assert_match "$ERR" '^cmig: warning: .*invalid value for parameter "default_text_search_config"' "connection-time WARNING as cmig's warning"
assert_no_match "$ERR" '^WARNING:' "never libpq's own 'WARNING:' line at connection time"
db_query "ALTER DATABASE \"$DB_NAME\" RESET default_text_search_config" >/dev/null 2>&1
assert_db_version a1

finish
