#!/bin/bash
# t481 (PostgreSQL): every bad input issue 12 lists meets a clear error, exit 1, and a target
# exactly as before (SPEC §9). Values: text that is not JSON into jsonb, 2 into boolean,
# 'abc' and 2.5 into integer, a NUL byte in text, invalid UTF-8, a timestamp that is not
# ISO-8601 — each error names table, source row, column and value. Refusals: a target that
# already has rows (and --truncate), a source table or column the target lacks, databases at
# different revisions (and --any-revision), a foreign-key cycle of non-deferrable
# constraints without ownership (and the owner's copy, which drops and re-adds them), a
# table outside the copy referencing a --truncate target, a row PostgreSQL itself rejects
# (named by its place in the source snapshot).
ALLOW_SQLITE_FILES=1 # the SQLite side of the copy
. "$(dirname "$0")/../cli/lib.sh"
[ "$CMIG_TEST_BACKEND" = postgresql ] || _die "a PostgreSQL-only test (CMIG_TEST_BACKEND=postgresql)"

G=$CMIG_SOURCE_DIR/examples/grids
CFG=(-c "$G/cmig.yaml")
sq() { sqlite3 -batch -noheader -bail "$1" "$2"; }
pg() { psql -X -At -q -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }

new_db
PG=$DB_URL
PGDB=$DB_NAME
assert_exit 0 "${CFG[@]}" --url "$PG" upgrade head

# a fresh source at head with two good grids and a good solve
N=0
fresh_src() {
	N=$((N + 1))
	SRC=$TEST_DIR/src$N.db
	run_cmig "${CFG[@]}" --url "sqlite:///$SRC" upgrade head
	sq "$SRC" "INSERT INTO public_grids VALUES (1, 'a', '[1]', '{}', '{}', 0), (2, 'b', '[2]', '{}', '{}', 1);
	           INSERT INTO solves VALUES (1, 1, '2024-01-02 03:04:05', 10);"
}
target_empty() { # WHAT
	assert_eq "$(pg "$PGDB" "SELECT (SELECT count(*) FROM public_grids) + (SELECT count(*) FROM secret_grids) + (SELECT count(*) FROM solves)")" \
		"0" "$1: the target has none of it"
}
bad_value() { # WHAT SQL EXPECTED_MESSAGE
	fresh_src
	sq "$SRC" "$2"
	assert_exit 1 "${CFG[@]}" copy --from "sqlite:///$SRC" --to "$PG"
	assert_contains "$ERR" "$3" "$1: the error names table, row, column and value"
	target_empty "$1"
}

bad_value "text that is not JSON into jsonb" \
	"INSERT INTO public_grids VALUES (3, 'c', 'abc', '{}', '{}', 0)" \
	"error: table public_grids, row rowid=3, column cells: not valid JSON: 'abc'"
bad_value "2 in a boolean column" \
	"INSERT INTO public_grids VALUES (3, 'c', '[]', '{}', '{}', 2)" \
	"table public_grids, row rowid=3, column secret: not a boolean (1/0, t/f, true/false, yes/no, on/off): 2"
bad_value "'abc' into an integer" \
	"INSERT INTO solves VALUES (2, 1, '2024-01-02 03:04:05', 'abc')" \
	"table solves, row rowid=2, column seconds: not an integer: 'abc'"
bad_value "2.5 into an integer" \
	"INSERT INTO solves VALUES (2, 1, '2024-01-02 03:04:05', 2.5)" \
	"table solves, row rowid=2, column seconds: not an integer (a fractional part): 2.5"
bad_value "a NUL byte in text" \
	"INSERT INTO public_grids VALUES (3, CAST(X'610062' AS TEXT), '[]', '{}', '{}', 0)" \
	"table public_grids, row rowid=3, column title: a NUL byte in text: 'a\\x00b'"
bad_value "invalid UTF-8" \
	"INSERT INTO public_grids VALUES (3, CAST(X'61FF62' AS TEXT), '[]', '{}', '{}', 0)" \
	"table public_grids, row rowid=3, column title: invalid UTF-8: 'a\\xffb'"
bad_value "a timestamp that is not ISO-8601" \
	"INSERT INTO solves VALUES (2, 1, '01/02/2024 10:00', 5)" \
	"table solves, row rowid=2, column solved_at: not an ISO-8601 timestamp (RFC 3339): '01/02/2024 10:00'"
long=$(printf 'x%.0s' $(seq 1 100))
bad_value "a long value is cut to 80 bytes, control characters escaped" \
	"INSERT INTO public_grids VALUES (3, 'c', 'bad' || char(10) || '$long', '{}', '{}', 0)" \
	"column cells: not valid JSON: 'bad\\n$(printf 'x%.0s' $(seq 1 76))'…"

# --- a target that already has rows -----------------------------------------------------------
fresh_src
pg "$PGDB" "INSERT INTO public_grids (id, title, cells, clues, solution) VALUES (7, 'old', '[]', '{}', '{}')"
assert_exit 1 "${CFG[@]}" copy --from "sqlite:///$SRC" --to "$PG"
assert_contains "$ERR" "target tables already have rows: public_grids" "a non-empty target is refused, named"
assert_contains "$ERR" "--truncate" "the hint names --truncate"
assert_eq "$(pg "$PGDB" "SELECT string_agg(title, ',') FROM public_grids")" "old" "the old row is untouched"
pg "$PGDB" "SELECT setval('secret_grids_id_seq', 50)" >/dev/null
assert_exit 0 "${CFG[@]}" copy --from "sqlite:///$SRC" --to "$PG" --truncate
assert_eq "$(pg "$PGDB" "SELECT string_agg(title, ',' ORDER BY id) FROM public_grids")" "a,b" \
	"--truncate: the old row is gone, the copied rows are in"
assert_eq "$(pg "$PGDB" "INSERT INTO secret_grids (title, cells, clues, solution) VALUES ('n', '[]', '{}', '{}') RETURNING id")" \
	"1" "a sequence whose table got no rows is restarted"
assert_eq "$(pg "$PGDB" "INSERT INTO public_grids (title, cells, clues, solution) VALUES ('n', '[]', '{}', '{}') RETURNING id")" \
	"3" "--truncate: the sequence follows the copied ids"
pg "$PGDB" "TRUNCATE solves, public_grids, secret_grids"

# --- a copied id beyond its sequence's bounds ---------------------------------------------------
pg "$PGDB" "ALTER SEQUENCE public_grids_id_seq MAXVALUE 100"
fresh_src
sq "$SRC" "INSERT INTO public_grids VALUES (200, 'c', '[]', '{}', '{}', 0)"
assert_exit 1 "${CFG[@]}" copy --from "sqlite:///$SRC" --to "$PG"
assert_contains "$ERR" "sequence public_grids_id_seq cannot continue after the copy: the largest value copied, 200, is outside its bounds [1, 100]" \
	"a copied value beyond the sequence's bounds is an error before commit"
target_empty "sequence bounds"
pg "$PGDB" "ALTER SEQUENCE public_grids_id_seq MAXVALUE 2147483647"

# --- a table outside the copy references a --truncate target ----------------------------------
assert_exit 1 "${CFG[@]}" copy --from "sqlite:///$SRC" --to "$PG" --tables public_grids --truncate
assert_contains "$ERR" "--truncate would empty public_grids, which table solves outside the copy references" \
	"an outside reference to a --truncate target is refused, naming it"
target_empty "outside reference"

# --- a source table or column the target lacks --------------------------------------------------
fresh_src
sq "$SRC" "CREATE TABLE extra (id INTEGER PRIMARY KEY); ALTER TABLE public_grids ADD COLUMN color TEXT"
assert_exit 1 "${CFG[@]}" copy --from "sqlite:///$SRC" --to "$PG"
assert_contains "$ERR" "table extra is missing on the target" "a missing table is named"
assert_contains "$ERR" "column public_grids.color is missing on the target" "a missing column is named"
target_empty "missing table and column"
assert_exit 0 "${CFG[@]}" copy --from "sqlite:///$SRC" --to "$PG" --exclude extra,public_grids.color
assert_eq "$(pg "$PGDB" "SELECT count(*) FROM public_grids")" "2" "--exclude T,T.COL: the rest is copied"
pg "$PGDB" "TRUNCATE solves, public_grids, secret_grids"

# --- different revisions -----------------------------------------------------------------------
fresh_src
assert_exit 0 "${CFG[@]}" --url "sqlite:///$SRC" stamp base
assert_exit 1 "${CFG[@]}" copy --from "sqlite:///$SRC" --to "$PG"
assert_contains "$ERR" "the databases are at different revisions: the source at base, the target at 0001a1b2c3d4" \
	"different revisions are refused, naming both"
target_empty "different revisions"
assert_exit 0 "${CFG[@]}" copy --from "sqlite:///$SRC" --to "$PG" --any-revision
assert_eq "$(pg "$PGDB" "SELECT count(*) FROM public_grids")" "2" "--any-revision copies anyway"
pg "$PGDB" "TRUNCATE solves, public_grids, secret_grids"
NOTCMIG=$TEST_DIR/plain.db
sq "$NOTCMIG" "CREATE TABLE public_grids (id INTEGER PRIMARY KEY)"
assert_exit 1 "${CFG[@]}" copy --from "sqlite:///$NOTCMIG" --to "$PG"
assert_contains "$ERR" "is not a cmig database" "a database without the version table is refused"

# --- a foreign-key cycle -----------------------------------------------------------------------
P=$TEST_DIR/cycle
mkdir -p "$P/versions"
printf 'database_url: sqlite:///cycle.db\n' >"$P/cmig.yaml"
ROLE=copier_$$
cat >"$P/versions/c1_cycle.sql" <<SQL
-- revision: c1
-- down_revision: none

-- migrate:up dialect:sqlite
CREATE TABLE a (id INTEGER PRIMARY KEY, b_id INTEGER REFERENCES b (id), v INTEGER);
CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER REFERENCES a (id));

-- migrate:up dialect:postgresql
CREATE TABLE a (id integer PRIMARY KEY, b_id integer, v integer CHECK (v >= 0));
CREATE TABLE b (id integer PRIMARY KEY, a_id integer CONSTRAINT b_a_fk REFERENCES a (id));
ALTER TABLE a ADD CONSTRAINT a_b_fk FOREIGN KEY (b_id) REFERENCES b (id);
GRANT SELECT, INSERT, TRUNCATE ON a, b TO $ROLE;

-- migrate:down
DROP TABLE b, a;
SQL
psql -X -q -d postgres -c "CREATE ROLE $ROLE LOGIN" || _die "cannot create role $ROLE"
new_db
CYC=$DB_NAME
# the role goes before lib.sh's cleanup drops the databases (its grants live in $CYC)
_role_cleanup() {
	psql -X -q -d "$CYC" -c "DROP OWNED BY $ROLE" >/dev/null 2>&1
	psql -X -q -d postgres -c "DROP ROLE IF EXISTS $ROLE" >/dev/null 2>&1
}
trap '_rc=$?; _role_cleanup; (exit $_rc); _cleanup' EXIT
CYCURL=$DB_URL
assert_exit 0 -c "$P/cmig.yaml" --url "$CYCURL" upgrade head
pg "$CYC" "GRANT SELECT ON cmig_version, cmig_history TO $ROLE"
CSRC=$TEST_DIR/cycle.db
assert_exit 0 -c "$P/cmig.yaml" --url "sqlite:///$CSRC" upgrade head
sq "$CSRC" "PRAGMA foreign_keys = OFF; INSERT INTO a VALUES (1, 1, 5); INSERT INTO b VALUES (1, 1);"
assert_exit 1 -c "$P/cmig.yaml" copy --from "sqlite:///$CSRC" --to "$CYCURL&user=$ROLE"
assert_match "$ERR" "foreign keys form a cycle \\((a → b|b → a) → [ab]\\)" "a cycle without ownership is refused, naming it"
assert_contains "$ERR" "is not deferrable" "… saying why"
assert_eq "$(pg "$CYC" "SELECT (SELECT count(*) FROM a) + (SELECT count(*) FROM b)")" "0" "cycle: the target has none of it"
# the owner may drop and re-add the foreign keys: validated over every row, same definitions
before=$(pg "$CYC" "SELECT string_agg(conname || ' ' || pg_get_constraintdef(oid), '; ' ORDER BY conname) FROM pg_constraint WHERE contype = 'f'")
assert_exit 0 -c "$P/cmig.yaml" copy --from "sqlite:///$CSRC" --to "$CYCURL"
assert_eq "$(pg "$CYC" "SELECT (SELECT count(*) FROM a) + (SELECT count(*) FROM b)")" "2" "cycle as owner: copied"
assert_eq "$(pg "$CYC" "SELECT string_agg(conname || ' ' || pg_get_constraintdef(oid), '; ' ORDER BY conname) FROM pg_constraint WHERE contype = 'f'")" \
	"$before" "cycle as owner: the foreign keys are back, same names and definitions"
# a cycle whose keys are deferrable needs no ownership
pg "$CYC" "TRUNCATE a, b; ALTER TABLE a ALTER CONSTRAINT a_b_fk DEFERRABLE; ALTER TABLE b ALTER CONSTRAINT b_a_fk DEFERRABLE"
assert_exit 0 -c "$P/cmig.yaml" copy --from "sqlite:///$CSRC" --to "$CYCURL&user=$ROLE"
assert_eq "$(pg "$CYC" "SELECT (SELECT count(*) FROM a) + (SELECT count(*) FROM b)")" "2" "deferrable cycle as non-owner: copied"

# --- a row PostgreSQL rejects: named by its place in the source snapshot -----------------------
pg "$CYC" "TRUNCATE a, b"
sq "$CSRC" "INSERT INTO a VALUES (2, NULL, 3), (3, NULL, -1), (4, NULL, 2)"
assert_exit 1 -c "$P/cmig.yaml" copy --from "sqlite:///$CSRC" --to "$CYCURL"
assert_contains "$ERR" "table a, row rowid=3: 23514: new row for relation \"a\" violates check constraint \"a_v_check\"" \
	"the server's rejection names the source row"
assert_eq "$(pg "$CYC" "SELECT (SELECT count(*) FROM a) + (SELECT count(*) FROM b)")" "0" "rejected row: the target has none of it"

finish
