#!/bin/bash
# t260: db-reordered (SPEC §4, §7; issue 10), the mirror of db-skipped. A developer's database
# applied a1 then b1; the repo was then linearized the other way (b1 before a1). The history,
# read in id order with stamps counted, says a1 (after the current revision b1) is applied:
# `check` reports db-reordered (text and JSON) with a hint naming the `cmig stamp`, `status`
# shows a1 pending and reports the problem on stderr (exit 0), `upgrade` and `upgrade
# --check` refuse before changing anything. After the stamp the hint names, all is clean. A
# stamp back to an older revision un-applies what follows it: no db-reordered then.
. "$(dirname "$0")/lib.sh"

# json_codes: severity code path line of each JSON diagnostic (json_diags, summary: lib.sh)
json_codes() { json_diags | cut -f1-4 | tr '\t' ' '; }
set_down() { sed -i "2s/.*/-- down_revision: $2/" "versions/$1_x.sql"; }

new_db
new_project "$TEST_DIR/reordered"
chain r0 a1 b1
assert_exit 0 upgrade head
# the team linearized the other way: r0 -> b1 -> a1, and added c2 on top
set_down b1 r0
set_down a1 b1
write_rev c2 a1
START=$(db_state)

assert_exit 1 check
assert_eq "1 error, 0 warnings" "$(summary)" "check: one error"
assert_match "$ERR" '^versions/a1_x\.sql:1: error: db-reordered: revision a1 comes after the current revision b1 but the history says it is applied' "check: the db-reordered line"
assert_match "$ERR" "hint: .*'cmig stamp a1'" "check: the hint names the stamp"
assert_exit 1 check --format json
assert_eq "error db-reordered versions/a1_x.sql 1" "$(json_codes)" "check --format json: the db-reordered entry"

assert_exit 0 status
assert_eq "r0 applied $(db_query "SELECT applied_at FROM cmig_history WHERE revision = 'r0'")" "$(printf '%s\n' "$OUT" | sed -n 1p)" "status: r0 applied"
assert_eq "a1 pending" "$(printf '%s\n' "$OUT" | sed -n 3p)" "status: a1 (after the current) pending"
assert_match "$ERR" 'error: db-reordered: revision a1' "status: the problem on stderr"

assert_exit 1 upgrade
assert_match "$ERR" 'db-reordered: revision a1' "upgrade refuses db-reordered"
assert_no_match "$ERR" '^Running upgrade' "upgrade ran nothing"
assert_eq "$START" "$(db_state)" "upgrade refused: database untouched"
assert_false "upgrade refused: c2 not applied" db_has_table t_c2
assert_exit 1 upgrade --check
assert_match "$ERR" 'db-reordered' "upgrade --check: refused too"
assert_eq "$START" "$(db_state)" "upgrade --check: database untouched"

# the stamp the hint names records what the database holds; then all is well
assert_exit 0 stamp a1
assert_exit 0 check
assert_eq "0 errors, 0 warnings" "$(summary)" "after the stamp: check clean"
assert_exit 0 upgrade
assert_true "after the stamp: c2 applied" db_has_table t_c2

# stamps counted: a stamp back to an older revision un-applies what follows it
new_db
new_project "$TEST_DIR/stamped-back"
chain r0 a1 b1
assert_exit 0 upgrade head
assert_exit 0 stamp r0
assert_exit 0 check
assert_eq "0 errors, 0 warnings" "$(summary)" "stamp r0 after head: a1, b1 not applied, no db-reordered"
assert_exit 3 upgrade --check
# a down row un-applies too: downgrade then re-linearized files are still clean
new_db
new_project "$TEST_DIR/downgraded"
chain r0 a1 b1
assert_exit 0 upgrade head
assert_exit 0 downgrade r0
set_down b1 r0
set_down a1 b1
assert_exit 0 check
assert_eq "0 errors, 0 warnings" "$(summary)" "after a downgrade: no db-reordered"
finish
