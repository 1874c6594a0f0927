#!/usr/bin/env bash
# bench/bench_copy.sh - `cmig copy` from SQLite into PostgreSQL against the limit and pgloader
# (issue 12), on the grids site's shape:
#   public_grids, secret_grids  id, title, three JSON TEXT columns of a few hundred bytes,
#                               a 0/1 BOOLEAN, a TIMESTAMP (CURRENT_TIMESTAMP text)
#   solves                      id, grid_id REFERENCES public_grids, solved_at, seconds
# N rows in all (half public grids, a quarter secret grids, a quarter solves), copied into an
# empty PostgreSQL schema the same migration creates (jsonb, boolean, timestamptz, serial).
#
#   bench/bench_copy.sh [--runs R] [--sizes "100000 1000000"]     (default 3 runs each)
#
# Environment: CMIG (default build/src/cmig); PGHOST/PGPORT/PGUSER of a running server, or
# none, and a throwaway cluster is started with tests/pg/cluster.sh and stopped at exit.
# pgloader is installed with apt-get when missing (Debian's package).
#
# Each size times, R rounds in rotating order, each on a fresh copy of the empty schema:
#   limit     the fastest single-transaction psql script for the same job: in one
#             transaction drop the foreign key and the secondary index, \copy CSV files of
#             exactly the same rows (exported beforehand, not timed), create the index and
#             the foreign key again, set the sequences
#   pgloader  the same job into the same tables: data only, create no tables, create no
#             indexes, include no drop, no truncate, reset sequences, workers = 4,
#             concurrency = 1, batch rows = 25000, prefetch rows = 25000
#   cmig      cmig copy --from sqlite:///… --to postgresql:///…
# and checks that each one left the same row counts and that an INSERT without an id works.
# Prints the median time and peak RSS (GNU time's %M) of each, the median CPU seconds the
# client and the server spent (the server's: the postmaster's cutime+cstime, which collects
# each backend's CPU when it exits), and the ratios of the medians. On a shared machine the
# CPU seconds are the steadier figure: wall time swings with other work's load.
set -euo pipefail

RUNS=3
SIZES="100000 1000000"
while [ $# -gt 0 ]; do
	case $1 in
	--runs) RUNS=$2; shift 2 ;;
	--sizes) SIZES=$2; shift 2 ;;
	*) echo "usage: bench_copy.sh [--runs R] [--sizes \"N …\"]" >&2; exit 2 ;;
	esac
done
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_cmig bench_copy
command -v sqlite3 >/dev/null || { echo "bench_copy: the sqlite3 CLI is needed" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench_copy: GNU time (/usr/bin/time) is needed" >&2; exit 1; }
if ! command -v pgloader >/dev/null; then
	echo "bench_copy: installing pgloader (apt-get)" >&2
	apt-get install -y -q pgloader >/dev/null
fi

bench_pg_start bench-copy
chmod 755 "$WORK" # the server reads nothing here, but pgloader's temp files live below
# CPU seconds of the server's exited processes (backends): the postmaster's cutime + cstime
POSTMASTER=$(awk '{ print $4 }' "/proc/$(q postgres "SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'")/stat")
HZ=$(getconf CLK_TCK)
server_cpu() { awk -v hz="$HZ" '{ printf "%.2f", ($16 + $17) / hz }' "/proc/$POSTMASTER/stat"; }

# ---- the project: one migration, a dialect section each --------------------------------------
mkdir -p "$WORK/proj/versions"
cat >"$WORK/proj/cmig.yaml" <<'EOF'
versions_dir: versions
EOF
cat >"$WORK/proj/versions/b1_grids.sql" <<'EOF'
-- revision: b1
-- down_revision: none

-- migrate:up dialect:sqlite
CREATE TABLE public_grids (id INTEGER PRIMARY KEY, title TEXT NOT NULL, cells TEXT NOT NULL,
    clues TEXT NOT NULL, solution TEXT NOT NULL, secret BOOLEAN NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE secret_grids (id INTEGER PRIMARY KEY, title TEXT NOT NULL, cells TEXT NOT NULL,
    clues TEXT NOT NULL, solution TEXT NOT NULL, secret BOOLEAN NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE solves (id INTEGER PRIMARY KEY, grid_id INTEGER NOT NULL REFERENCES public_grids (id),
    solved_at TIMESTAMP NOT NULL, seconds INTEGER NOT NULL);
CREATE INDEX solves_grid_id_idx ON solves (grid_id);

-- migrate:up dialect:postgresql
CREATE TABLE public_grids (id serial PRIMARY KEY, title text NOT NULL, cells jsonb NOT NULL,
    clues jsonb NOT NULL, solution jsonb NOT NULL, secret boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE secret_grids (id serial PRIMARY KEY, title text NOT NULL, cells jsonb NOT NULL,
    clues jsonb NOT NULL, solution jsonb NOT NULL, secret boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE solves (id serial PRIMARY KEY, grid_id integer NOT NULL REFERENCES public_grids (id),
    solved_at timestamptz NOT NULL, seconds integer NOT NULL);
CREATE INDEX solves_grid_id_idx ON solves (grid_id);

-- migrate:down
DROP TABLE solves;
DROP TABLE secret_grids;
DROP TABLE public_grids;
EOF
cd "$WORK/proj"

TEMPLATE=cmig_bench_copy_tpl_$$
DBS+=("$TEMPLATE")
q postgres "CREATE DATABASE $TEMPLATE"
"$CMIG" -q --url "postgresql:///$TEMPLATE" upgrade head
STRATEGY=""
[ "$(q postgres "SHOW server_version_num")" -ge 150000 ] && STRATEGY=" STRATEGY FILE_COPY"

make_source() { # N DB
	local n=$1 db=$2 pub sec sol
	pub=$((n / 2)) sec=$((n / 4)) sol=$((n - n / 2 - n / 4))
	rm -f "$db"
	"$CMIG" -q --url "sqlite:///$db" upgrade head
	sqlite3 "$db" >/dev/null <<SQL
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $pub)
INSERT INTO public_grids
SELECT i, 'Grid ' || i,
  json_array(json_array(i % 9, 1, 2, 3, 4, 5, 6, 7, 8), json_array(9, 8, 7, 6, 5, 4, 3, 2, 1),
             json_array('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'), json_array(1, 0, 1, 0, 1, 0, 1, 0, 1),
             json_array('across', 'down', 'é', 'ß', 'quote"d', 'tab	bed', 'x', 'y', 'z')),
  json_object('across', json_array('first clue ' || i, 'second clue', 'third clue', 'fourth clue', 'fifth clue'),
              'down', json_array('sixth clue', 'seventh clue ' || (i * 3), 'eighth clue', 'ninth clue', 'tenth'),
              'size', 9, 'author', 'someone', 'tags', json_array('easy', 'weekly', 'themed')),
  json_object('rows', json_array('abcdefghi', 'jklmnopqr', 'stuvwxyza', 'bcdefghij', 'klmnopqrs',
                                 'tuvwxyzab', 'cdefghijk', 'lmnopqrst', 'uvwxyzabc'),
              'score', i * 1.5, 'ok', json('true'), 'none', json('null')),
  i % 2, datetime(1600000000 + i * 60, 'unixepoch')
FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $sec)
INSERT INTO secret_grids SELECT id + $pub, 'Secret ' || id, cells, clues, solution, 1, created_at
FROM public_grids WHERE id <= $sec;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $sol)
INSERT INTO solves SELECT i, 1 + (i * 31) % $pub, datetime(1700000000 + i, 'unixepoch'), i % 900 FROM n;
COMMIT;
SQL
}

# The limit's script: CSV files of exactly these rows, exported once (not timed).
make_limit() { # DB DIR
	local db=$1 dir=$2 t
	for t in public_grids secret_grids; do
		sqlite3 -csv "$db" "SELECT id, title, cells, clues, solution, secret, created_at FROM $t" >"$dir/$t.csv"
	done
	sqlite3 -csv "$db" "SELECT id, grid_id, solved_at, seconds FROM solves" >"$dir/solves.csv"
	cat >"$dir/limit.sql" <<SQL
\set ON_ERROR_STOP 1
SET TimeZone = 'UTC';
BEGIN;
ALTER TABLE solves DROP CONSTRAINT solves_grid_id_fkey;
DROP INDEX solves_grid_id_idx;
\copy public_grids (id, title, cells, clues, solution, secret, created_at) FROM '$dir/public_grids.csv' CSV
\copy secret_grids (id, title, cells, clues, solution, secret, created_at) FROM '$dir/secret_grids.csv' CSV
\copy solves (id, grid_id, solved_at, seconds) FROM '$dir/solves.csv' CSV
CREATE INDEX solves_grid_id_idx ON solves (grid_id);
ALTER TABLE solves ADD CONSTRAINT solves_grid_id_fkey FOREIGN KEY (grid_id) REFERENCES public_grids (id);
SELECT setval('public_grids_id_seq', (SELECT max(id) FROM public_grids));
SELECT setval('secret_grids_id_seq', (SELECT max(id) FROM secret_grids));
SELECT setval('solves_id_seq', (SELECT max(id) FROM solves));
COMMIT;
SQL
}

make_pgloader() { # DB DIR TARGET_DB
	cat >"$2/load.pgl" <<EOF
LOAD DATABASE
  FROM sqlite://$1
  INTO postgresql://$PGUSER@unix:$PGHOST:$PGPORT/$3
  WITH data only, create no tables, create no indexes, include no drop, no truncate,
       reset sequences, workers = 4, concurrency = 1, batch rows = 25000,
       prefetch rows = 25000
  EXCLUDING TABLE NAMES LIKE 'cmig_%';
EOF
}

median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# run_one METHOD N DIR: one timed run on a fresh database; appends "secs rss_kib" to DIR/METHOD
run_one() {
	local method=$1 n=$2 dir=$3 db t0 t1 rss
	db="cmig_bench_copy_${method}_$$"
	DBS+=("$db")
	q postgres "DROP DATABASE IF EXISTS $db"
	q postgres "CREATE DATABASE $db TEMPLATE $TEMPLATE$STRATEGY"
	q "$db" "CHECKPOINT"
	case $method in
	limit) cmd=(psql -X -q -d "$db" -f "$dir/limit.sql") ;;
	pgloader) make_pgloader "$dir/src.db" "$dir" "$db"; cmd=(pgloader --quiet "$dir/load.pgl") ;;
	cmig) cmd=("$CMIG" -q copy --from "sqlite:///$dir/src.db" --to "postgresql:///$db") ;;
	esac
	local s0 s1 cpu
	s0=$(server_cpu)
	t0=$(date +%s.%N)
	/usr/bin/time -f '%M %U %S' -o "$dir/rss" "${cmd[@]}" >"$dir/$method.log" 2>&1 || {
		echo "bench_copy: $method failed:" >&2; tail -20 "$dir/$method.log" >&2; exit 1; }
	t1=$(date +%s.%N)
	sleep 0.5 # the postmaster reaps the backend
	s1=$(server_cpu)
	read -r rss cu cs <<<"$(tail -1 "$dir/rss")"
	cpu="$(echo "$cu + $cs" | bc -l) $(echo "$s1 - $s0" | bc -l)"
	# the same rows arrived, and the sequences were set
	local got
	got=$(q "$db" "SELECT (SELECT count(*) FROM public_grids) + (SELECT count(*) FROM secret_grids) + (SELECT count(*) FROM solves)")
	[ "$got" = "$n" ] || { echo "bench_copy: $method left $got rows, not $n" >&2; exit 1; }
	q "$db" "INSERT INTO solves (grid_id, solved_at, seconds) VALUES (1, now(), 1)" >/dev/null ||
		{ echo "bench_copy: $method did not set the sequences" >&2; exit 1; }
	q postgres "DROP DATABASE $db"
	echo "$(echo "$t1 - $t0" | bc -l) $rss $cpu" >>"$dir/$method"
}

printf '%-9s %9s %10s %10s %10s %12s %12s\n' size method median_s rows_per_s peak_MiB \
	client_cpu_s server_cpu_s
for n in $SIZES; do
	dir=$WORK/n$n
	mkdir -p "$dir"
	chmod 755 "$dir"
	make_source "$n" "$dir/src.db"
	make_limit "$dir/src.db" "$dir"
	methods=(limit pgloader cmig)
	for ((r = 0; r < RUNS; r++)); do
		for ((k = 0; k < 3; k++)); do
			run_one "${methods[$(((r + k) % 3))]}" "$n" "$dir"
		done
	done
	for m in limit pgloader cmig; do
		med=$(cut -d' ' -f1 "$dir/$m" | median)
		rss=$(cut -d' ' -f2 "$dir/$m" | sort -g | tail -1)
		ccpu=$(cut -d' ' -f3 "$dir/$m" | median)
		scpu=$(cut -d' ' -f4 "$dir/$m" | median)
		eval "MED_$m=$med CPU_$m=$(echo "$ccpu + $scpu" | bc -l)"
		printf '%-9s %9s %10.2f %10.0f %10.1f %12.2f %12.2f\n' "$n" "$m" "$med" \
			"$(echo "$n / $med" | bc -l)" "$(echo "$rss / 1024" | bc -l)" "$ccpu" "$scpu"
	done
	printf '%-9s wall: cmig/limit %.2f  cmig/pgloader %.2f   cpu (client+server): cmig/limit %.2f\n' \
		"$n" "$(echo "$MED_cmig / $MED_limit" | bc -l)" "$(echo "$MED_cmig / $MED_pgloader" | bc -l)" \
		"$(echo "$CPU_cmig / $CPU_limit" | bc -l)"
done
