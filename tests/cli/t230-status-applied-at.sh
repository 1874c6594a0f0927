#!/bin/bash
# t230: `cmig status` (SPEC §5) with when each revision ran: the chain oldest first,
# `<rev> applied <applied_at>` when its up section ran, `<rev> stamped <applied_at>` when a
# stamp covered it without running it, `<rev> skipped` (db-skipped), `<rev> applied (no
# history)` (an adopted database: no history rows) or `<rev> pending`, then `current: <rev>` /
# `current: base`. The applied_at values are the
# history table's (SPEC §4: UTC ISO-8601 text); expected lines are assembled here by hand.
. "$(dirname "$0")/lib.sh"

at_of() { # REV DIRECTION : applied_at of the latest history row
	db_query "SELECT applied_at FROM cmig_history WHERE revision = '$1' AND direction = '$2' ORDER BY id DESC LIMIT 1"
}
ISO='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|\+00:00)$'

new_db
new_project
chain a1 b2 c3 d4

# nothing applied (and on SQLite no file yet): every revision pending, current: base
assert_exit 0 status
assert_eq "a1 pending
b2 pending
c3 pending
d4 pending
current: base" "$OUT" "status at base"

# stamp b2, then upgrade c3: a1 and b2 stamped, c3 applied by upgrade, d4 pending
assert_exit 0 stamp b2
sleep 1
assert_exit 0 upgrade c3
S=$(at_of b2 stamp)
U=$(at_of c3 up)
assert_match "$S" "$ISO" "stamp applied_at is UTC ISO-8601"
assert_match "$U" "$ISO" "up applied_at is UTC ISO-8601"
assert_ne "$S" "$U" "the stamp and the upgrade ran at different times"
assert_exit 0 status
assert_eq "a1 stamped $S
b2 stamped $S
c3 applied $U
d4 pending
current: c3" "$OUT" "status after stamp b2 + upgrade c3"
assert_not_contains "$ERR" "pending" "status writes its lines to stdout only"

# upgrade head: d4 applied with its own time; current is the head
sleep 1
assert_exit 0 upgrade head
D=$(at_of d4 up)
assert_exit 0 status
assert_eq "a1 stamped $S
b2 stamped $S
c3 applied $U
d4 applied $D
current: d4" "$OUT" "status at head"

# downgrade to b2: c3 and d4 pending again
assert_exit 0 downgrade b2
assert_exit 0 status
assert_eq "a1 stamped $S
b2 stamped $S
c3 pending
d4 pending
current: b2" "$OUT" "status after downgrade b2"

# up again: the newest up row's time
sleep 1
assert_exit 0 upgrade head
U2=$(at_of c3 up)
D2=$(at_of d4 up)
assert_ne "$U" "$U2" "c3 ran again later"
assert_exit 0 status
assert_eq "a1 stamped $S
b2 stamped $S
c3 applied $U2
d4 applied $D2
current: d4" "$OUT" "status after re-upgrade shows the latest times"

# a fresh database upgraded without stamps: no "(stamped)" anywhere
new_db
new_project "$TEST_DIR/plain"
chain a1 b2
assert_exit 0 upgrade head
assert_exit 0 status
assert_eq "a1 applied $(at_of a1 up)
b2 applied $(at_of b2 up)
current: b2" "$OUT" "status of a plain upgrade"

# stamp base: nothing applied any more
assert_exit 0 stamp base
assert_exit 0 status
assert_eq "a1 pending
b2 pending
current: base" "$OUT" "status after stamp base"

# issue 10: a db-skipped revision shows `skipped` (the chain rewritten under the database: n1
# inserted between a1 and b2); status reports the problem on stderr and exits 0
new_db
new_project "$TEST_DIR/provenance"
chain a1 b2
assert_exit 0 upgrade head
A1=$(at_of a1 up)
B2=$(at_of b2 up)
write_rev n1 a1
sed -i 's/^-- down_revision: a1$/-- down_revision: n1/' versions/b2_x.sql
assert_exit 0 status
assert_eq "a1 applied $A1
n1 skipped
b2 applied $B2
current: b2" "$OUT" "a db-skipped revision shows skipped"
assert_match "$ERR" "n1_x.sql:1: error: db-skipped: revision n1" "the problem on stderr, in check's format"
rm versions/n1_x.sql
sed -i 's/^-- down_revision: n1$/-- down_revision: a1/' versions/b2_x.sql

# after a stamp at (or behind) what ran, the revisions that ran stay `applied` with the time
# they ran; only what a stamp covered without running shows `stamped`
assert_exit 0 stamp b2
assert_exit 0 status
assert_eq "a1 applied $A1
b2 applied $B2
current: b2" "$OUT" "status after upgrade head + stamp b2: both ran"
assert_exit 0 stamp a1
assert_exit 0 status
assert_eq "a1 applied $A1
b2 pending
current: a1" "$OUT" "stamp back to a1: b2 pending again"

# an adopted database (version row, no history rows): applied (no history)
db_query "DELETE FROM cmig_history" >/dev/null
assert_exit 0 status
assert_eq "a1 applied (no history)
b2 pending
current: a1" "$OUT" "no history rows: applied (no history)"
finish
