#!/usr/bin/env bash
# bench/bench_pg.sh - cmig applying N migrations on PostgreSQL against the limit: psql running
# the very SQL `cmig upgrade --sql` prints (same statements, same transactions: per migration
# BEGIN, the up section, the version and history writes, COMMIT), each on a fresh database,
# at the server's default durability (fsync and synchronous_commit on; checked).
#
#   bench/bench_pg.sh [N_MIGRATIONS] [ROUNDS]        (default 1000 migrations, 5 rounds)
#
# Environment: CMIG (default build/src/cmig); PGHOST/PGPORT/PGUSER of a running server, or
# none, and a throwaway cluster is started with tests/pg/cluster.sh and stopped at exit.
#
# Each round times, in rotating order, each on a fresh database right after a CHECKPOINT:
#   cmig      `cmig -q upgrade head`
#   psql      `psql -X -v ON_ERROR_STOP=1 -f upgrade.sql`: the limit (one query a statement)
#   psql-1q   the same SQL with each migration sent as ONE simple query (statements joined
#             with psql's \;): a reference for "one round trip per migration"
# and checks that each database committed at least N transactions (pg_stat_database
# xact_commit: one per migration, nothing batched) and that all end at the same version row
# and history row count. Prints the median and best of each, and the ratio cmig / psql of
# the medians and of the best runs (the goal is <= 0.9). fsync-bound timings on a shared
# machine are noisy (other work's I/O only ever adds time, so the best runs are the steadier
# figure); use more rounds rather than trusting one.
set -euo pipefail

N=${1:-1000}
ROUNDS=${2:-5}
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_cmig bench_pg
bench_pg_start bench-pg
STRATEGY=""
[ "$(q postgres "SHOW server_version_num")" -ge 150000 ] && STRATEGY=" STRATEGY FILE_COPY"

sync_commit=$(q postgres "SHOW synchronous_commit")
fsync=$(q postgres "SHOW fsync")
[ "$sync_commit" = on ] || { echo "bench_pg: synchronous_commit is $sync_commit, not on" >&2; exit 1; }
[ "$fsync" = on ] || { echo "bench_pg: fsync is $fsync, not on" >&2; exit 1; }

# The project: N migrations like bench/bench_sqlite.sh's (a table and a row each; the id
# given, as PostgreSQL has no rowid), every statement on a line of its own.
mkdir -p "$WORK/proj/versions"
cd "$WORK/proj"
printf 'versions_dir: versions\n' >cmig.yaml
bench_gen_chain "$WORK/proj/versions" "$N" 1
"$CMIG" -q upgrade --sql --url "postgresql:///unused" >"$WORK/upgrade.sql"
# psql-1q: every statement of the --sql output is one line ending in ';' here; join each
# migration's lines (BEGIN … COMMIT) into one query with \;
awk '
	/^--/ || /^$/ { next }
	{ sub(/;[ \t]*$/, ""); line = (line == "" ? $0 : line " \\; " $0) }
	/^COMMIT/ { print line ";"; line = "" }
' "$WORK/upgrade.sql" >"$WORK/upgrade-1q.sql"
[ "$(grep -c '^BEGIN' "$WORK/upgrade-1q.sql")" -eq "$N" ] || { echo "bench_pg: bad one-query script" >&2; exit 1; }

now() { date +%s%N; }
commits() {
	q postgres "SELECT pg_stat_clear_snapshot(); SELECT coalesce(max(xact_commit), 0) FROM pg_stat_database WHERE datname = '$1'" | tail -1
}

# run_one WHO R -> microseconds. Every run gets the same start: its own fresh database
# (made by file copy, so it writes no WAL of its own), then a CHECKPOINT, so no run pays for
# the dirty buffers, WAL or checkpoint of an earlier one.
run_one() {
	local who=$1 db=cmig_bench_$$_${2}_${1//-/_} t0 t1
	DBS+=("$db")
	q postgres "CREATE DATABASE \"$db\"$STRATEGY"
	q postgres CHECKPOINT
	t0=$(now)
	case $who in
	cmig) "$CMIG" -q upgrade head --url "postgresql:///$db?host=$PGHOST&port=$PGPORT" ;;
	psql) psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$WORK/upgrade.sql" >/dev/null ;;
	psql-1q) psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$WORK/upgrade-1q.sql" >/dev/null ;;
	esac
	t1=$(now)
	echo $(((t1 - t0) / 1000))
}

# check_one WHO R: at least N commits (a new database starts at 0), the same end state.
# The databases are dropped at the end only: dropping thousands of tables keeps the file
# system busy for seconds, which would slow down whichever run came next.
REF_STATE=""
check_one() {
	local who=$1 db=cmig_bench_$$_${2}_${1//-/_} c state
	c=$(commits "$db")
	[ "${c:-0}" -ge "$N" ] || { echo "bench_pg: $who committed ${c:-0} transactions for $N migrations" >&2; exit 1; }
	state="$(q "$db" "SELECT version_num FROM cmig_version") $(q "$db" "SELECT count(*) FROM cmig_history")"
	[ -z "$REF_STATE" ] && REF_STATE=$state
	[ "$state" = "$REF_STATE" ] || { echo "bench_pg: $who ended at '$state', expected '$REF_STATE'" >&2; exit 1; }
	echo "$c"
}

WHO=(cmig psql psql-1q)
declare -A TIMES
# one untimed warm-up: WAL segments created, catalogs and binaries in the page cache
run_one psql 0 >/dev/null
for r in $(seq 1 "$ROUNDS"); do
	line="round $r:"
	order=()
	for k in 0 1 2; do order+=("${WHO[$(((k + r) % 3))]}"); done # rotate who goes first
	for w in "${order[@]}"; do
		t=$(run_one "$w" "$r")
		TIMES[$w]="${TIMES[$w]:-} $t"
		line="$line  $w $(printf '%.3f' "$(echo "$t / 1000000" | bc -l)") s"
	done
	sleep 1.1 # PostgreSQL 15 publishes a backend's statistics at most once a second
	for w in "${order[@]}"; do line="$line  [$w: $(check_one "$w" "$r") commits]"; done
	echo "$line"
done

median() { tr ' ' '\n' | grep . | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }
best() { tr ' ' '\n' | grep . | sort -n | head -1; }
secs() { printf '%.3f' "$(echo "$1 / 1000000" | bc -l)"; }

printf 'PostgreSQL %s, fsync=%s, synchronous_commit=%s; %d migrations (a table and a row each), %d rounds\n' \
	"$(q postgres "SHOW server_version")" "$fsync" "$sync_commit" "$N" "$ROUNDS"
for w in "${WHO[@]}"; do
	m=$(echo "${TIMES[$w]}" | median)
	b=$(echo "${TIMES[$w]}" | best)
	printf '%-8s median %s s  best %s s\n' "$w" "$(secs "$m")" "$(secs "$b")"
done
mc=$(echo "${TIMES[cmig]}" | median)
mp=$(echo "${TIMES[psql]}" | median)
m1=$(echo "${TIMES[psql-1q]}" | median)
bc_=$(echo "${TIMES[cmig]}" | best)
bp=$(echo "${TIMES[psql]}" | best)
b1=$(echo "${TIMES[psql-1q]}" | best)
printf 'ratio cmig/psql: medians %.3f, best %.3f   (goal <= 0.9)\n' \
	"$(echo "$mc / $mp" | bc -l)" "$(echo "$bc_ / $bp" | bc -l)"
printf 'reference psql-1q/psql: medians %.3f, best %.3f\n' \
	"$(echo "$m1 / $mp" | bc -l)" "$(echo "$b1 / $bp" | bc -l)"
