#!/bin/bash
# t130: `kill -9` during a long upgrade, 20 trials (issue 3/4). Each trial kills cmig right
# after its k-th "Running upgrade" progress line, k spread over the chain. Afterwards the
# database is exactly at some revision p: its schema and data equal a clean upgrade to p, the
# history agrees (p up rows), SQLite's integrity_check is ok, status, current, check and
# upgrade --check work on the interrupted database first (SQLite: a hot journal), and at least 15 of 20 kills
# landed inside a migration's transaction (p = k-1). A re-run then finishes the chain.
. "$(dirname "$0")/lib.sh"
N=8
TRIALS=20
new_db
new_project

# migration i: create k_i, insert a row, ~150 ms of work, insert another row
prev=""
for i in $(seq 1 $N); do
	id=$(printf 'k%02d' "$i")
	{
		printf -- '-- revision: %s\n-- down_revision: %s\n-- message: step %s\n\n' "$id" "$prev" "$i"
		for d in sqlite postgresql; do
			printf -- '-- migrate:up dialect:%s\n' "$d"
			printf "CREATE TABLE %s (id INTEGER PRIMARY KEY, v TEXT);\nINSERT INTO %s (id, v) VALUES (1, 'a');\n" "$id" "$id"
			CMIG_TEST_BACKEND=$d slow_sql 1
			printf "INSERT INTO %s (id, v) VALUES (2, 'b');\n" "$id"
		done
		printf -- '-- migrate:down\nDROP TABLE %s;\n' "$id"
	} >"versions/${id}_x.sql"
	prev=$id
	IDS[$i]=$id
done
IDS[0]=""

snapshot() { # schema + data of the user tables (few client round trips: psql is slow to start)
	db_schema
	local t q=""
	for t in $(db_tables); do
		case $t in k[0-9]*) q="$q${q:+ UNION ALL }SELECT '$t', id, v FROM $t" ;; esac
	done
	[ -n "$q" ] && db_query "$q ORDER BY 1, 2"
}

# reference: a clean upgrade to each revision
for p in $(seq 0 $N); do
	db_reset
	if [ "$p" -gt 0 ]; then
		run_cmig --url "$DB_URL" upgrade "${IDS[$p]}"
		[ "$RC" = 0 ] || { _fail "reference upgrade to ${IDS[$p]} failed"; _show_last_run; }
		[ "$p" = 1 ] && assert_backend_db
	fi
	REF[$p]=$(snapshot)
done

wait_idle() { # PostgreSQL: the killed client's backend may still be finishing; wait for it
	[ "$CMIG_TEST_BACKEND" = postgresql ] || return 0
	local i
	for i in $(seq 1 100); do
		[ "$(psql -X -At -d postgres -c "SELECT count(*) FROM pg_stat_activity WHERE datname = '$DB_NAME'")" = 0 ] && return 0
		sleep 0.1
	done
	_fail "backends of $DB_NAME still running 10 s after the kill"
}

inside=0
t_start=$(now_ns)
for trial in $(seq 1 $TRIALS); do
	k=$(((trial - 1) % N + 1))
	db_reset
	err=$TEST_DIR/trial$trial.err
	: >"$err"
	"$CMIG" --url "$DB_URL" upgrade head >/dev/null 2>"$err" &
	pid=$!
	_BG_PIDS="$_BG_PIDS $pid"
	killed=0
	for _ in $(seq 1 2000); do
		if [ "$(grep -c '^Running upgrade' "$err")" -ge "$k" ]; then
			kill -9 "$pid" 2>/dev/null && killed=1
			break
		fi
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.005
	done
	wait "$pid" 2>/dev/null
	if [ "$killed" != 1 ]; then
		_fail "trial $trial: cmig ended before its ${k}th progress line"
		sed 's/^/    | /' "$err" >&2
		continue
	fi
	wait_idle
	# SPEC §4 (issue 10): the read-only commands work on the interrupted database (on SQLite
	# it has a hot journal, which only the first of them meets: each trial starts with
	# another one); they run before anything else opens it
	cmds=(status current check "upgrade --check")
	cur=""
	for j in 0 1 2 3; do
		c=${cmds[$(((trial + j) % 4))]}
		# shellcheck disable=SC2086
		run_cmig --url "$DB_URL" $c
		case $c in
		"upgrade --check")
			assert_true "trial $trial: upgrade --check on the interrupted database exits 0 or 3 (got $RC)" \
				test "$RC" = 3 -o "$RC" = 0 ;;
		current)
			assert_eq 0 "$RC" "trial $trial: current on the interrupted database exits 0"
			cur=${OUT% (head)} ;;
		*)
			assert_eq 0 "$RC" "trial $trial: $c on the interrupted database exits 0" ;;
		esac
		[ "$RC" = 0 ] || [ "$RC" = 3 ] || _show_last_run
	done
	v=$(db_version)
	assert_eq "${v:-base}" "$cur" "trial $trial: current printed the revision the database is at"
	p=-1
	for q in $(seq 0 $N); do [ "${IDS[$q]}" = "$v" ] && p=$q; done
	if [ "$p" -lt 0 ]; then
		_fail "trial $trial (k=$k): version '$v' is no revision"
		continue
	fi
	assert_eq "${REF[$p]}" "$(snapshot)" "trial $trial (k=$k): at ${v:-base}, schema and data equal a clean upgrade"
	assert_eq "$p" "$(db_history_count up)" "trial $trial: history has $p up rows"
	if [ "$p" -gt 0 ]; then
		assert_eq "$(printf '%s\n' "${IDS[@]:1:$p}")" "$(db_query "SELECT revision FROM cmig_history WHERE direction='up' ORDER BY id")" "trial $trial: history names the applied revisions"
	fi
	if [ "$CMIG_TEST_BACKEND" = sqlite ]; then
		assert_eq ok "$(db_query 'PRAGMA integrity_check')" "trial $trial: integrity_check"
	fi
	assert_true "trial $trial (k=$k): at k-1 or k (p=$p)" test "$p" -ge $((k - 1)) -a "$p" -le "$k"
	[ "$p" = $((k - 1)) ] && inside=$((inside + 1))
	# every third trial: a re-run finishes the chain from where the kill left it
	if [ $((trial % 3)) = 0 ]; then
		assert_exit 0 --url "$DB_URL" upgrade head
		assert_db_version "${IDS[$N]}" "trial $trial: re-run reaches head"
		assert_eq "${REF[$N]}" "$(snapshot)" "trial $trial: re-run equals a clean upgrade"
	fi
done
assert_true "at least 15 of $TRIALS kills landed inside a transaction ($inside did)" test "$inside" -ge 15
echo "# $TRIALS trials in $((($(now_ns) - t_start) / 1000000)) ms, $inside inside a transaction"
