#!/usr/bin/env bash
# SPEC §11 on SQLite: 50 databases at mixed revisions (base, r1, head, one at a revision no
# file declares, one locked by another connection past --lock-timeout, one read-only)
# upgraded with --jobs 4 (the report compared as a set of lines) and --jobs 1 (in order), with
# --on-error continue and stop, the JSON report, exit codes, and every database checked
# afterwards with the sqlite3 CLI; patterns, --urls lists, duplicates and empty patterns.
. "${CMIG_TESTS_DIR:-$(dirname "$0")/..}/sqlite/fleet_lib.sh"
for r in r1 r2 r3; do
	case $r in r1) d= ;; r2) d=r1 ;; r3) d=r2 ;; esac
	printf -- '-- revision: %s\n-- down_revision: %s\n-- message: add %s\n\n-- migrate:up\nCREATE TABLE t_%s (id INTEGER PRIMARY KEY);\n\n-- migrate:down\nDROP TABLE t_%s;\n' \
		"$r" "$d" "$r" "$r" "$r" >"versions/${r}_add.sql"
done

LOCK_PID=
# d49's lock holder reads its statements from a FIFO: closing it ends the connection
unlock() {
	[ -n "$LOCK_PID" ] || return 0
	exec 7>&-
	wait "$LOCK_PID" 2>/dev/null
	LOCK_PID=
}
readonly_off() {
	[ -f tenants/d50.db ] || return 0
	chattr -i tenants/d50.db 2>/dev/null
	chmod 644 tenants/d50.db
}
# the immutable file must lose its flag before lib.sh's cleanup removes the directory
trap '_rc=$?; readonly_off; (exit $_rc); _cleanup' EXIT

ver() { sqlite3 "$1" "SELECT coalesce((SELECT version_num FROM cmig_version), 'base')" 2>/dev/null || echo base; }

# d01-d15 at base (empty files), d16-d30 at r1, d31-d47 at head, d48 at an unknown revision,
# d49 at base and locked by another connection, d50 at r1 and read-only.
setup() {
	unlock
	readonly_off
	rm -rf tenants && mkdir tenants
	local i n
	for i in $(seq 1 50); do
		n=$(printf 'tenants/d%02d.db' "$i")
		if [ "$i" -le 15 ] || [ "$i" -eq 49 ]; then
			: >"$n"
		elif [ "$i" -le 30 ] || [ "$i" -eq 50 ]; then
			"$CMIG" -q --url "sqlite:///$n" upgrade r1 || _die "setup $n"
		elif [ "$i" -le 47 ]; then
			"$CMIG" -q --url "sqlite:///$n" upgrade || _die "setup $n"
		else
			"$CMIG" -q --url "sqlite:///$n" upgrade r1 || _die "setup $n"
			sqlite3 "$n" "UPDATE cmig_version SET version_num = 'zz'"
		fi
	done
	# not databases: a dot-file, journal-like names, a directory
	: >tenants/.hidden.db
	: >tenants/old.db-journal
	: >tenants/x.db-wal
	: >tenants/x.db-shm
	mkdir tenants/dir.db
	# d49: another connection holds the write lock until killed
	rm -f "$TEST_DIR/lockfifo"
	mkfifo "$TEST_DIR/lockfifo"
	sqlite3 tenants/d49.db <"$TEST_DIR/lockfifo" >/dev/null 2>&1 &
	LOCK_PID=$!
	_BG_PIDS="$_BG_PIDS $LOCK_PID"
	exec 7>"$TEST_DIR/lockfifo"
	# .timeout: the probe below may hold the lock for an instant just as the holder asks
	printf '.timeout 30000\nBEGIN IMMEDIATE;\nCREATE TABLE held(x);\n' >&7
	local held=no
	for _ in $(seq 600); do
		if ! sqlite3 tenants/d49.db 'BEGIN IMMEDIATE; ROLLBACK' 2>/dev/null; then held=yes; break; fi
		sleep 0.05
	done
	[ "$held" = yes ] || _die "setup: the lock holder never took d49's write lock"
	# d50: read-only, for root too
	chmod 444 tenants/d50.db
	if [ "$(id -u)" -eq 0 ]; then
		chattr +i tenants/d50.db || _die "chattr +i is needed to make a file read-only for root"
	fi
}

ALL=sqlite:///tenants/*.db

# a report with its database lines sorted (the order --jobs > 1 finishes in) and the summary last
sorted_report() {
	printf '%s\n' "$1" | sed '$d' | sort
	printf '%s\n' "$1" | tail -1
}

# the expected report line of database i after `upgrade` (--on-error continue)
expect_line() {
	local i=$1 n
	n=$(printf 'sqlite:///tenants/d%02d.db' "$i")
	if [ "$i" -le 15 ]; then printf '%s\tbase\tr3\tupgraded\n' "$n"
	elif [ "$i" -le 30 ]; then printf '%s\tr1\tr3\tupgraded\n' "$n"
	elif [ "$i" -le 47 ]; then printf '%s\tr3\tr3\tunchanged\n' "$n"
	elif [ "$i" -eq 48 ]; then printf '%s\tzz\tzz\tfailed: db-unknown: the database is at revision zz, which no file declares\n' "$n"
	elif [ "$i" -eq 49 ]; then printf '%s\tbase\tbase\tfailed: %s\n' "$n" "$LOCK_ERR"
	else printf '%s\tr1\tr1\tfailed: %s\n' "$n" "$RO_ERR"
	fi
}

# the databases after `upgrade`: each at the revision its line says, with its tables
check_after() {
	local i n want
	for i in $(seq 1 50); do
		n=$(printf 'tenants/d%02d.db' "$i")
		case $i in 48) want=zz ;; 49) want=base ;; 50) want=r1 ;; *) want=r3 ;; esac
		[ "$i" -le 47 ] && [ "${2:-}" = stop ] && [ "$i" -gt "$1" ] && want=skip
		[ "$want" = skip ] && continue
		assert_eq "$want" "$(ver "$n")" "$n at $want" || return
		if [ "$want" = r3 ]; then
			assert_eq "t_r1 t_r2 t_r3" "$(sqlite3 "$n" "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master WHERE name LIKE 't_r%' ORDER BY name)")" "$n has the tables of r1-r3" || return
		fi
		assert_eq ok "$(sqlite3 "$n" 'PRAGMA integrity_check')" "$n intact" || return
	done
}

# The read-only database's error, as a single-database run reports it (first line).
setup
run_cmig --url sqlite:///tenants/d50.db upgrade
assert_eq 1 "$RC" "a single read-only database fails"
RO_ERR=$(printf '%s\n' "$ERR" | grep -m1 'error: ' | sed 's/^cmig: error: //; s/: error: /: /')
assert_ne "" "$RO_ERR" "the read-only error has a message"
assert_match "$RO_ERR" "readonly|read-only" "it says read-only"
# and the locked one's (a single run's first error line, as the report shows it)
run_cmig --lock-timeout 1 --url sqlite:///tenants/d49.db upgrade
assert_eq 1 "$RC" "a single locked database fails"
LOCK_ERR=$(printf '%s\n' "$ERR" | grep -m1 'error: ' | sed 's/^cmig: error: //; s/: error: /: /')
assert_contains "$LOCK_ERR" "gave up waiting for the database lock" "it says why"

# ---- --jobs 4, --on-error continue: the report as a set of lines
run_cmig --jobs 4 --on-error continue --lock-timeout 1 --url "$ALL" upgrade
assert_eq 1 "$RC" "exit 1: some failed"
expected=$(for i in $(seq 1 50); do expect_line "$i"; done; printf '50 databases: 30 upgraded, 17 unchanged, 3 failed, 0 not started\n')
assert_eq "$(printf '%s\n' "$expected" | sort)" "$(printf '%s\n' "$OUT" | sort)" "jobs 4: the report's lines"
assert_eq "50 databases: 30 upgraded, 17 unchanged, 3 failed, 0 not started" "$(printf '%s\n' "$OUT" | tail -1)" "the summary comes last"
assert_not_contains "$OUT" "hidden" "no dot-file"
assert_not_contains "$OUT" "journal" "no -journal"
assert_not_contains "$OUT" "-wal" "no -wal"
assert_not_contains "$OUT" "dir.db" "no directory"
assert_contains "$ERR" "sqlite:///tenants/d48.db: error: db-unknown" "diagnostics name their database"
assert_match "$ERR" '^sqlite:///tenants/d01\.db: Running upgrade base -> r1, add r1$' "progress names its database"
# diagnostics of one database stay together: d01's three progress lines are consecutive
assert_eq 3 "$(printf '%s\n' "$ERR" | grep -A2 'd01.db: Running upgrade base -> r1' | grep -c '^sqlite:///tenants/d01.db: Running')" "d01's lines together"
check_after

# ---- --jobs 1 (in order), --on-error continue
setup
run_cmig --jobs 1 --on-error continue --lock-timeout 1 --url "$ALL" upgrade
assert_eq 1 "$RC" "jobs 1: exit 1"
assert_eq "$expected" "$OUT" "jobs 1: the report in list order"
check_after

# ---- --jobs 1, --on-error stop (the default for upgrade): d48 fails, d49 and d50 not started
setup
run_cmig --jobs 1 --lock-timeout 1 --url "$ALL" upgrade
assert_eq 1 "$RC" "stop: exit 1"
exp_stop=$(for i in $(seq 1 48); do expect_line "$i"; done
	printf 'sqlite:///tenants/d49.db\t-\t-\tnot started\nsqlite:///tenants/d50.db\t-\t-\tnot started\n'
	printf '50 databases: 30 upgraded, 17 unchanged, 1 failed, 2 not started\n')
assert_eq "$exp_stop" "$OUT" "stop: the report in order, the rest not started"
unlock
assert_eq base "$(ver tenants/d49.db)" "d49 untouched"
assert_eq "" "$(sqlite3 tenants/d49.db "SELECT name FROM sqlite_master WHERE name LIKE 'cmig%'")" "d49 never opened for writing"
check_after

# ---- --jobs 4, --on-error stop: after the first failure nothing new starts
setup
run_cmig --jobs 4 --lock-timeout 1 --url "$ALL" upgrade
assert_eq 1 "$RC" "jobs 4 stop: exit 1"
assert_eq 51 "$(printf '%s\n' "$OUT" | wc -l)" "a line per database and the summary"
ns=$(printf '%s\n' "$OUT" | grep -c $'\tnot started$')
failed=$(printf '%s\n' "$OUT" | grep -c '	failed: ')
assert_true "at least one failed" test "$failed" -ge 1
assert_match "$(printf '%s\n' "$OUT" | tail -1)" "^50 databases: [0-9]+ upgraded, [0-9]+ unchanged, $failed failed, $ns not started$" "summary counts"
# every database reported as not started is exactly as it was
while IFS=$'\t' read -r db b a res; do
	[ "$res" = "not started" ] || continue
	f=${db#sqlite:///}
	i=$((10#$(basename "$f" .db | tr -d d)))
	case $i in 48) w=zz ;; 49) w=base ;; 50) w=r1 ;; *) w=$(expect_line "$i" | cut -f2) ;; esac
	assert_eq "$w" "$(ver "$f")" "$f not started and unchanged"
done <<<"$OUT"

# ---- JSON
setup
run_cmig --jobs 4 --on-error continue --lock-timeout 1 --format json --url "$ALL" upgrade
assert_eq 1 "$RC" "json: exit 1"
assert_eq 50 "$(jq '.databases | length' <<<"$OUT")" "json: 50 databases"
assert_eq "$(for i in $(seq 1 50); do printf 'sqlite:///tenants/d%02d.db\n' "$i"; done)" "$(jq -r '.databases[].database' <<<"$OUT")" "json: list order"
assert_eq '{"changed":30,"unchanged":17,"failed":3,"not_started":0}' "$(jq -c .summary <<<"$OUT")" "json: summary"
assert_eq '{"database":"sqlite:///tenants/d01.db","before":null,"after":"r3","result":"upgraded","pending":null,"error":null}' \
	"$(jq -c '.databases[0] | del(.seconds)' <<<"$OUT")" "json: a database upgraded from base"
assert_eq '{"before":"r3","after":"r3","result":"unchanged"}' "$(jq -c '.databases[40] | {before, after, result}' <<<"$OUT")" "json: unchanged"
assert_eq '{"before":"zz","result":"failed","error":"db-unknown: the database is at revision zz, which no file declares"}' \
	"$(jq -c '.databases[47] | {before, result, error}' <<<"$OUT")" "json: failed with its error"
assert_eq true "$(jq '[.databases[].seconds | type == "number" and . >= 0] | all' <<<"$OUT")" "json: seconds"
check_after

# ---- read-only commands: current, status, upgrade --check, check
unlock
readonly_off
rm -f tenants/d48.db
"$CMIG" -q --url sqlite:///tenants/d02.db downgrade base
"$CMIG" -q --url sqlite:///tenants/d03.db downgrade r1
run_cmig --jobs 2 --url 'sqlite:///tenants/d0[1-4].db' upgrade --check
assert_eq 3 "$RC" "upgrade --check: exit 3 with pending"
assert_eq "sqlite:///tenants/d01.db	r3	r3	unchanged
sqlite:///tenants/d02.db	base	base	pending 3
sqlite:///tenants/d03.db	r1	r1	pending 2
sqlite:///tenants/d04.db	r3	r3	unchanged
4 databases: 2 pending, 2 unchanged, 0 failed, 0 not started" "$(sorted_report "$OUT")" "upgrade --check report"
assert_eq "" "$ERR" "--check lists no ids on many databases"
run_cmig --url sqlite:///tenants/d01.db --url sqlite:///tenants/d03.db current
assert_eq 0 "$RC" "current: exit 0"
assert_eq "sqlite:///tenants/d01.db	r3	r3	r3, pending 0
sqlite:///tenants/d03.db	r1	r1	r1, pending 2
2 databases: 1 pending, 1 unchanged, 0 failed, 0 not started" "$(sorted_report "$OUT")" "current report"
printf '# canary first\n\n  sqlite:///tenants/d02.db  \nsqlite:///tenants/d05.db\n' >canary.txt
run_cmig --urls canary.txt --format json status
assert_eq 0 "$RC" "status: exit 0"
assert_eq '[{"database":"sqlite:///tenants/d02.db","result":"pending","pending":3},{"database":"sqlite:///tenants/d05.db","result":"unchanged","pending":0}]' \
	"$(jq -c '[.databases[] | {database, result, pending}]' <<<"$OUT")" "status over a --urls list"
sqlite3 tenants/d05.db "DELETE FROM cmig_history WHERE revision = 'r2'"
run_cmig --urls - check <canary.txt
assert_eq 1 "$RC" "check: a database problem fails"
assert_contains "$OUT" "sqlite:///tenants/d05.db	r3	r3	failed: versions/r2_add.sql:1: db-skipped:" "check names the problem"
assert_contains "$OUT" "sqlite:///tenants/d02.db	base	base	pending 3" "check: a clean database"
# nothing was created by the read-only commands
assert_false "read-only commands created no file" test -e tenants/d48.db

# ---- refusals before anything runs
ln -s d01.db tenants/link.db
run_cmig --url sqlite:///tenants/d01.db --url sqlite:///tenants/link.db upgrade
assert_eq 2 "$RC" "a database listed twice (symlink): usage error"
assert_contains "$ERR" "the same database is listed twice: sqlite:///tenants/d01.db (--url) and sqlite:///tenants/link.db (--url)"
assert_eq "" "$OUT" "nothing ran"
printf 'sqlite:///tenants/d07.db\n' >dup.txt
run_cmig --url "sqlite:///$P/tenants/d07.db" --urls dup.txt upgrade
assert_eq 2 "$RC" "absolute and relative spellings of one file"
assert_contains "$ERR" "(dup.txt:1)"
run_cmig --url sqlite:///tenants/new.db --url sqlite:///./tenants/new.db upgrade
assert_eq 2 "$RC" "one file not created yet, twice"
assert_false "the refused run created no file" test -e tenants/new.db
run_cmig --url 'sqlite:///tenants/*.nomatch' --url sqlite:///tenants/d01.db upgrade
assert_eq 1 "$RC" "a pattern that matches nothing"
assert_contains "$ERR" "--url: error: sqlite:///tenants/*.nomatch matches no database"
printf '# nothing here\n\n' >empty.txt
run_cmig --urls empty.txt upgrade
assert_eq 1 "$RC" "an empty list"
assert_contains "$ERR" "empty.txt: error: the list names no database"
printf 'sqlite:///tenants/d01.db\nmysql://x/y\n' >bad.txt
run_cmig --urls bad.txt upgrade
assert_eq 1 "$RC" "a bad URL in a list"
assert_contains "$ERR" "bad.txt:2: error: unsupported database URL scheme"
run_cmig --urls missing.txt upgrade
assert_eq 1 "$RC" "a list that cannot be read"
run_cmig --url sqlite:///tenants/d01.db --url sqlite:///tenants/d02.db history
assert_eq 2 "$RC" "history over many databases: usage error"
run_cmig --url sqlite:///tenants/d01.db --url sqlite:///tenants/d02.db upgrade --sql
assert_eq 2 "$RC" "--sql over many databases: usage error"
run_cmig --url "sqlite:///tenants/d*.db" upgrade nosuch
assert_eq 1 "$RC" "a target that names no revision"
assert_contains "$ERR" "target 'nosuch' names no revision; no database was started"
assert_eq "" "$OUT" "no report: nothing started"
run_cmig --jobs 0 --url "$ALL" current
assert_eq 2 "$RC" "--jobs 0"
run_cmig --on-error maybe --url "$ALL" current
assert_eq 2 "$RC" "--on-error maybe"
assert_eq r3 "$(ver tenants/d01.db)" "refusals changed nothing"
# one plain --url: the single-database output, no report
run_cmig --url sqlite:///tenants/d02.db upgrade
assert_eq 0 "$RC" "one --url: exit 0"
assert_eq "" "$OUT" "one --url: no report on stdout"
# a pattern matching one file is still a run over many
run_cmig --url 'sqlite:///tenants/d0[2].db' current
assert_eq "sqlite:///tenants/d02.db	r3	r3	r3, pending 0
1 database: 0 pending, 1 unchanged, 0 failed, 0 not started" "$OUT" "a pattern matching one database reports"
finish
