#!/usr/bin/env bash
# bench/bench_fleet.sh - one command over many databases (SPEC §11, issue 15), medians in one
# run:
#
#   1. 1,000 SQLite files, two pending migrations each:
#        fleet   `cmig --jobs J --url 'sqlite:///dbs/*.db' upgrade` (one process)
#        cli     the sqlite3 CLI once per file under `xargs -P J`, running the same SQL cmig
#                runs: the history and version reads, then per migration BEGIN IMMEDIATE,
#                the version re-read, the up section, the version and history writes, COMMIT
#                (taken from `cmig upgrade --sql`), at SQLite's default synchronous=FULL
#        each    `cmig upgrade` once per file under the same `xargs -P J`
#      goal: fleet <= 0.5x cli and <= 0.5x each
#   2. the same 1,000 files all at head (the deploy with nothing to do):
#        fleet vs each; goal <= 0.2x (about 0.2 ms a database)
#   3. 200 tenant schemas of one PostgreSQL database (?schema=tenant_N), one pending migration
#      each: fleet vs psql once per schema under `xargs -P J` (SET search_path, then the same
#      statements in one transaction); goal <= 1.2x
#
#   bench/bench_fleet.sh [ROUNDS]      (default 5)
#
# Environment: CMIG (default build/src/cmig); JOBS (default 2, the -P of xargs and cmig's
# --jobs); N (default 1000 files), SCHEMAS (default 200); PGHOST/PGPORT/PGUSER of a running
# server, or none and a throwaway cluster is started with tests/pg/cluster.sh. Writes only
# under a mktemp -d directory.
set -euo pipefail
ROUNDS=${1:-5}
JOBS=${JOBS:-2}
N=${N:-1000}
SCHEMAS=${SCHEMAS:-200}
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_cmig bench_fleet
command -v sqlite3 >/dev/null || { echo "bench_fleet: the sqlite3 CLI is needed" >&2; exit 1; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cmig-bench-fleet.XXXXXX")
CLUSTER=""
PGDB=""
cleanup() {
	[ -n "$PGDB" ] && psql -X -q -d postgres -c "DROP DATABASE IF EXISTS \"$PGDB\"" >/dev/null 2>&1
	[ -n "$CLUSTER" ] && "$SRC/tests/pg/cluster.sh" stop "$CLUSTER"
	rm -rf "$WORK"
}
trap cleanup EXIT
export LC_ALL=C
cd "$WORK"

now_ms() { date +%s%N | awk '{ printf "%.1f", $1 / 1e6 }'; }
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# ---- the project: r1 applied everywhere, r2 and r3 pending
mkdir -p proj/versions
cd proj
printf 'database_url: sqlite:///unused.db\n' >cmig.yaml
rev() {
	printf -- '-- revision: %s\n-- down_revision: %s\n-- message: %s\n\n-- migrate:up\n%s\n\n-- migrate:down\n%s\n' \
		"$1" "$2" "$1" "$3" "$4" >"versions/$1_x.sql"
}
rev r1 "" "CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT NOT NULL);" "DROP TABLE accounts;"
rev r2 r1 "CREATE TABLE invoices (id INTEGER PRIMARY KEY, account INTEGER NOT NULL REFERENCES accounts, total NUMERIC NOT NULL);
CREATE INDEX invoices_account ON invoices (account);" "DROP TABLE invoices;"
rev r3 r2 "ALTER TABLE accounts ADD COLUMN plan TEXT NOT NULL DEFAULT 'free';" "ALTER TABLE accounts DROP COLUMN plan;"

"$CMIG" -q --url sqlite:///template.db upgrade r1
[ "$(sqlite3 template.db 'PRAGMA synchronous; PRAGMA journal_mode' | tr '\n' ' ')" = "2 delete " ] ||
	{ echo "bench_fleet: SQLite's defaults are not synchronous=FULL, journal_mode=delete" >&2; exit 1; }
# the CLI's script: what cmig reads, then each migration's transaction as --sql prints it,
# with the version re-read cmig does inside each transaction
{
	echo "SELECT version_num FROM cmig_version;"
	echo "SELECT id, revision, direction, checksum, applied_at FROM cmig_history ORDER BY id;"
	"$CMIG" --url sqlite:///x.db upgrade r1:head --sql 2>/dev/null | grep -v '^-- Running' |
		sed 's/^BEGIN IMMEDIATE;$/BEGIN IMMEDIATE;\nSELECT version_num FROM cmig_version;/'
} >cli.sql
[ "$(grep -c '^COMMIT;' cli.sql)" = 2 ] || { echo "bench_fleet: expected two transactions" >&2; exit 1; }

fresh() {
	rm -rf dbs && mkdir dbs
	local i
	for i in $(seq -w 1 "$N"); do cp template.db "dbs/t$i.db"; done
	sync
}
verify() { # every file at $1
	local bad
	bad=$(for f in dbs/*.db; do sqlite3 "$f" 'SELECT version_num FROM cmig_version'; done | grep -vcx "$1" || true)
	[ "$bad" = 0 ] || { echo "bench_fleet: $bad files not at $1 after $2" >&2; exit 1; }
}

declare -A T
run_timed() { # name command...
	local t0 t1
	t0=$(now_ms)
	"${@:2}"
	t1=$(now_ms)
	T[$1]+="$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }') "
}
fleet_up() { "$CMIG" -q --jobs "$JOBS" --url 'sqlite:///dbs/*.db' upgrade >/dev/null; }
each_up() { ls dbs/*.db | xargs -P "$JOBS" -I{} "$CMIG" -q --url 'sqlite:///{}' upgrade; }
cli_up() { ls dbs/*.db | xargs -P "$JOBS" -I{} sh -c 'sqlite3 "$1" <cli.sql >/dev/null' sh {}; }

echo "bench_fleet: $N SQLite files, two pending migrations each; jobs $JOBS; $ROUNDS rounds" >&2
for r in $(seq "$ROUNDS"); do
	for kind in fleet cli each; do
		fresh
		run_timed "$kind" "${kind}_up"
		verify r3 "$kind"
	done
	# all at head: nothing to do
	run_timed noop_fleet fleet_up
	run_timed noop_each each_up
	echo "  round $r done" >&2
done

# ---- PostgreSQL: 200 tenant schemas in one database, one pending migration each
if [ -z "${PGHOST:-}" ]; then
	eval "$("$SRC/tests/pg/cluster.sh" start)"
	CLUSTER=$CMIG_PG_CLUSTER
fi
export PGHOST PGPORT PGUSER
export PGOPTIONS="-c client_min_messages=warning"
PGDB=cmig_bench_fleet_$$
psql -X -q -d postgres -c "CREATE DATABASE $PGDB" >/dev/null
BASE="postgresql:///$PGDB?host=$PGHOST&port=$PGPORT"
for i in $(seq -w 1 "$SCHEMAS"); do echo "$BASE&schema=tenant_$i"; done >tenants.txt
"$CMIG" -q --jobs "$JOBS" --urls tenants.txt upgrade r2 >/dev/null
{
	echo "SELECT pg_advisory_lock(hashtext(current_setting('search_path')));"
	echo "SELECT version_num FROM cmig_version;"
	echo "SELECT id, revision, direction, checksum, applied_at FROM cmig_history ORDER BY id;"
	"$CMIG" --url "$BASE" upgrade r2:r3 --sql 2>/dev/null | grep -v '^-- Running' | grep -v 'CREATE SCHEMA\|CREATE TABLE IF NOT EXISTS' |
		sed 's/^BEGIN;$/BEGIN;\nSELECT version_num FROM cmig_version;/'
	echo "SELECT pg_advisory_unlock(hashtext(current_setting('search_path')));"
} >psql.sql
pg_fleet() { "$CMIG" -q --jobs "$JOBS" --urls tenants.txt upgrade >/dev/null; }
pg_psql() {
	seq -w 1 "$SCHEMAS" | xargs -P "$JOBS" -I{} sh -c \
		'PGOPTIONS="$PGOPTIONS -c search_path=tenant_$1" psql -X -q -v ON_ERROR_STOP=1 -d "$2" -f psql.sql >/dev/null' sh {} "$PGDB"
}
pg_reset() { "$CMIG" -q --jobs "$JOBS" --urls tenants.txt downgrade r2 >/dev/null; }
pg_verify() {
	local n
	n=$(psql -X -At -d "$PGDB" -c "SELECT count(*) FROM pg_namespace n WHERE nspname LIKE 'tenant%' AND EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = n.nspname AND table_name = 'accounts' AND column_name = 'plan')")
	[ "$n" = "$SCHEMAS" ] || { echo "bench_fleet: $n of $SCHEMAS schemas upgraded by $1" >&2; exit 1; }
}
echo "bench_fleet: $SCHEMAS PostgreSQL schemas, one pending migration each" >&2
for r in $(seq "$ROUNDS"); do
	for kind in fleet psql; do
		pg_reset
		psql -X -q -d "$PGDB" -c CHECKPOINT >/dev/null 2>&1 || true
		run_timed "pg_$kind" "pg_$kind"
		pg_verify "$kind"
	done
done

m() { printf '%s\n' ${T[$1]} | median; }
f=$(m fleet) c=$(m cli) e=$(m each) nf=$(m noop_fleet) ne=$(m noop_each) pf=$(m pg_fleet) pp=$(m pg_psql)
printf '\n%-52s %10s %10s %8s %8s\n' "measure (medians of $ROUNDS, jobs $JOBS)" "cmig" "other" "ratio" "goal"
printf '%-52s %8.0f ms %8.0f ms %7sx %8s\n' "$N files, 2 pending: fleet vs sqlite3 CLI per file" "$f" "$c" "$(ratio "$f" "$c")" "<= 0.5"
printf '%-52s %8.0f ms %8.0f ms %7sx %8s\n' "$N files, 2 pending: fleet vs cmig per file" "$f" "$e" "$(ratio "$f" "$e")" "<= 0.5"
printf '%-52s %8.0f ms %8.0f ms %7sx %8s\n' "$N files at head: fleet vs cmig per file" "$nf" "$ne" "$(ratio "$nf" "$ne")" "<= 0.2"
printf '%-52s %8.3f ms\n' "  at head, per database" "$(awk -v a="$nf" -v n="$N" 'BEGIN { print a / n }')"
printf '%-52s %8.0f ms %8.0f ms %7sx %8s\n' "$SCHEMAS schemas, 1 pending: fleet vs psql per schema" "$pf" "$pp" "$(ratio "$pf" "$pp")" "<= 1.2"
