#!/bin/bash
# t420 (PostgreSQL): the splitter and the pipeline on PostgreSQL-only syntax (SPEC §2):
# dollar-quoted bodies ($$…$$, $tag$…$tag$ holding $$), E'' strings, quoted identifiers,
# nested /* */ and -- comments, each holding ';' — every statement arrives whole (extended
# protocol runs exactly one statement per query, so a bad split would fail loudly). And
# `transaction:false` for CREATE INDEX CONCURRENTLY, which PostgreSQL refuses inside a
# transaction: it works there, fails in a transactional section, and a failure part-way lists
# the lines that already ran; a re-run of an idempotent section completes it.
. "$(dirname "$0")/../cli/lib.sh"
[ "$CMIG_TEST_BACKEND" = postgresql ] || _die "a PostgreSQL-only test (CMIG_TEST_BACKEND=postgresql)"

new_db
new_project
cat >versions/a1_x.sql <<'SQL'
-- revision: a1
-- down_revision:
-- message: quoting

-- migrate:up
CREATE TABLE "semi;colon" (id INTEGER PRIMARY KEY, "v;al" TEXT);
/* a /* nested ; */ comment ; */
-- a line comment; with a semicolon
CREATE FUNCTION add_one(x INTEGER) RETURNS INTEGER LANGUAGE plpgsql AS $$
DECLARE
  y INTEGER;
BEGIN
  y := x + 1;   -- ; inside the body
  IF y > 100 THEN
    RAISE NOTICE 'big; really';
  END IF;
  RETURN y;
END;
$$;
CREATE FUNCTION tagged() RETURNS TEXT LANGUAGE plpgsql AS $fn$
BEGIN
  RETURN $$a;b$$ || E'\';\'' || 'c;d';
END
$fn$;
INSERT INTO "semi;colon" (id, "v;al") VALUES (1, E'it\'s; fine'), (2, tagged());
CREATE FUNCTION atomic_fn(x INTEGER) RETURNS INTEGER LANGUAGE sql
BEGIN ATOMIC
  SELECT x * 2;
END;

-- migrate:down
DROP FUNCTION atomic_fn(INTEGER);
DROP FUNCTION tagged();
DROP FUNCTION add_one(INTEGER);
DROP TABLE "semi;colon";
SQL
assert_exit 0 upgrade head
assert_backend_db
assert_eq 42 "$(db_query 'SELECT add_one(41)')" "the \$\$ function body arrived whole"
assert_eq "a;b';'c;d" "$(db_query 'SELECT tagged()')" "the \$fn\$ body holding \$\$ arrived whole"
assert_eq "1|it's; fine
2|a;b';'c;d" "$(db_query 'SELECT id, "v;al" FROM "semi;colon" ORDER BY id')" "E'' strings and quoted identifiers"
assert_eq 14 "$(db_query 'SELECT atomic_fn(7)')" "BEGIN ATOMIC … END stays one statement"
assert_exit 0 downgrade base
assert_false "downgrade removed the table" db_has_table "semi;colon"

# b2 : versions/b2_x.sql, the headers (lines 1-4) of "concurrent indexes" after a1, then stdin
b2() {
	{
		printf -- '-- revision: b2\n-- down_revision: a1\n-- message: concurrent indexes\n\n'
		cat
	} >versions/b2_x.sql
}

# CREATE INDEX CONCURRENTLY: in a transaction:false section it works …
new_db
new_project "$TEST_DIR/conc"
write_rev a1 "" "CREATE TABLE big (id INTEGER PRIMARY KEY, v INTEGER, w INTEGER);
INSERT INTO big SELECT g, g % 7, g % 11 FROM generate_series(1, 1000) g;"
b2 <<'SQL'
-- migrate:up transaction:false
CREATE INDEX CONCURRENTLY IF NOT EXISTS big_v ON big (v);
CREATE INDEX CONCURRENTLY IF NOT EXISTS big_w ON big (w);

-- migrate:down transaction:false
DROP INDEX CONCURRENTLY IF EXISTS big_w;
DROP INDEX CONCURRENTLY IF EXISTS big_v;
SQL
assert_exit 0 upgrade head
assert_db_version b2 "transaction:false section applied"
assert_eq "big_v|t
big_w|t" "$(db_query "SELECT c.relname, i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname IN ('big_v', 'big_w') ORDER BY 1")" "both indexes built and valid"
assert_eq "a1|up
b2|up" "$(db_query 'SELECT revision, direction FROM cmig_history ORDER BY id')" "history rows written after the section"
assert_exit 0 downgrade a1
assert_eq 0 "$(db_query "SELECT count(*) FROM pg_class WHERE relname IN ('big_v', 'big_w')")" "down transaction:false dropped them"

# … in a transactional section it is a parse error (SPEC §2), found before anything runs
b2 <<'SQL'
-- migrate:up
CREATE TABLE before_idx (id INTEGER);
CREATE INDEX CONCURRENTLY big_v ON big (v);
SQL
assert_exit 1 upgrade head
assert_match "$ERR" '^versions/b2_x\.sql:7: error: CREATE INDEX CONCURRENTLY cannot run inside a transaction' "names the statement's line"
assert_contains "$ERR" "transaction:false" "names transaction:false"
assert_db_version a1 "still at a1"
assert_false "nothing of b2" db_has_table before_idx
# a statement PostgreSQL refuses inside a transaction block that the list does not name
# reaches the server: its message, SQLSTATE 25001, and the hint naming transaction:false
b2 <<'SQL'
-- migrate:up
CREATE TABLE before_idx (id INTEGER);
DISCARD ALL;
SQL
assert_exit 1 upgrade head
assert_match "$ERR" '^versions/b2_x\.sql:7(:[0-9]+)?: error: .*25001' "names the statement, SQLSTATE 25001"
assert_contains "$ERR" "cannot run inside a transaction block" "the server's message"
assert_match "$ERR" "hint: .*transaction:false" "the hint names transaction:false"
assert_db_version a1 "still at a1"
assert_false "nothing of b2" db_has_table before_idx

# a failure part-way through a transaction:false section: lines that ran are listed, the
# version stays, a re-run of the (idempotent) fixed section completes it
b2 <<'SQL'
-- migrate:up transaction:false
CREATE INDEX CONCURRENTLY IF NOT EXISTS big_v ON big (v);
CREATE INDEX CONCURRENTLY IF NOT EXISTS big_w
  ON big (w);
CREATE INDEX CONCURRENTLY IF NOT EXISTS big_x ON big (no_such_column);
CREATE INDEX CONCURRENTLY IF NOT EXISTS big_y ON big (v, w);
SQL
assert_exit 1 upgrade head
assert_match "$ERR" '^versions/b2_x\.sql:9(:[0-9]+)?: error: .*42703' "names the failing statement"
assert_match "$ERR" 'already ran.*lines 6, 7' "lists the lines of the statements that already ran"
assert_db_version a1 "the version stays at the previous revision"
assert_eq 2 "$(db_query "SELECT count(*) FROM pg_class WHERE relname IN ('big_v', 'big_w')")" "the statements before it stay (no transaction)"
assert_eq 0 "$(db_query "SELECT count(*) FROM pg_class WHERE relname = 'big_y'")" "the statements after it did not run"
sed -i 's/no_such_column/v/' versions/b2_x.sql
assert_exit 0 upgrade head
assert_db_version b2 "re-run of the whole section completes it"
assert_eq 4 "$(db_query "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname LIKE 'big\_%' AND NOT i.indisprimary AND i.indisvalid")" "all four indexes valid"
assert_eq "b2|up
b2|down
b2|up" "$(db_query "SELECT revision, direction FROM cmig_history WHERE revision = 'b2' ORDER BY id")" "the failed runs left no history row for b2"

finish
