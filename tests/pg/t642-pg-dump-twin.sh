#!/bin/bash
# t642 (PostgreSQL): the schema reader's twin connection (src/backend/postgresql_twin.c). On a
# schema large enough for the twin to be used, the reader splits its catalog queries over two
# connections that share one snapshot. Shown here:
#   - one snapshot: while another session creates and drops tables in a loop (each table made
#     with its index in one transaction, dropped in one), every `cmig dump` shows each such
#     table with its index or neither (tables are read on one connection, indexes on the
#     other: without the shared snapshot a table dropped in between shows without its index;
#     the check fails 3 runs in 3 with the twin's SET TRANSACTION SNAPSHOT taken out). The
#     churned tables need no server deparser (plain columns, a plain index), so a dump never
#     has to be refused for a definition the server no longer has;
#   - the twin is given up and the first connection does all the work, same bytes, when the
#     role may hold one connection only (CONNECTION LIMIT 1) and through pgbouncer=true; with
#     a list of hosts, the twin connects to the one the first connection reached;
#   - the twin leaves no session behind.
. "$(dirname "$0")/../cli/lib.sh"
[ "$CMIG_TEST_BACKEND" = postgresql ] || _die "a PostgreSQL-only test (CMIG_TEST_BACKEND=postgresql)"

new_db
new_project "$TEST_DIR/p1"
# 150 tables, each with a CHECK, an index and (but the first) a foreign key: the first
# connection's half takes long enough that the twin is ready before it ends
db_query "DO \$\$ BEGIN FOR i IN 1..150 LOOP
  EXECUTE format('CREATE TABLE t%s (id integer PRIMARY KEY, name text NOT NULL, qty integer DEFAULT 0 CHECK (qty >= 0)%s)',
                 i, CASE WHEN i > 1 THEN format(', parent_id integer REFERENCES t%s (id)', i - 1) ELSE '' END);
  EXECUTE format('CREATE INDEX t%s_name ON t%s (name)', i, i);
END LOOP; END \$\$" >/dev/null || _die "cannot create the schema"

assert_exit 0 dump
base=$OUT
assert_contains "$base" "CREATE TABLE t150 (" "the dump holds the last table"
assert_contains "$base" "CREATE INDEX t150_name ON public.t150 USING btree (name);" "… its index"
assert_contains "$base" "CONSTRAINT t150_qty_check CHECK ((qty >= 0))" "… its CHECK"

# ---- one snapshot under concurrent DDL --------------------------------------------------------
# the churn runs in one session (a DO block may COMMIT) until the table stop_churn appears: a
# new table every few milliseconds, the one before it dropped, so that most dumps would see a
# change between the snapshot of the first connection and one the twin took itself
psql -X -q -d "$DB_NAME" -c "DO \$\$ BEGIN FOR k IN 1..1000000 LOOP
  EXIT WHEN to_regclass('stop_churn') IS NOT NULL;
  EXECUTE format('CREATE TABLE churn%s (id integer, v integer)', k);
  EXECUTE format('CREATE INDEX churn%s_v ON churn%s (v)', k, k);
  COMMIT;
  EXECUTE format('DROP TABLE IF EXISTS churn%s', k - 1);
  COMMIT;
  PERFORM pg_sleep(0.002);
END LOOP; END \$\$" >/dev/null 2>&1 &
churner=$!
# A dump may also refuse: the server's deparsers read the catalogs as they are now, not as of
# the snapshot, and a table dropped in between is named in the refusal (cmig retries first)
bad=0 seen=0 refused=0
for i in $(seq 80); do
	if ! out=$("$CMIG" --url "$DB_URL" dump 2>&1); then
		case $out in
		*"was the schema changed meanwhile?"*) refused=$((refused + 1)) ;;
		*) bad=$((bad + 1)); printf 'dump %d failed: %s\n' "$i" "$out" >&2 ;;
		esac
		continue
	fi
	tables=$(printf '%s\n' "$out" | grep -c '^CREATE TABLE churn[0-9]* (')
	indexes=$(printf '%s\n' "$out" | grep -c '^CREATE INDEX churn[0-9]*_v ON')
	seen=$((seen + tables))
	if [ "$tables" != "$indexes" ]; then
		bad=$((bad + 1))
		printf 'dump %d: %s churn tables, %s indexes\n' "$i" "$tables" "$indexes" >&2
	fi
done
db_query "CREATE TABLE stop_churn ()" >/dev/null
wait "$churner"
db_query "DROP TABLE stop_churn" >/dev/null
assert_eq 0 "$bad" "80 dumps under concurrent CREATE/DROP TABLE: each table with its index, or neither"
assert_true "the dumps saw churned tables ($seen)" [ "$seen" -gt 0 ]
assert_true "most dumps succeeded ($refused of 80 refused)" [ "$refused" -le 20 ]
[ -n "${VERBOSE:-}" ] && printf 'churn tables seen %s, dumps refused %s\n' "$seen" "$refused" >&2
db_query "DO \$\$ DECLARE r record; BEGIN FOR r IN SELECT relname FROM pg_class WHERE relname ~ '^churn[0-9]+\$' AND relkind = 'r' LOOP EXECUTE format('DROP TABLE %I', r.relname); END LOOP; END \$\$" >/dev/null

# ---- the twin given up: same bytes from one connection ------------------------------------
role=cmig_t642_$$
psql -X -q -d postgres -c "DROP ROLE IF EXISTS $role" -c "CREATE ROLE $role LOGIN CONNECTION LIMIT 1" \
	-c "GRANT ALL ON DATABASE \"$DB_NAME\" TO $role" >/dev/null || _die "cannot create role $role"
one_url="postgresql:///$DB_NAME?host=$PGHOST&port=$PGPORT&user=$role"
assert_exit 0 --url "$one_url" dump
assert_eq "$(printf '%s\n' "$base" | tail -n +2)" "$(printf '%s\n' "$OUT" | tail -n +2)" \
	"a role limited to one connection: the twin cannot connect, same dump"
assert_eq "" "$ERR" "… and nothing said about it"
assert_exit 0 --url "$DB_URL&pgbouncer=true" dump
assert_eq "$(printf '%s\n' "$base" | tail -n +2)" "$(printf '%s\n' "$OUT" | tail -n +2)" \
	"pgbouncer=true (no twin): same dump"

# a host list: the twin goes to the server the first connection reached, not down the list
assert_exit 0 --url "postgresql:///$DB_NAME?host=$TEST_DIR/nowhere,$PGHOST&port=1,$PGPORT" dump
assert_eq "$(printf '%s\n' "$base" | tail -n +2)" "$(printf '%s\n' "$OUT" | tail -n +2)" \
	"a list of hosts, the first one down: same dump"

# ---- nothing left behind ------------------------------------------------------------------
left=""
for _ in $(seq 50); do
	left=$(db_query "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
	[ "$left" = 0 ] && break
	sleep 0.1
done
assert_eq 0 "$left" "no session of cmig's left on the database after the dumps"
psql -X -q -d postgres -c "REVOKE ALL ON DATABASE \"$DB_NAME\" FROM $role" -c "DROP ROLE $role" >/dev/null

finish
