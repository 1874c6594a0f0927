#!/bin/bash
# t490 (PostgreSQL): cmig.yaml pg_lock_timeout (SPEC §10). cmig runs SET LOCAL lock_timeout at
# the start of every transactional migration and SET lock_timeout / RESET lock_timeout around
# each transaction:false section; --sql prints the same statements. Proven on the server: a
# migration blocked by another session's lock fails after the timeout (database left at the
# previous revision), the setting is in effect inside both kinds of section, and the session
# is back to the server's default after a transaction:false section.
. "$(dirname "$0")/../cli/lib.sh"
[ "$CMIG_TEST_BACKEND" = postgresql ] || _die "a PostgreSQL-only test (CMIG_TEST_BACKEND=postgresql)"

new_db
new_project "$TEST_DIR/p1"
printf 'pg_lock_timeout: 1s\n' >>cmig.yaml
write_rev a1 "" "CREATE TABLE busy (id INTEGER PRIMARY KEY);
CREATE TABLE seen (what TEXT, v TEXT);
INSERT INTO seen SELECT 'tx', current_setting('lock_timeout');"
{
	printf -- '-- revision: b2\n-- down_revision: a1\n\n-- migrate:up transaction:false\n'
	printf "INSERT INTO seen SELECT 'notx', current_setting('lock_timeout');\n"
	printf -- '-- migrate:down\nSELECT 1;\n'
} >versions/b2_x.sql
{
	printf -- '-- revision: c3\n-- down_revision: b2\n\n-- migrate:up\n'
	printf 'ALTER TABLE busy ADD COLUMN n INTEGER;\n'
	printf -- '-- migrate:down\nALTER TABLE busy DROP COLUMN n;\n'
} >versions/c3_x.sql

assert_exit 0 upgrade b2
assert_eq "1s" "$(db_query "SELECT v FROM seen WHERE what = 'tx'")" "SET LOCAL in effect in a transactional migration"
assert_eq "1s" "$(db_query "SELECT v FROM seen WHERE what = 'notx'")" "SET in effect in a transaction:false section"

# --sql shows the same statements
assert_exit 0 upgrade --sql
assert_match "$OUT" "^SET LOCAL lock_timeout = '1s';$" "--sql: SET LOCAL after BEGIN"
assert_match "$OUT" "^SET lock_timeout = '1s';$" "--sql: SET before the transaction:false section"
assert_match "$OUT" "^RESET lock_timeout;$" "--sql: RESET after it"
assert_eq "$(printf '%s\n' "$OUT" | grep -c '^BEGIN;$')" \
	"$(printf '%s\n' "$OUT" | grep -c "^SET LOCAL lock_timeout = '1s';$")" "--sql: one SET LOCAL per transaction"
order=$(printf '%s\n' "$OUT" | grep -E "^(SET lock_timeout|INSERT INTO seen SELECT 'notx'|RESET lock_timeout)" | cut -c1-20 | tr '\n' '|')
assert_eq "SET lock_timeout = '|INSERT INTO seen SEL|RESET lock_timeout;|" "$order" "--sql: SET, the section, RESET"

# another session holds a lock on busy: the ALTER gives up after ~1 s instead of queueing
fifo=$TEST_DIR/holder.fifo
mkfifo "$fifo"
psql -X -q -d "$DB_NAME" <"$fifo" >/dev/null 2>&1 &
holder=$!
exec 7>"$fifo"
printf 'BEGIN;\nLOCK TABLE busy IN ACCESS SHARE MODE;\nSELECT pg_sleep(30);\n' >&7
for _ in $(seq 50); do
	[ "$(db_query "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'busy' AND l.granted")" != 0 ] && break
	sleep 0.1
done
t0=$(now_ns)
assert_exit 1 upgrade head
ms=$(( ($(now_ns) - t0) / 1000000 ))
assert_contains "$ERR" "lock timeout" "the server's lock timeout error"
assert_contains "$ERR" "c3_x.sql:5" "names the ALTER's file:line"
assert_true "gave up within 10 s (took ${ms} ms)" test "$ms" -lt 10000
assert_true "waited for the timeout (took ${ms} ms)" test "$ms" -ge 900
assert_db_version b2 "database at the previous revision"
kill "$holder" 2>/dev/null
exec 7>&-
wait "$holder" 2>/dev/null

# without pg_lock_timeout, nothing is set: the server default (0) is seen
new_db
new_project "$TEST_DIR/p2"
write_rev a1 "" "CREATE TABLE seen (v TEXT); INSERT INTO seen SELECT current_setting('lock_timeout');"
assert_exit 0 upgrade head
assert_eq "0" "$(db_query "SELECT v FROM seen")" "no pg_lock_timeout: server default"
assert_exit 0 upgrade --sql
assert_no_match "$OUT" "^(SET( LOCAL)? lock_timeout|RESET lock_timeout)" "no pg_lock_timeout: --sql sets nothing"

# a bad value is an error at its line
new_project "$TEST_DIR/p3"
printf 'pg_lock_timeout: soon\n' >>cmig.yaml
write_rev a1 ""
assert_exit 1 check
assert_contains "$ERR" "cmig.yaml:3" "names the line"
assert_contains "$ERR" "pg_lock_timeout" "names the key"

finish
