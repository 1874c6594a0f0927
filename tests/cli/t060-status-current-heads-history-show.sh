#!/bin/bash
# t060: `status`, `current`, `heads`, `history [-r RANGE] [--verbose]`, `show REV` (SPEC §5).
. "$(dirname "$0")/lib.sh"
new_db
new_project
WRITE_REV_MSG="first one" write_rev a1 ""
WRITE_REV_MSG="second one" write_rev b2 a1
WRITE_REV_MSG="third one" write_rev c3 b2
TS='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}'

# --- at base
assert_exit 0 current
assert_eq base "$OUT" "current at base"
assert_exit 0 status
assert_eq "$(printf 'a1 pending\nb2 pending\nc3 pending\ncurrent: base')" "$OUT" "status at base"

# --- heads, history: from the files
assert_exit 0 heads
assert_eq c3 "$OUT" "heads"
assert_exit 0 history
assert_eq "$(printf 'b2 -> c3 (head), third one\na1 -> b2, second one\n<base> -> a1, first one')" "$OUT" "history newest first"

# --- part way
assert_exit 0 upgrade b2
assert_backend_db
assert_exit 0 current
assert_eq b2 "$OUT" "current part way (no '(head)')"
assert_exit 0 status
lines=$(printf '%s\n' "$OUT" | wc -l)
assert_eq 4 "$lines" "status: one line per revision + current"
assert_match "$(printf '%s\n' "$OUT" | sed -n 1p)" "^a1 applied $TS" "status a1 applied <applied_at>"
assert_match "$(printf '%s\n' "$OUT" | sed -n 2p)" "^b2 applied $TS" "status b2 applied"
assert_no_match "$OUT" 'stamped' "no (stamped) without a stamp"
assert_eq "c3 pending" "$(printf '%s\n' "$OUT" | sed -n 3p)" "status c3 pending"
assert_eq "current: b2" "$(printf '%s\n' "$OUT" | sed -n 4p)" "status current line"
at=$(db_query "SELECT applied_at FROM cmig_history WHERE revision='a1' AND direction='up'")
assert_eq "a1 applied $at" "$(printf '%s\n' "$OUT" | sed -n 1p)" "status shows the history's applied_at"

# --- at head
assert_exit 0 upgrade
assert_exit 0 current
assert_eq "c3 (head)" "$OUT" "current at head"
assert_exit 0 status
assert_eq "current: c3" "$(printf '%s\n' "$OUT" | tail -n 1)" "status at head"
assert_match "$(printf '%s\n' "$OUT" | sed -n 3p)" "^c3 applied $TS" "c3 applied"

# --- history ranges (inclusive, either side omitted, TARGET or current)
assert_exit 0 history -r a1:b2
assert_eq "$(printf 'a1 -> b2, second one\n<base> -> a1, first one')" "$OUT" "history -r a1:b2"
assert_exit 0 history -r b2:
assert_eq "$(printf 'b2 -> c3 (head), third one\na1 -> b2, second one')" "$OUT" "history -r b2:"
assert_exit 0 history -r :a1
assert_eq "<base> -> a1, first one" "$OUT" "history -r :a1"
assert_exit 0 history -r b2:b2
assert_eq "a1 -> b2, second one" "$OUT" "history -r b2:b2"
assert_exit 0 downgrade a1
assert_exit 0 history -r current:
assert_eq "$(printf 'b2 -> c3 (head), third one\na1 -> b2, second one\n<base> -> a1, first one')" "$OUT" "history -r current: (current = a1)"
assert_exit 0 history -r :current
assert_eq "<base> -> a1, first one" "$OUT" "history -r :current"
assert_exit 0 history -r a1:head
assert_eq 3 "$(printf '%s\n' "$OUT" | wc -l)" "history -r a1:head"
assert_exit 1 history -r zz:
assert_exit 0 history --verbose
assert_contains "$OUT" "c3" "history --verbose names revisions"
assert_contains "$OUT" "third one" "history --verbose has messages"

# --- show
assert_exit 0 show b2
assert_contains "$OUT" "b2" "show: revision"
assert_contains "$OUT" "a1" "show: down_revision"
assert_contains "$OUT" "second one" "show: message"
assert_contains "$OUT" "versions/b2_x.sql" "show: path"
assert_contains "$OUT" "CREATE TABLE t_b2 (id INTEGER PRIMARY KEY, v TEXT);" "show: up section"
assert_contains "$OUT" "DROP TABLE t_b2;" "show: down section"
assert_exit 0 show c
assert_contains "$OUT" "CREATE TABLE t_c3" "show takes a prefix"
assert_exit 1 show zz
assert_exit 2 show

# --- heads on a branched chain: diagnostics on stderr, every head on stdout, exit 1
WRITE_REV_MSG="side" write_rev b9 a1
assert_exit 1 heads
assert_eq "$(printf 'b9\nc3')" "$(printf '%s\n' "$OUT" | sort)" "every head on stdout"
assert_contains "$ERR" "versions/b2_x.sql:2: error: branch: both b2 (versions/b2_x.sql) and b9 (versions/b9_x.sql) follow a1" "branch diagnostic on stderr"
# and the commands that need the chain refuse
assert_exit 1 history
assert_exit 1 status
