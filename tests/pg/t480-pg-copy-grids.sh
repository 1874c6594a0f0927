#!/bin/bash
# t480 (PostgreSQL): the grids site's move, end to end (issue 12, SPEC §9; examples/grids).
# A SQLite database with JSON in TEXT columns, 0/1 booleans and CURRENT_TIMESTAMP text is
# copied into the PostgreSQL schema the same migration makes (jsonb, boolean, serial ids,
# a new created_at with a default). Then:
#  - every value reads back equal (JSON compared as JSON, timestamps as instants);
#  - created_at got its default; an INSERT without an id succeeds in each table (the
#    sequences were set after the copy);
#  - the target's schema is exactly as before (indexes and foreign keys dropped for speed
#    come back with the same names and definitions);
#  - the other direction (PostgreSQL -> SQLite) and same-kind copies (SQLite -> SQLite,
#    PostgreSQL -> PostgreSQL) give the same values; so does a copy run outside a project
#    (no cmig.yaml, no versions/: only the two URLs).
ALLOW_SQLITE_FILES=1 # the SQLite side of the copy
. "$(dirname "$0")/../cli/lib.sh"
[ "$CMIG_TEST_BACKEND" = postgresql ] || _die "a PostgreSQL-only test (CMIG_TEST_BACKEND=postgresql)"
command -v jq >/dev/null || _die "jq is needed"

G=$CMIG_SOURCE_DIR/examples/grids
CFG=(-c "$G/cmig.yaml")
SRC=$TEST_DIR/grids.db
CMIG=$CMIG bash "$G/make_sqlite_db.sh" "$SRC" 200 || _die "make_sqlite_db.sh failed"

new_db
PG=$DB_URL
PGDB=$DB_NAME
assert_exit 0 "${CFG[@]}" --url "$PG" upgrade head
schema_dump() { pg_dump -s -d "$1" | grep -v '^\\\(un\)\{0,1\}restrict '; }
schema_dump "$PGDB" >"$TEST_DIR/schema.before"

# --- SQLite -> PostgreSQL -------------------------------------------------------------------
assert_exit 0 "${CFG[@]}" copy --from "sqlite:///$SRC" --to "$PG"
assert_match "$ERR" "public_grids +200 rows" "summary: public_grids and its rows"
assert_match "$ERR" "secret_grids +66 rows" "summary: secret_grids"
assert_match "$ERR" "solves +400 rows" "summary: solves"
assert_match "$ERR" "copied 666 rows in 3 tables" "summary: totals"
assert_eq "$OUT" "" "nothing on stdout"
assert_not_contains "$ERR" "copying" "not on a terminal: no progress line"

sq() { sqlite3 -batch -noheader "$1" "$2"; }
pg() { psql -X -At -q -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }

# grids as JSON objects, normalized by jq (key order, number spelling)
SQ_GRIDS="SELECT json_object('id', id, 'title', title, 'cells', json(cells), 'clues', json(clues),
  'solution', json(solution), 'secret', json(CASE secret WHEN 1 THEN 'true' ELSE 'false' END))"
PG_GRIDS="SELECT json_build_object('id', id, 'title', title, 'cells', cells, 'clues', clues,
  'solution', solution, 'secret', secret)"
SQ_SOLVES="SELECT id || '|' || grid_id || '|' || strftime('%s', solved_at) || '|' || seconds FROM solves ORDER BY id"
PG_SOLVES="SELECT id || '|' || grid_id || '|' || floor(extract(epoch FROM solved_at))::bigint || '|' || seconds FROM solves ORDER BY id"

compare_all() { # WHAT SQLITE_DB PG_DB
	local t
	for t in public_grids secret_grids; do
		sq "$2" "$SQ_GRIDS FROM $t ORDER BY id" | jq -cS . >"$TEST_DIR/a"
		pg "$3" "$PG_GRIDS FROM $t ORDER BY id" | jq -cS . >"$TEST_DIR/b"
		assert_true "$1: $t: same rows, JSON equal as JSON" cmp -s "$TEST_DIR/a" "$TEST_DIR/b"
		assert_ne "$(wc -l <"$TEST_DIR/a")" "0" "$1: $t: rows were compared"
	done
	sq "$2" "$SQ_SOLVES" >"$TEST_DIR/a"
	pg "$3" "$PG_SOLVES" >"$TEST_DIR/b"
	assert_true "$1: solves: same rows, timestamps equal as instants" cmp -s "$TEST_DIR/a" "$TEST_DIR/b"
}
compare_all "sqlite -> postgresql" "$SRC" "$PGDB"

assert_eq "$(pg "$PGDB" "SELECT count(*) FROM public_grids WHERE created_at > now() - interval '1 hour'")" \
	"200" "created_at took its default (now())"
assert_eq "$(pg "$PGDB" "SELECT pg_typeof(cells)::text || ' ' || jsonb_typeof(cells) FROM public_grids LIMIT 1")" \
	"jsonb array" "JSON text became jsonb"

# the sequences: the next id follows the largest one copied
assert_eq "$(pg "$PGDB" "INSERT INTO public_grids (title, cells, clues, solution) VALUES ('n', '[]', '{}', '{}') RETURNING id")" \
	"201" "public_grids: INSERT without an id gets 201"
assert_eq "$(pg "$PGDB" "INSERT INTO secret_grids (title, cells, clues, solution) VALUES ('n', '[]', '{}', '{}') RETURNING id")" \
	"1067" "secret_grids: INSERT without an id gets max(id)+1"
assert_eq "$(pg "$PGDB" "INSERT INTO solves (grid_id, seconds) VALUES (1, 5) RETURNING id")" \
	"401" "solves: INSERT without an id gets 401"

# the schema is exactly as before (the indexes and foreign keys dropped for speed are back)
schema_dump "$PGDB" >"$TEST_DIR/schema.after"
assert_true "target schema unchanged by the copy" diff "$TEST_DIR/schema.before" "$TEST_DIR/schema.after"
assert_eq "$(pg "$PGDB" "SELECT count(*) FROM pg_constraint WHERE conname = 'solves_grid_id_fkey' AND convalidated")" \
	"1" "the foreign key is back, validated"

# --- PostgreSQL -> SQLite (a local copy of production) --------------------------------------
BACK=$TEST_DIR/back.db
assert_exit 0 "${CFG[@]}" --url "sqlite:///$BACK" upgrade head
assert_exit 1 "${CFG[@]}" copy --from "$PG" --to "sqlite:///$BACK"
assert_contains "$ERR" "column public_grids.created_at is missing on the target" "a source column the target lacks is named"
assert_eq "$(sq "$BACK" "SELECT count(*) FROM public_grids")" "0" "refused: nothing copied"
assert_exit 0 "${CFG[@]}" copy --from "$PG" --to "sqlite:///$BACK" --exclude public_grids.created_at,secret_grids.created_at
assert_match "$ERR" "public_grids +201 rows" "summary: the row inserted above came along"
compare_all "postgresql -> sqlite" "$BACK" "$PGDB"
assert_eq "$(sq "$BACK" "SELECT DISTINCT typeof(secret) FROM public_grids")" "integer" "booleans stored as 0/1"
assert_eq "$(sq "$BACK" "SELECT solved_at FROM solves WHERE id = 1")" "2023-11-14T23:13:21+00:00" \
	"timestamps stored as RFC 3339 text with offset"
assert_eq "$(sq "$BACK" "PRAGMA foreign_key_check")" "" "foreign keys hold"

# --- on a terminal: a progress line per table with rows and rows per second ---------------------
new_db
assert_exit 0 "${CFG[@]}" --url "$DB_URL" upgrade head
script -qec "$(printf '%q ' "$CMIG" "${CFG[@]}" copy --from "sqlite:///$SRC" --to "$DB_URL")" /dev/null \
	>"$TEST_DIR/tty.out" 2>&1
assert_match "$(tr '\r' '\n' <"$TEST_DIR/tty.out")" "copying public_grids: 200 rows, [0-9]+ rows/s" \
	"on a terminal: the progress line shows rows and rows per second"

# --- same kind --------------------------------------------------------------------------------
COPY2=$TEST_DIR/copy2.db
assert_exit 0 "${CFG[@]}" --url "sqlite:///$COPY2" upgrade head
assert_exit 0 "${CFG[@]}" copy --from "sqlite:///$BACK" --to "sqlite:///$COPY2"
compare_all "sqlite -> sqlite" "$COPY2" "$PGDB"
# outside a project (no cmig.yaml, no versions/): copy never reads the chain, only the two
# databases' version rows, so the two URLs are enough
COPY3=$TEST_DIR/copy3.db
assert_exit 0 "${CFG[@]}" --url "sqlite:///$COPY3" upgrade head
mkdir "$TEST_DIR/outside" && cd "$TEST_DIR/outside" || _die "cd outside"
assert_exit 0 copy --from "sqlite:///$BACK" --to "sqlite:///$COPY3"
compare_all "outside a project: sqlite -> sqlite" "$COPY3" "$PGDB"
assert_eq "" "$(ls)" "outside a project: copy created nothing in the current directory"
assert_exit 1 --url "sqlite:///$COPY3" upgrade
assert_contains "$ERR" "versions directory does not exist" "... where upgrade still refuses"
cd "$TEST_DIR" || _die "cd"
new_db
PG2=$DB_NAME
assert_exit 0 "${CFG[@]}" --url "$DB_URL" upgrade head
assert_exit 0 "${CFG[@]}" copy --from "$PG" --to "$DB_URL"
compare_all "postgresql -> postgresql" "$BACK" "$PG2"
assert_eq "$(pg "$PG2" "SELECT count(*) FROM public_grids a JOIN (SELECT 1) x ON true WHERE created_at IS NOT NULL")" \
	"201" "postgresql -> postgresql: created_at copied"
assert_eq "$(pg "$PG2" "INSERT INTO solves (grid_id, seconds) VALUES (1, 5) RETURNING id")" \
	"402" "postgresql -> postgresql: the sequence follows the copied ids"

finish
