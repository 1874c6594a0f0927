#!/bin/bash
# t430 (PostgreSQL): runs are serialized by a session advisory lock held for the whole run
# (SPEC §4). While one run holds it: a second run with --lock-timeout says on stderr that it
# is waiting, gives up after the timeout with exit 1 and changes nothing; a third with the
# default timeout waits, then finds the work done and applies nothing twice. Readers
# (current, status, upgrade --check) do not take the lock and answer at once. The lock is
# gone when the run ends.
. "$(dirname "$0")/../cli/lib.sh"
[ "$CMIG_TEST_BACKEND" = postgresql ] || _die "a PostgreSQL-only test (CMIG_TEST_BACKEND=postgresql)"

new_db
new_project
write_rev a1 "" "SELECT pg_sleep(6);
CREATE TABLE slow (id INTEGER);"
write_rev b2 a1

advisory_locks() {
	db_query "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database
	          WHERE l.locktype = 'advisory' AND l.granted AND d.datname = current_database()"
}

"$CMIG" upgrade head >"$TEST_DIR/run1.out" 2>"$TEST_DIR/run1.err" &
RUN1=$!
_BG_PIDS="$_BG_PIDS $RUN1"
# wait until the first run holds the lock
for _ in $(seq 1 100); do
	[ "$(advisory_locks)" = 1 ] && break
	sleep 0.05
done
assert_eq 1 "$(advisory_locks)" "the first run holds one advisory lock"
assert_eq "cmig" "$(db_query "SELECT DISTINCT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory'")" "held by cmig's session (application_name cmig)"

# readers answer at once
s=$(now_ns)
assert_exit 0 current
e=$(now_ns)
assert_eq base "$OUT" "current: still base while the first run works"
assert_true "current did not wait for the lock" test $(((e - s) / 1000000)) -lt 2500
s=$(now_ns)
assert_exit 3 upgrade --check
e=$(now_ns)
assert_true "upgrade --check did not wait for the lock" test $(((e - s) / 1000000)) -lt 2500

# a second run gives up after --lock-timeout, having changed nothing
s=$(now_ns)
assert_exit 1 upgrade head --lock-timeout 1.5
e=$(now_ns)
ms=$(((e - s) / 1000000))
assert_true "waited about the timeout (${ms} ms)" test "$ms" -ge 1400 -a "$ms" -lt 3500
assert_match "$ERR" "waiting for the database lock" "said it was waiting"
assert_match "$ERR" "gave up waiting for the database lock after 1.5 seconds" "says it gave up, and after how long"
assert_not_contains "$ERR" "Running upgrade" "ran nothing"
assert_true "the first run is still running (the timeout did not wait for it)" kill -0 "$RUN1"

# a third run waits, then applies only what is left: nothing
assert_exit 0 upgrade head
assert_match "$ERR" "waiting for the database lock" "the waiting line"
assert_not_contains "$ERR" "Running upgrade" "found the work done, applied nothing twice"
wait "$RUN1"
assert_eq 0 $? "the first run exits 0"
assert_contains "$(cat "$TEST_DIR/run1.err")" "Running upgrade a1 -> b2" "the first run applied both"
assert_db_version b2
assert_eq "a1|up
b2|up" "$(db_query 'SELECT revision, direction FROM cmig_history ORDER BY id')" "each migration once"
assert_eq 0 "$(advisory_locks)" "no advisory lock left after the runs"

# the lock key comes from the version table's schema and name: a project with another
# version table does not wait for this one
new_project "$TEST_DIR/other"
printf "database_url: '%s'\nversion_table: other_version\nhistory_table: other_history\n" "$DB_URL" >cmig.yaml
write_rev x1 "" "SELECT pg_sleep(3);"
"$CMIG" upgrade head >"$TEST_DIR/x.out" 2>"$TEST_DIR/x.err" &
RUNX=$!
_BG_PIDS="$_BG_PIDS $RUNX"
cd "$PROJ/../proj" || _die cd
for _ in $(seq 1 100); do
	[ "$(advisory_locks)" = 1 ] && break
	sleep 0.05
done
assert_exit 0 downgrade a1 --lock-timeout 1
assert_not_contains "$ERR" "waiting" "another version table: another lock, no wait"
wait "$RUNX"
assert_eq 0 $? "the other project's run exits 0"

finish
