#!/bin/bash
# t090: `upgrade --sql` / `downgrade --sql` print the SQL that would run — transaction
# statements, version- and history-table DDL and writes — and never connect (SPEC §5);
# FROM:TO ranges; FROM:TO without --sql is a usage error.
. "$(dirname "$0")/lib.sh"
new_db
LIVE_URL=$DB_URL
case $CMIG_TEST_BACKEND in
sqlite) DEAD_URL="sqlite:///$TEST_DIR/no/such/dir/never.db" ;;
postgresql) DEAD_URL="postgresql://nobody:pw_sql_secret@127.0.0.1:1/nodb?connect_timeout=2" ;;
esac
new_project
printf "database_url: '%s'\nversions_dir: versions\n" "$DEAD_URL" >cmig.yaml
chain a1 b2 c3
count() { printf '%s\n' "$1" | grep -ciE "$2"; }

# SPEC §5: --sql never connects: works against a database that cannot exist
assert_exit 0 upgrade --sql
SQL=$OUT
assert_match "$SQL" 'BEGIN' "transaction start"
assert_match "$SQL" 'COMMIT' "transaction end"
assert_match "$SQL" 'CREATE TABLE.*cmig_version' "version table DDL"
assert_match "$SQL" 'CREATE TABLE.*cmig_history' "history table DDL"
assert_match "$SQL" 'cmig_version' "version table writes"
assert_match "$SQL" "INSERT INTO .*cmig_history" "history writes"
assert_contains "$SQL" "CREATE TABLE t_a1 (id INTEGER PRIMARY KEY, v TEXT)" "a1's up SQL"
assert_contains "$SQL" "CREATE TABLE t_c3 (id INTEGER PRIMARY KEY, v TEXT)" "c3's up SQL"
assert_true "one COMMIT per migration (at least 3)" test "$(count "$SQL" '^[[:space:]]*COMMIT')" -ge 3
assert_true "a1 before c3" test "$(printf '%s\n' "$SQL" | grep -n 't_a1' | head -1 | cut -d: -f1)" -lt "$(printf '%s\n' "$SQL" | grep -n 't_c3' | head -1 | cut -d: -f1)"
assert_no_match "$SQL" 'pw_sql_secret' "no password in --sql"
assert_no_match "$ERR" 'pw_sql_secret' "no password on stderr"
assert_false "no database file created" test -e "$TEST_DIR/no/such/dir/never.db"
assert_false "no directory created" test -e "$TEST_DIR/no"
assert_eq "" "$(find "$TEST_DIR" -name '*.db')" "no .db file anywhere"

# FROM:TO
assert_exit 0 upgrade a1:c3 --sql
assert_not_contains "$OUT" "CREATE TABLE t_a1" "a1:c3 starts after a1"
assert_contains "$OUT" "CREATE TABLE t_b2" "a1:c3 includes b2"
assert_contains "$OUT" "CREATE TABLE t_c3" "a1:c3 includes c3"
assert_exit 0 upgrade --sql a1:b2
assert_contains "$OUT" "CREATE TABLE t_b2" "a1:b2 includes b2"
assert_not_contains "$OUT" "t_c3" "a1:b2 stops at b2"
assert_exit 0 upgrade --sql b2
assert_contains "$OUT" "CREATE TABLE t_a1" "without FROM upgrade starts at base"
assert_not_contains "$OUT" "t_c3" "to b2"
assert_exit 0 downgrade --sql a1
assert_contains "$OUT" "DROP TABLE t_c3" "without FROM downgrade starts at head"
assert_contains "$OUT" "DROP TABLE t_b2" "downgrade to a1 drops b2"
assert_not_contains "$OUT" "DROP TABLE t_a1" "but not a1"
assert_true "c3 dropped before b2" test "$(printf '%s\n' "$OUT" | grep -n 'DROP TABLE t_c3' | cut -d: -f1)" -lt "$(printf '%s\n' "$OUT" | grep -n 'DROP TABLE t_b2' | cut -d: -f1)"
assert_exit 0 downgrade c3:base --sql
assert_contains "$OUT" "DROP TABLE t_a1" "c3:base drops a1"
assert_exit 0 downgrade b2:base --sql
assert_not_contains "$OUT" "t_c3" "b2:base starts at b2"
assert_contains "$OUT" "DROP TABLE t_b2" "b2:base drops b2"
assert_eq "" "$(find "$TEST_DIR" -name '*.db')" "still no .db file"

# FROM:TO without --sql is a usage error
assert_exit 2 upgrade a1:c3
assert_exit 2 downgrade c3:a1
# bad targets in ranges
assert_exit 1 upgrade zz:c3 --sql
assert_exit 1 upgrade c3:a1 --sql

# the --sql script, run by the backend's own CLI on a fresh database, gives what a live
# upgrade gives: same schema, version row and history row count
assert_exit 0 upgrade --sql
printf '%s\n' "$OUT" >"$TEST_DIR/up.sql"
new_db
SCRIPT_URL=$DB_URL
if db_script "$TEST_DIR/up.sql" >"$TEST_DIR/script.out" 2>&1; then
	_pass "the --sql script runs"
else
	_fail "the --sql script fails: $(cat "$TEST_DIR/script.out")"
fi
assert_db_version c3 "version after the script"
s_schema=$(db_schema)
s_hist=$(db_history_count)
db_select "$LIVE_URL"
assert_exit 0 --url "$LIVE_URL" upgrade head
assert_backend_db
assert_db_version c3 "version after the live upgrade"
assert_eq "$(db_schema)" "$s_schema" "same schema as a live upgrade"
if [ "$CMIG_TEST_BACKEND" = postgresql ]; then
	command -v pg_dump >/dev/null || _die "pg_dump is needed"
	dump() { pg_dump --schema-only --no-owner -d "$1" | grep -v -e '^--' -e '^$' -e '^\\restrict' -e '^\\unrestrict'; }
	live_name=$DB_NAME
	script_name=${SCRIPT_URL#postgresql:///}
	script_name=${script_name%%\?*}
	assert_eq "$(dump "$live_name")" "$(dump "$script_name")" "pg_dump --schema-only: script = live upgrade"
fi
assert_eq "$(db_history_count)" "$s_hist" "same history row count as a live upgrade"
assert_eq "$(db_query "SELECT revision || '|' || direction FROM cmig_history ORDER BY id")" \
	"$(db_select "$SCRIPT_URL"; db_query "SELECT revision || '|' || direction FROM cmig_history ORDER BY id")" "same history rows"
db_select "$SCRIPT_URL"
assert_eq "$(printf 'a1\nb2\nc3')" "$(db_query "SELECT revision FROM cmig_history ORDER BY id")" "history rows from the script"
assert_eq "0|0|0" "$(db_query "SELECT duration_ms FROM cmig_history ORDER BY id" | paste -sd'|')" "duration_ms 0 in --sql"

# the downgrade script undoes it
db_select "$LIVE_URL"
assert_exit 0 --url "$LIVE_URL" downgrade c3:base --sql
printf '%s\n' "$OUT" >"$TEST_DIR/down.sql"
db_select "$SCRIPT_URL"
if db_script "$TEST_DIR/down.sql" >"$TEST_DIR/script.out" 2>&1; then
	_pass "the downgrade --sql script runs"
else
	_fail "the downgrade --sql script fails: $(cat "$TEST_DIR/script.out")"
fi
assert_db_version "" "at base after the downgrade script"
assert_false "t_a1 dropped by the script" db_has_table t_a1
