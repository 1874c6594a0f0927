#!/usr/bin/env bash
# SPEC §11 with §4's guarantee: kill -9 in the middle of a run over many databases leaves
# every database exactly at a revision (its tables match its version row, integrity_check ok),
# and a re-run finishes the rest, reporting the ones already done as unchanged. SIGINT starts
# nothing new, lets the running databases finish, prints the report and exits 130.
. "${CMIG_TESTS_DIR:-$(dirname "$0")/..}/sqlite/fleet_lib.sh"
# each migration copies rows for a while, so that the kill lands inside one
slow_rev() { # ID DOWN
	WRITE_REV_MSG="slow $1" write_rev "$1" "$2" \
		"CREATE TABLE t_$1 AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 150000) SELECT x FROM c;"
}
slow_rev r1 ""
slow_rev r2 r1
slow_rev r3 r2

# start OUTFILE [ERRFILE] : 20 empty databases upgraded in the background (pid in $pid), once
# three are done
start() {
	rm -f tenants/*.db
	for i in $(seq -w 1 20); do : >"tenants/d$i.db"; done
	"$CMIG" --jobs 2 --url 'sqlite:///tenants/*.db' upgrade >"$1" 2>"${2:-/dev/null}" &
	pid=$!
	_BG_PIDS="$_BG_PIDS $pid"
	for _ in $(seq 400); do
		[ "$(grep -c upgraded "$1")" -ge 3 ] && break
		sleep 0.02
	done
}

# kill once some databases are done and others are running
start "$TEST_DIR/first.out"
kill -9 "$pid"
wait "$pid" 2>/dev/null
done_before=$(grep -c upgraded "$TEST_DIR/first.out")
assert_true "the kill came in the middle (some done)" test "$done_before" -ge 3
assert_true "the kill came in the middle (some not done)" test "$done_before" -lt 20

at_head=0
for f in tenants/d*.db; do
	v=$(sqlite3 "$f" "SELECT coalesce((SELECT version_num FROM cmig_version), 'base')" 2>/dev/null || echo base)
	tables=$(sqlite3 "$f" "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master WHERE name LIKE 't_r%' ORDER BY name)")
	case $v in
	base) want="" ;;
	r1) want="t_r1" ;;
	r2) want="t_r1 t_r2" ;;
	r3) want="t_r1 t_r2 t_r3"; at_head=$((at_head + 1)) ;;
	*) want="?" ;;
	esac
	assert_eq "$want" "$tables" "$f: tables match its revision $v"
	assert_eq ok "$(sqlite3 "$f" 'PRAGMA integrity_check')" "$f intact"
done
assert_true "not every database reached head before the kill" test "$at_head" -lt 20

run_cmig --jobs 2 --url 'sqlite:///tenants/*.db' upgrade
assert_eq 0 "$RC" "the re-run finishes"
assert_eq "$at_head" "$(printf '%s\n' "$OUT" | grep -c $'\tr3\tr3\tunchanged$')" "those at head are unchanged"
assert_eq "20 databases: $((20 - at_head)) upgraded, $at_head unchanged, 0 failed, 0 not started" \
	"$(printf '%s\n' "$OUT" | tail -1)" "the rest upgraded"
for f in tenants/d*.db; do
	assert_eq r3 "$(sqlite3 "$f" 'SELECT version_num FROM cmig_version')" "$f at head"
	assert_eq 3 "$(sqlite3 "$f" "SELECT count(*) FROM cmig_history WHERE direction = 'up'")" "$f: each migration applied once"
done

# ---- SIGINT: the running ones finish, nothing new starts, the report, exit 130
start "$TEST_DIR/int.out" "$TEST_DIR/int.err"
kill -INT "$pid"
wait "$pid"
assert_eq 130 "$?" "SIGINT: exit 130"
out=$(cat "$TEST_DIR/int.out")
assert_eq 21 "$(printf '%s\n' "$out" | wc -l)" "SIGINT: a line per database and the summary"
ns=$(printf '%s\n' "$out" | grep -c $'\t-\t-\tnot started$')
up=$(printf '%s\n' "$out" | grep -c $'\tbase\tr3\tupgraded$')
assert_true "SIGINT: some not started" test "$ns" -ge 1
assert_eq 20 "$((ns + up))" "SIGINT: every database upgraded whole or not started"
assert_eq "20 databases: $up upgraded, 0 unchanged, 0 failed, $ns not started" "$(printf '%s\n' "$out" | tail -1)" "SIGINT: the summary"
while IFS=$'\t' read -r db b a res; do
	f=${db#sqlite:///}
	case $res in
	upgraded) assert_eq r3 "$(sqlite3 "$f" 'SELECT version_num FROM cmig_version')" "$f finished" ;;
	"not started") assert_eq "" "$(sqlite3 "$f" "SELECT name FROM sqlite_master")" "$f untouched" ;;
	esac
done < <(printf '%s\n' "$out" | sed '$d')
run_cmig --jobs 2 --url 'sqlite:///tenants/*.db' upgrade
assert_eq 0 "$RC" "after SIGINT, a re-run finishes"
assert_eq "20 databases: $ns upgraded, $up unchanged, 0 failed, 0 not started" "$(printf '%s\n' "$OUT" | tail -1)"
finish
