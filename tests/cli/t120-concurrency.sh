#!/bin/bash
# t120: 8 concurrent `cmig upgrade head` on one database (SPEC §4): the runs overlap, every one
# exits 0, every migration runs exactly once (each inserts into a log table), and a run that
# waited a second says so on stderr ("waiting"). Then --lock-timeout gives up with exit 1,
# having changed nothing.
. "$(dirname "$0")/lib.sh"
new_db
new_project
RUNS=8

# m1 creates the log and holds its transaction ~1.5 s, so every other run waits > 1 s;
# m2..m6 take >= 150 ms each and log themselves.
mig() { # ID DOWN SLOW_FACTOR CREATE_LOG
	local id=$1 down=$2 f=$3 create=$4
	{
		printf -- '-- revision: %s\n-- down_revision: %s\n-- message: slow %s\n\n' "$id" "$down" "$id"
		for d in sqlite postgresql; do
			printf -- '-- migrate:up dialect:%s\n' "$d"
			[ "$create" = 1 ] && printf 'CREATE TABLE runlog (rev TEXT NOT NULL, n INTEGER);\n'
			printf "INSERT INTO runlog (rev, n) VALUES ('%s', 1);\n" "$id"
			CMIG_TEST_BACKEND=$d slow_sql "$f"
			printf 'CREATE TABLE t_%s (id INTEGER PRIMARY KEY);\n' "$id"
		done
		printf -- '-- migrate:down\nDROP TABLE t_%s;\n' "$id"
		[ "$create" = 1 ] && printf 'DROP TABLE runlog;\n'
	} >"versions/${id}_x.sql"
}
mig m1 "" 10 1
mig m2 m1 1 0
mig m3 m2 1 0
mig m4 m3 1 0
mig m5 m4 1 0
mig m6 m5 1 0

# shellcheck disable=SC2034
for i in $(seq 1 $RUNS); do
	(
		s=$(now_ns)
		"$CMIG" upgrade head >"$TEST_DIR/run$i.out" 2>"$TEST_DIR/run$i.err"
		echo $? >"$TEST_DIR/run$i.rc"
		e=$(now_ns)
		echo "$s $e" >"$TEST_DIR/run$i.time"
	) &
	_BG_PIDS="$_BG_PIDS $!"
done
wait

maxstart=0
minend=9000000000000000000
waited=0
for i in $(seq 1 $RUNS); do
	assert_eq 0 "$(cat "$TEST_DIR/run$i.rc")" "run $i exits 0" || sed 's/^/    | /' "$TEST_DIR/run$i.err" >&2
	read -r s e <"$TEST_DIR/run$i.time"
	[ "$s" -gt "$maxstart" ] && maxstart=$s
	[ "$e" -lt "$minend" ] && minend=$e
	grep -qi waiting "$TEST_DIR/run$i.err" && waited=$((waited + 1))
done
assert_true "the $RUNS runs overlapped in time (last start before first end)" test "$maxstart" -lt "$minend"
assert_true "at least one run printed the waiting line ($waited did)" test "$waited" -ge 1
assert_backend_db
assert_db_version m6
assert_eq "$(printf 'm1|1\nm2|1\nm3|1\nm4|1\nm5|1\nm6|1')" "$(db_query "SELECT rev, count(*) FROM runlog GROUP BY rev ORDER BY rev")" "every migration ran exactly once"
assert_eq "$(printf 'm1\nm2\nm3\nm4\nm5\nm6')" "$(db_query "SELECT revision FROM cmig_history WHERE direction='up' ORDER BY id")" "one history row per migration"
nrun=$(cat "$TEST_DIR"/run*.err | grep -c '^Running upgrade')
assert_eq 6 "$nrun" "6 progress lines across all runs (each migration once)"

# --lock-timeout: a run that cannot get the lock gives up with exit 1, changing nothing.
# Hold the lock from outside: SQLite: an open write transaction; PostgreSQL: cmig itself
# running a slow migration (the advisory lock is cmig's business).
write_rev n7 m6 "$(printf 'CREATE TABLE t_n7 (id INTEGER PRIMARY KEY);\n%s' "$(slow_sql 20)")"
write_rev n8 n7
( "$CMIG" upgrade n7 >"$TEST_DIR/holder.out" 2>"$TEST_DIR/holder.err"; echo $? >"$TEST_DIR/holder.rc" ) &
holder=$!
_BG_PIDS="$_BG_PIDS $holder"
# wait until the holder runs n7
for _ in $(seq 1 100); do grep -q 'Running upgrade m6 -> n7' "$TEST_DIR/holder.err" 2>/dev/null && break; sleep 0.05; done
sleep 0.2
t0=$(now_ns)
assert_exit 1 --lock-timeout 1 upgrade head
t1=$(now_ns)
assert_contains "$ERR" "gave up waiting for the database lock after 1 second (--lock-timeout)" "the timed-out run says why"
assert_true "gave up after about a second ($(((t1 - t0) / 1000000)) ms)" test $(((t1 - t0) / 1000000)) -lt 2500
wait "$holder"
assert_eq 0 "$(cat "$TEST_DIR/holder.rc")" "the holder finished"
assert_db_version n7 "the timed-out run changed nothing (n8 not applied)"
assert_false "n8 not applied" db_has_table t_n8
assert_eq 1 "$(db_query "SELECT count(*) FROM cmig_history WHERE revision='n7'")" "n7 applied once"
