#!/bin/bash
# t250: the bundled example project (cmig.yaml + versions/ at the repository root, copied into
# a temporary directory) makes the CI round trip of docs/ci.md on both backends: upgrade head,
# downgrade base, upgrade head — the schema after the second upgrade is identical to the first
# (SQLite: `sqlite3 DB .schema`; PostgreSQL: `pg_dump --schema-only`), and check is clean with
# the database after each upgrade (no drift, nothing skipped).
. "$(dirname "$0")/lib.sh"
[ -f "$CMIG_SOURCE_DIR/cmig.yaml" ] && [ -d "$CMIG_SOURCE_DIR/versions" ] ||
	_die "the bundled example (cmig.yaml, versions/) is missing from $CMIG_SOURCE_DIR"
mkdir -p "$TEST_DIR/example"
cp "$CMIG_SOURCE_DIR/cmig.yaml" "$TEST_DIR/example/"
cp -r "$CMIG_SOURCE_DIR/versions" "$TEST_DIR/example/"
cd "$TEST_DIR/example" || _die cd
new_db
URLOPT=(--url "$DB_URL")

dump_schema() {
	case $CMIG_TEST_BACKEND in
	sqlite) sqlite3 -batch "$DB_FILE" .schema ;;
	postgresql)
		command -v pg_dump >/dev/null || { echo "pg_dump missing"; return 1; }
		# (recent pg_dump brackets its output with \restrict/\unrestrict and a random key)
		pg_dump --schema-only --no-owner --no-privileges -d "$DB_NAME" | grep -Ev '^\\(un)?restrict '
		;;
	esac
}

assert_exit 0 "${URLOPT[@]}" check
assert_exit 0 heads
HEAD=${OUT%% *}
assert_match "$HEAD" '^[A-Za-z0-9_]{1,64}$' "the example has one head"
N=$(ls versions/*.sql | wc -l)

# first upgrade
assert_exit 0 "${URLOPT[@]}" upgrade head
assert_db_version "$HEAD" "first upgrade reaches the head"
assert_eq "$N" "$(printf '%s\n' "$ERR" | grep -c '^Running upgrade ')" "first upgrade ran every revision"
S1=$(dump_schema)
D1=$(db_schema)
assert_ne "" "$S1" "schema dump after the first upgrade"
assert_exit 0 "${URLOPT[@]}" check
assert_eq "0 errors, 0 warnings" "$(printf '%s\n' "$ERR" | tail -n 1)" "check with the database after the first upgrade"

# downgrade base: every example table gone, the version row empty
assert_exit 0 "${URLOPT[@]}" downgrade base
assert_db_version "" "downgrade base empties the version row"
assert_eq "$N" "$(printf '%s\n' "$ERR" | grep -c '^Running downgrade ')" "downgrade ran every revision"
assert_eq "" "$(db_tables | grep -v '^cmig_' || true)" "downgrade base leaves only cmig's tables"
assert_exit 0 "${URLOPT[@]}" check

# second upgrade: the same schema, byte for byte
assert_exit 0 "${URLOPT[@]}" upgrade head
assert_db_version "$HEAD" "second upgrade reaches the head"
S2=$(dump_schema)
assert_eq "$S1" "$S2" "the schema after the second upgrade is identical to the first ($([ "$CMIG_TEST_BACKEND" = sqlite ] && echo .schema || echo pg_dump))"
assert_eq "$D1" "$(db_schema)" "normalized schema identical too"
assert_exit 0 "${URLOPT[@]}" check --strict
assert_eq "0 errors, 0 warnings" "$(printf '%s\n' "$ERR" | tail -n 1)" "check --strict after the round trip"
assert_eq "$((2 * N))" "$(db_history_count up)" "history: every revision up twice"
assert_eq "$N" "$(db_history_count down)" "history: every revision down once"
# the files are untouched by the round trip
assert_eq "" "$(diff -r "$CMIG_SOURCE_DIR/versions" versions)" "versions/ unchanged"
finish
