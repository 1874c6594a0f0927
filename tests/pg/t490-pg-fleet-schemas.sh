#!/bin/bash
# t490 (PostgreSQL): SPEC §11's schema=NAME over 20 tenant schemas of one database: cmig's
# tables in each schema, each migration with search_path = that schema alone (so unqualified
# names land there), a missing schema created by upgrade and read as base by readers, one
# tenant whose migration fails (the others go on with --on-error continue and it stays at
# its revision), pgbouncer=true (SET search_path), the JSON report, and one schema listed
# twice refused.
. "$(dirname "$0")/../cli/lib.sh"
[ "$CMIG_TEST_BACKEND" = postgresql ] || _die "a PostgreSQL-only test (CMIG_TEST_BACKEND=postgresql)"

new_db
new_project "$TEST_DIR/p"
printf "database_url: 'sqlite:///never.db'\n" >cmig.yaml
write_rev r1 "" "CREATE TABLE accounts (id INTEGER PRIMARY KEY);" "DROP TABLE accounts;"
write_rev r2 r1 "CREATE TABLE invoices (id INTEGER PRIMARY KEY, account INTEGER REFERENCES accounts);" "DROP TABLE invoices;"
write_rev r3 r2 "INSERT INTO accounts VALUES (1); INSERT INTO invoices VALUES (1, 1);" "DELETE FROM invoices; DELETE FROM accounts;"

base="postgresql:///$DB_NAME?host=$PGHOST&port=$PGPORT"
: >"$TEST_DIR/tenants.txt"
for i in $(seq -w 1 20); do printf '%s&schema=tenant_%s\n' "$base" "$i" >>"$TEST_DIR/tenants.txt"; done
# tenant_07 already has an invoices table of its own: r2 fails there, and only there
db_query 'CREATE SCHEMA tenant_07; CREATE TABLE tenant_07.invoices (x TEXT)' >/dev/null

# readers: every schema at base, none created
assert_exit 0 --urls "$TEST_DIR/tenants.txt" current
assert_eq "20 databases: 20 pending, 0 unchanged, 0 failed, 0 not started" "$(tail -1 <<<"$OUT")" "current: all at base"
assert_contains "$OUT" "$base&schema=tenant_03	base	base	base, pending 3" "current names the schema"
assert_eq 1 "$(db_query "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'tenant%'")" "readers created no schema"
assert_exit 3 --urls "$TEST_DIR/tenants.txt" upgrade --check

assert_exit 1 --jobs 4 --on-error continue --urls "$TEST_DIR/tenants.txt" upgrade
assert_eq "20 databases: 19 upgraded, 0 unchanged, 1 failed, 0 not started" "$(tail -1 <<<"$OUT")" "one tenant failed"
assert_match "$OUT" "^$(sed 's/[?&.]/\\&/g' <<<"$base")&schema=tenant_07	base	r1	failed: versions/r2_x\.sql:[0-9]+: 42P07: relation \"invoices\" already exists$" "tenant_07's line: r1 applied, r2 failed"
assert_contains "$OUT" "$base&schema=tenant_12	base	r3	upgraded"
assert_contains "$ERR" "$base&schema=tenant_07: versions/r2_x.sql:" "tenant_07's diagnostics name it"
for i in $(seq -w 1 20); do
	want=r3
	[ "$i" = 07 ] && want=r1
	assert_eq "$want" "$(db_query "SELECT version_num FROM tenant_$i.cmig_version")" "tenant_$i at $want"
	[ "$want" = r3 ] && assert_eq 1 "$(db_query "SELECT count(*) FROM tenant_$i.invoices")" "tenant_$i's rows in its own tables"
done
assert_eq "accounts cmig_history cmig_version invoices" "$(db_query "SELECT string_agg(table_name, ' ' ORDER BY table_name) FROM information_schema.tables WHERE table_schema = 'tenant_07'")" "tenant_07 kept r1's table, its own, and cmig's"
assert_eq x "$(db_query "SELECT string_agg(column_name, ' ') FROM information_schema.columns WHERE table_schema = 'tenant_07' AND table_name = 'invoices'")" "tenant_07's own invoices table untouched"
assert_eq 0 "$(db_query "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")" "nothing in public"
assert_eq 1 "$(db_query "SELECT count(*) FROM tenant_07.cmig_history")" "tenant_07: one history row"

# the rest: fix tenant_07 and re-run; the others are unchanged
db_query 'DROP TABLE tenant_07.invoices' >/dev/null
assert_exit 0 --jobs 4 --format json --urls "$TEST_DIR/tenants.txt" upgrade
assert_eq '{"changed":1,"unchanged":19,"failed":0,"not_started":0}' "$(jq -c .summary <<<"$OUT")" "json summary"
assert_eq '{"before":"r1","after":"r3","result":"upgraded"}' "$(jq -c '.databases[6] | {before, after, result}' <<<"$OUT")" "json: tenant_07"

# pgbouncer=true: search_path set after connecting; downgrade and status through it
assert_exit 0 --url "$base&schema=tenant_01&pgbouncer=true" --url "$base&schema=tenant_02" downgrade r2
assert_eq "2 databases: 2 downgraded, 0 unchanged, 0 failed, 0 not started" "$(tail -1 <<<"$OUT")"
assert_eq 0 "$(db_query "SELECT count(*) FROM tenant_01.accounts")" "the down section ran in tenant_01"
assert_eq 1 "$(db_query "SELECT count(*) FROM tenant_05.accounts")" "tenant_05 untouched"
# one schema only, pgbouncer spelling: still a single database (no report)
assert_exit 0 --url "$base&schema=tenant_01&pgbouncer=true" upgrade
assert_eq "" "$OUT" "one plain --url: no report"
assert_eq r3 "$(db_query "SELECT version_num FROM tenant_01.cmig_version")"

# the same schema twice (spelt differently) is refused before anything runs
assert_exit 2 --url "$base&schema=tenant_02" --url "postgresql://$(sed 's/@.*//' <<<"${PGUSER}")@/$DB_NAME?port=$PGPORT&host=$PGHOST&schema=tenant_02" upgrade
assert_contains "$ERR" "the same database is listed twice"
assert_eq r2 "$(db_query "SELECT version_num FROM tenant_02.cmig_version")" "nothing ran"
# a quoted name, never case-folded
assert_exit 0 --url "$base&schema=Tenant%20X" --url "$base&schema=tenant_02" upgrade
assert_eq r3 "$(db_query "SELECT version_num FROM \"Tenant X\".cmig_version")" "schema=Tenant%20X is \"Tenant X\""
assert_true "its table in it" db_has_table accounts "Tenant X"
finish
