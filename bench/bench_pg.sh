#!/usr/bin/env bash
# bench/bench_pg.sh - cmig applying N migrations on PostgreSQL against the limit: psql running
# the very SQL `cmig upgrade --sql` prints (same statements, same transactions), on a fresh
# database each, at the server's default durability (synchronous_commit on, fsync on).
#
#   bench/bench_pg.sh [N_MIGRATIONS] [ROUNDS]        (default 1000 migrations, 5 rounds)
#
# Environment: CMIG (default build/src/cmig), and PGHOST/PGPORT/PGUSER of a running server;
# without PGHOST a throwaway cluster is started with tests/pg/cluster.sh and stopped at exit.
# Each round times both on fresh databases (alternating who goes first); the best of the
# rounds is compared. The script checks that both databases saw at least N commits
# (pg_stat_database.xact_commit: one transaction per migration, nothing batched away) and end
# at the same version row with the same number of history rows. Prints the ratio
# cmig / psql (the goal is <= 0.9).
set -euo pipefail

N=${1:-1000}
ROUNDS=${2:-5}
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CMIG=${CMIG:-$SRC/build/src/cmig}
[ -x "$CMIG" ] || { echo "bench_pg: no cmig binary at $CMIG (set CMIG)" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/cmig-bench-pg.XXXXXX")
CLUSTER=""
DBS=()
cleanup() {
	local db
	for db in "${DBS[@]}"; do
		psql -X -q -d postgres -c "DROP DATABASE IF EXISTS \"$db\"" >/dev/null 2>&1 || true
	done
	[ -n "$CLUSTER" ] && "$SRC/tests/pg/cluster.sh" stop "$CLUSTER"
	rm -rf "$WORK"
}
trap cleanup EXIT

if [ -z "${PGHOST:-}" ]; then
	eval "$("$SRC/tests/pg/cluster.sh" start)"
	CLUSTER=$CMIG_PG_CLUSTER
fi
export PGHOST PGPORT PGUSER

q() { psql -X -At -q -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }

sync_commit=$(q postgres "SHOW synchronous_commit")
fsync=$(q postgres "SHOW fsync")
[ "$sync_commit" = on ] || { echo "bench_pg: synchronous_commit is $sync_commit, not on" >&2; exit 1; }
[ "$fsync" = on ] || { echo "bench_pg: fsync is $fsync, not on" >&2; exit 1; }

# The project: N migrations of a few statements each (a table, an index, a few rows).
mkdir -p "$WORK/proj/versions"
cd "$WORK/proj"
printf 'versions_dir: versions\n' >cmig.yaml
prev=""
for i in $(seq 1 "$N"); do
	id=$(printf 'r%05d' "$i")
	{
		printf -- '-- revision: %s\n-- down_revision: %s\n-- message: step %d\n\n' "$id" "$prev" "$i"
		printf -- '-- migrate:up\n'
		printf 'CREATE TABLE t%05d (id bigint PRIMARY KEY, name text NOT NULL, n int DEFAULT 0);\n' "$i"
		printf 'CREATE INDEX t%05d_name ON t%05d (name);\n' "$i" "$i"
		printf "INSERT INTO t%05d (id, name) VALUES (1, 'a'), (2, 'b'), (3, 'c');\n" "$i"
		printf 'UPDATE t%05d SET n = n + 1 WHERE id = 2;\n' "$i"
		printf -- '\n-- migrate:down\nDROP TABLE t%05d;\n' "$i"
	} >"versions/${id}_step.sql"
	prev=$id
done
"$CMIG" -q upgrade --sql --url "postgresql:///x" >"$WORK/all.sql"

now() { date +%s%N; }
newdb() {
	local db=cmig_bench_$$_$1
	DBS+=("$db")
	psql -X -q -d postgres -c "CREATE DATABASE \"$db\"" >/dev/null
	echo "$db"
}
commits() {
	# flush this session's view of the statistics, then read the counter
	q postgres "SELECT pg_stat_clear_snapshot(); SELECT xact_commit FROM pg_stat_database WHERE datname = '$1'" | tail -1
}
settle() { sleep 1.2; } # PostgreSQL 15 publishes a backend's counters at most once a second

# Each timed run starts right after a checkpoint, so neither pays for the other's dirty
# buffers (or for the checkpoint DROP DATABASE asks for).
run_cmig() {
	local db=$1 t0 t1
	q postgres CHECKPOINT
	t0=$(now)
	"$CMIG" -q upgrade head --url "postgresql:///$db?host=$PGHOST&port=$PGPORT"
	t1=$(now)
	echo $(((t1 - t0) / 1000))
}
run_psql() {
	local db=$1 t0 t1
	q postgres CHECKPOINT
	t0=$(now)
	psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$WORK/all.sql" >/dev/null
	t1=$(now)
	echo $(((t1 - t0) / 1000))
}
check_db() {
	local db=$1 before=$2 what=$3 after
	settle
	after=$(commits "$db")
	if [ $((after - before)) -lt "$N" ]; then
		echo "bench_pg: $what committed $((after - before)) transactions for $N migrations" >&2
		exit 1
	fi
	echo "$(q "$db" "SELECT version_num FROM cmig_version") $(q "$db" "SELECT count(*) FROM cmig_history") $((after - before))"
}

best_cmig=0
best_psql=0
for r in $(seq 1 "$ROUNDS"); do
	dc=$(newdb "c$r")
	dp=$(newdb "p$r")
	settle
	bc=$(commits "$dc")
	bp=$(commits "$dp")
	if [ $((r % 2)) -eq 1 ]; then
		tc=$(run_cmig "$dc")
		tp=$(run_psql "$dp")
	else
		tp=$(run_psql "$dp")
		tc=$(run_cmig "$dc")
	fi
	sc=$(check_db "$dc" "$bc" cmig)
	sp=$(check_db "$dp" "$bp" psql)
	if [ "${sc% *}" != "${sp% *}" ]; then
		echo "bench_pg: cmig ended at '$sc', psql at '$sp' (version, history rows, commits)" >&2
		exit 1
	fi
	printf 'round %d: cmig %8.3f s   psql %8.3f s   ratio %.3f   (commits: cmig %s, psql %s)\n' \
		"$r" "$(echo "$tc / 1000000" | bc -l)" "$(echo "$tp / 1000000" | bc -l)" \
		"$(echo "$tc / $tp" | bc -l)" "${sc##* }" "${sp##* }"
	if [ "$best_cmig" -eq 0 ] || [ "$tc" -lt "$best_cmig" ]; then best_cmig=$tc; fi
	if [ "$best_psql" -eq 0 ] || [ "$tp" -lt "$best_psql" ]; then best_psql=$tp; fi
	psql -X -q -d postgres -c "DROP DATABASE \"$dc\"" -c "DROP DATABASE \"$dp\"" >/dev/null
done
printf 'PostgreSQL %s, synchronous_commit=%s, %d migrations x 4 statements\n' \
	"$(q postgres "SHOW server_version")" "$sync_commit" "$N"
printf 'best: cmig %.3f s, psql (the limit) %.3f s\n' \
	"$(echo "$best_cmig / 1000000" | bc -l)" "$(echo "$best_psql / 1000000" | bc -l)"
printf 'ratio cmig/psql: %.3f (goal <= 0.9)\n' "$(echo "$best_cmig / $best_psql" | bc -l)"
