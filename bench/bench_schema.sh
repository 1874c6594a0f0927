#!/usr/bin/env bash
# bench/bench_schema.sh - issue 13's schema benchmarks, medians of RUNS runs (default 5):
#   1. `cmig dump` vs `pg_dump --schema-only` on a 300-table PostgreSQL schema (goal <= 0.5x)
#   2. `cmig dump` vs `sqlite3 db .schema` on the same schema in SQLite (goal <= 2x)
#   3. `cmig diff` on a 300-table schema.sql with a 300-revision chain (SQLite) vs its limit,
#      the sqlite3 CLI loading the chain's SQL and schema.sql into two in-memory databases
#      (goal <= 1.5x)
#   4. `cmig revision --autogenerate` (proof included) vs `python3 -m alembic revision
#      --autogenerate` (Debian's python3-alembic, compare_type=True) for the same 300 tables
#      as SQLAlchemy models (goal <= 0.1x). Installs python3-alembic with apt-get when missing.
# Needs: a built cmig (CMIG, default build/src/cmig), sqlite3, and for 1. the test cluster
# (started here with tests/pg/cluster.sh when PGHOST is not set). Alembic runs under PY
# (default /usr/bin/python3, Debian's interpreter: a python3 earlier in PATH, e.g. pyenv's,
# does not see the Debian package).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
CMIG=$(realpath "${CMIG:-$ROOT/build/src/cmig}") # absolute: steps 3 and 4 run in the project
RUNS=${RUNS:-5}
N=${N:-300}
PY=${PY:-/usr/bin/python3}
W=$(mktemp -d)
trap 'rm -rf "$W"; [ -n "${STARTED:-}" ] && bash "$ROOT/tests/pg/cluster.sh" stop "$CMIG_PG_DIR" >/dev/null 2>&1' EXIT

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
# timepair A B: run the commands (functions or programs, no arguments) alternately, RUNS times
# each, and print their median wall times in seconds, "A B". Alternating puts a burst of
# background work (the cluster checkpointing after step 1's CREATEs, another process) on both
# sides instead of on whichever ran then; EPOCHREALTIME reads the clock without forking, so
# no process start is counted into either side.
timepair() {
	local fa fb t0 t1
	fa=$(mktemp) fb=$(mktemp)
	for _ in $(seq "$RUNS"); do
		t0=${EPOCHREALTIME/./}; "$1" >/dev/null 2>&1; t1=${EPOCHREALTIME/./}; echo $((t1 - t0)) >>"$fa"
		t0=${EPOCHREALTIME/./}; "$2" >/dev/null 2>&1; t1=${EPOCHREALTIME/./}; echo $((t1 - t0)) >>"$fb"
	done
	echo "$(median <"$fa" | awk '{printf "%.4f", $1 / 1e6}') $(median <"$fb" | awk '{printf "%.4f", $1 / 1e6}')"
	rm -f "$fa" "$fb"
}
ratio() { echo "scale=3; $1 / $2" | bc; }

table_sql() { # i dialect
	local i=$1
	local prev=$((i - 1))
	printf 'CREATE TABLE t%03d (id INTEGER PRIMARY KEY, name TEXT NOT NULL, qty INTEGER DEFAULT 0 CHECK (qty >= 0), note TEXT' "$i"
	[ "$i" -gt 1 ] && printf ', parent_id INTEGER REFERENCES t%03d (id)' "$prev"
	printf ');\nCREATE INDEX t%03d_name ON t%03d (name);\n' "$i" "$i"
}
for i in $(seq "$N"); do table_sql "$i"; done >"$W/schema.sql"

# ---- 1. PostgreSQL dump ----------------------------------------------------------------------
if [ -z "${PGHOST:-}" ]; then
	eval "$(bash tests/pg/cluster.sh start)"
	STARTED=1
fi
PGOPTIONS=-cclient_min_messages=warning psql -X -q -d postgres -c "DROP DATABASE IF EXISTS bench_schema" -c "CREATE DATABASE bench_schema" >/dev/null
psql -X -q -d bench_schema -f "$W/schema.sql" >/dev/null
PGURL="postgresql:///bench_schema?host=$PGHOST&port=$PGPORT"
{ "$CMIG" --url "$PGURL" dump >"$W/dump.sql" && grep -q 'CREATE TABLE t300' "$W/dump.sql"; } || { echo "cmig dump (postgresql) failed"; exit 1; }
cmig_pg_dump() { "$CMIG" --url "$PGURL" dump; }
pg_dump_schema() { pg_dump --schema-only -d bench_schema; }
read -r c p < <(timepair cmig_pg_dump pg_dump_schema)
echo "dump postgresql ($N tables): cmig ${c}s, pg_dump --schema-only ${p}s, ratio $(ratio "$c" "$p") (goal <= 0.5)"

# ---- 2. SQLite dump ---------------------------------------------------------------------------
sqlite3 "$W/app.db" <"$W/schema.sql"
{ "$CMIG" --url "sqlite:///$W/app.db" dump >"$W/dump.sql" && grep -q 'CREATE TABLE t300' "$W/dump.sql"; } || { echo "cmig dump (sqlite) failed"; exit 1; }
cmig_sqlite_dump() { "$CMIG" --url "sqlite:///$W/app.db" dump; }
sqlite3_schema() { sqlite3 "$W/app.db" .schema; }
read -r c s < <(timepair cmig_sqlite_dump sqlite3_schema)
echo "dump sqlite ($N tables): cmig ${c}s, sqlite3 .schema ${s}s, ratio $(ratio "$c" "$s") (goal <= 2)"

# ---- 3. diff on a 300-revision chain ------------------------------------------------------------
P=$W/proj
mkdir -p "$P/versions"
printf 'database_url: sqlite:///app.db\nversions_dir: versions\n' >"$P/cmig.yaml"
prev=""
for i in $(seq "$N"); do
	id=$(printf 'r%03d' "$i")
	{ printf -- '-- revision: %s\n-- down_revision: %s\n-- message: t%03d\n\n-- migrate:up\n' "$id" "$prev" "$i"
	  table_sql "$i"
	  printf '\n-- migrate:down\nDROP TABLE t%03d;\n' "$i"; } >"$P/versions/${id}_t.sql"
	prev=$id
done
cp "$W/schema.sql" "$P/schema.sql"
sed -n '/migrate:up/,/migrate:down/p' "$P"/versions/*.sql | grep -v migrate: >"$W/chain.sql"
# once untimed: the chain and schema.sql agree (exit 0), so the timing is of a full, passing run
(cd "$P" && "$CMIG" diff >/dev/null) || { echo "cmig diff: exit $? (0 expected)"; exit 1; }
cmig_diff() { (cd "$P" && "$CMIG" diff); }
sqlite3_load_both() { sqlite3 :memory: <"$W/chain.sql" && sqlite3 :memory: <"$W/schema.sql"; }
read -r c l < <(timepair cmig_diff sqlite3_load_both)
echo "diff sqlite ($N tables, $N revisions): cmig ${c}s, sqlite3 loading both ${l}s, ratio $(ratio "$c" "$l") (goal <= 1.5)"

# ---- 4. autogenerate vs Alembic ------------------------------------------------------------------
if ! "$PY" -c 'import alembic' 2>/dev/null; then
	apt-get install -y -q python3-alembic >/dev/null 2>&1 || { echo "alembic: cannot install python3-alembic"; exit 1; }
fi
echo "alembic $("$PY" -c 'import alembic; print(alembic.__version__)'), SQLAlchemy $("$PY" -c 'import sqlalchemy; print(sqlalchemy.__version__)')"
# one more column in schema.sql / the models: both tools find one change
sed -i 's/^CREATE TABLE t001 (id INTEGER PRIMARY KEY, name TEXT NOT NULL,/CREATE TABLE t001 (id INTEGER PRIMARY KEY, extra INTEGER, name TEXT NOT NULL,/' "$P/schema.sql"
(cd "$P" && "$CMIG" -q upgrade head >/dev/null 2>&1)
# once untimed: both tools must find exactly the one change
(cd "$P" && "$CMIG" revision --autogenerate -m extra --rev-id zz >/dev/null 2>&1) ||
	{ echo "cmig revision --autogenerate failed"; exit 1; }
grep -q 'ADD COLUMN extra' "$P"/versions/zz_*.sql || { echo "cmig did not write ADD COLUMN extra"; exit 1; }
rm "$P"/versions/zz_*.sql
A=$W/alembic
mkdir -p "$A"
cd "$A"
"$PY" -m alembic init -q migrations >/dev/null 2>&1 || "$PY" -m alembic init migrations >/dev/null
sed -i "s#^sqlalchemy.url = .*#sqlalchemy.url = sqlite:///$P/app.db#" alembic.ini
# id nullable=True: SQLite reports its INTEGER PRIMARY KEY (the rowid alias) as nullable, and
# Alembic would otherwise find 300 spurious nullability changes
{ echo "from sqlalchemy import Column, Integer, Text, ForeignKey, CheckConstraint, Index, MetaData, Table"
  echo "metadata = MetaData()"
  for i in $(seq "$N"); do
	extra=""; [ "$i" = 1 ] && extra="Column('extra', Integer), "
	parent=""; [ "$i" -gt 1 ] && parent=$(printf "Column('parent_id', Integer, ForeignKey('t%03d.id')), " $((i - 1)))
	printf "Table('t%03d', metadata, Column('id', Integer, primary_key=True, nullable=True), %sColumn('name', Text, nullable=False), Column('qty', Integer, server_default='0'), Column('note', Text), %sCheckConstraint('qty >= 0'), Index('t%03d_name', 'name'))\n" "$i" "$extra" "$parent" "$i"
  done; } >models.py
# the models; a deep recursion limit (SQLAlchemy reflects a chain of foreign keys
# recursively: 300 tables overflow Python's default of 1000 frames); cmig's own tables are
# not the application's (include_object), as cmig leaves them out of its model
sed -i 's/^target_metadata = None/import sys; sys.path.insert(0, "."); sys.setrecursionlimit(100000); from models import metadata as target_metadata\ndef skip_cmig(obj, name, type_, reflected, compare_to): return not (type_ == "table" and name.startswith("cmig_"))/' migrations/env.py
sed -i 's/context.configure(\(.*\)$/context.configure(compare_type=True, include_object=skip_cmig, \1/' migrations/env.py
"$PY" -m alembic revision --autogenerate -m extra >"$W/alembic.out" 2>&1 || { cat "$W/alembic.out"; exit 1; }
grep -q "add_column('t001', sa.Column('extra'" migrations/versions/*.py ||
	{ echo "alembic did not find the added column"; cat migrations/versions/*.py; exit 1; }
# and nothing else: one op in upgrade()
[ "$(grep -c 'op\.' migrations/versions/*.py)" = 2 ] ||
	{ echo "alembic found more than the one change:"; sed -n '/def upgrade/,$p' migrations/versions/*.py; exit 1; }
rm -f migrations/versions/*.py
cmig_autogenerate() { (cd "$P" && "$CMIG" revision --autogenerate -m extra --rev-id zz && rm versions/zz_*.sql); }
alembic_autogenerate() { "$PY" -m alembic revision --autogenerate -m extra && rm -f migrations/versions/*.py; }
read -r c a < <(timepair cmig_autogenerate alembic_autogenerate)
echo "autogenerate ($N tables): cmig ${c}s (proof included), alembic ${a}s, ratio $(ratio "$c" "$a") (goal <= 0.1)"
