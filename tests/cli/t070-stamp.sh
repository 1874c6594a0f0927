#!/bin/bash
# t070-stamp: `cmig stamp TARGET` sets the version without running SQL (SPEC §5), writes one
# history row (revision, `stamp`, empty checksum; `base` for base) (SPEC §7), and status shows
# "<rev> stamped <applied_at>" for the revisions a stamp covered without running them.
. "$(dirname "$0")/lib.sh"
new_db
new_project
chain a1 b2 c3 d4
TS='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}'

assert_exit 2 stamp
assert_exit 0 stamp b2
assert_backend_db
assert_db_version b2
assert_no_match "$ERR" '^Running upgrade' "stamp runs no migration"
for t in t_a1 t_b2; do assert_false "stamp ran no SQL ($t absent)" db_has_table $t; done
assert_eq "b2|stamp|" "$(db_query "SELECT revision, direction, checksum FROM cmig_history ORDER BY id")" "one history row: b2, stamp, empty checksum"

assert_exit 0 status
assert_match "$(printf '%s\n' "$OUT" | sed -n 1p)" "^a1 stamped $TS.*\$" "a1 covered by the stamp"
assert_match "$(printf '%s\n' "$OUT" | sed -n 2p)" "^b2 stamped $TS.*\$" "b2 stamped"
assert_eq "c3 pending" "$(printf '%s\n' "$OUT" | sed -n 3p)" "c3 pending"
assert_eq "current: b2" "$(printf '%s\n' "$OUT" | tail -n 1)" "current: b2"

# upgrade continues from the stamp: only c3 and d4 run
assert_exit 0 upgrade
assert_eq "$(printf 'Running upgrade b2 -> c3, add c3\nRunning upgrade c3 -> d4, add d4')" "$(printf '%s\n' "$ERR" | grep '^Running ')" "upgrade after stamp"
assert_true "t_c3 created" db_has_table t_c3
assert_false "t_a1 still absent" db_has_table t_a1
assert_exit 0 status
assert_match "$(printf '%s\n' "$OUT" | sed -n 3p)" "^c3 applied $TS" "c3 applied"
assert_no_match "$(printf '%s\n' "$OUT" | sed -n 3p)" 'stamped' "c3 ran: not stamped"
assert_exit 0 check
assert_no_match "$ERR" 'db-skipped' "a stamp marks its ancestors applied (no db-skipped)"

# stamp backwards and to base; stamp head
assert_exit 0 stamp a1
assert_db_version a1
assert_true "stamp backwards drops nothing" db_has_table t_c3
assert_exit 0 stamp base
assert_db_version ""
assert_eq 0 "$(db_query "SELECT count(*) FROM cmig_version")" "stamp base empties the version table"
assert_eq "base|stamp|" "$(db_query "SELECT revision, direction, checksum FROM cmig_history ORDER BY id DESC LIMIT 1")" "stamp base history row"
assert_exit 0 current
assert_eq base "$OUT" "current after stamp base"
assert_exit 0 stamp head
assert_db_version d4
assert_exit 0 current
assert_eq "d4 (head)" "$OUT" "current after stamp head"
assert_exit 0 upgrade --check
assert_eq "" "$OUT" "nothing pending after stamp head"

# errors change nothing
before=$(db_state)
assert_exit 1 stamp nosuch
assert_eq "$before" "$(db_state)" "stamp unknown: unchanged"

# stamp on a fresh database creates the tables
new_db
cd "$PROJ"
assert_exit 0 --url "$DB_URL" stamp c3
assert_backend_db
assert_db_version c3
assert_eq 1 "$(db_history_count stamp)" "one stamp row"
