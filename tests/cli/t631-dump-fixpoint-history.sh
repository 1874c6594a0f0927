#!/bin/bash
# t631: `cmig dump` is a fixpoint on a long history (issue 13: "the 160-revision history"; the
# suite had none, so it is generated here). 160 revisions, in cycles of eight, each cycle:
# a table with a CHECK and a DEFAULT; a column added to it; an index; a child table with a
# foreign key ON DELETE CASCADE; a view; the added column renamed; a unique index on the
# child; the cycle's first index dropped and, every other cycle, the renamed column dropped
# (on SQLite the ALTER forms run as batch-mode rebuilds). After `upgrade head` the dump is
# loaded into an empty database (sqlite3 / psql, not cmig) and dumped again: the same bytes
# after the first line. Dumped twice from the first database: the same bytes too.
. "$(dirname "$0")/lib.sh"

new_db
SECOND=$DB_URL
new_db
MAIN=$DB_URL
new_project
prev=""
for i in $(seq 1 160); do
	c=$(((i - 1) / 8))  # cycle
	k=$(((i - 1) % 8))  # step in the cycle
	t=h$c
	case $k in
	0) up="CREATE TABLE $t (id INTEGER PRIMARY KEY, name TEXT NOT NULL, qty INTEGER DEFAULT 0 CHECK (qty >= 0));" ;;
	1) up="ALTER TABLE $t ADD COLUMN note TEXT DEFAULT 'x';" ;;
	2) up="CREATE INDEX ${t}_name ON $t (name);" ;;
	3) up="CREATE TABLE c$c (id INTEGER PRIMARY KEY, h_id INTEGER REFERENCES $t (id) ON DELETE CASCADE, v TEXT);" ;;
	4) up="CREATE VIEW v$c AS SELECT id, name FROM $t WHERE qty > 0;" ;;
	5) up="ALTER TABLE $t RENAME COLUMN note TO memo;" ;;
	6) up="CREATE UNIQUE INDEX c${c}_h_v ON c$c (h_id, v);" ;;
	7) up="DROP INDEX ${t}_name;"
	   [ $((c % 2)) = 1 ] && up="$up
ALTER TABLE $t DROP COLUMN memo;" ;;
	esac
	id=$(printf 'r%03d' "$i")
	write_rev "$id" "$prev" "$up" ""
	prev=$id
done
assert_eq 160 "$(ls versions | wc -l)" "a 160-revision chain"
assert_exit 0 upgrade head
assert_exit 0 dump
assert_match "$(printf '%s\n' "$OUT" | head -1)" "r160" "the first line names the head"
D1=$(printf '%s\n' "$OUT" | tail -n +2)
# what the history left: tables, children, views, the unique indexes, the kept columns
for obj in h0 h19 c0 c19 v0 v19 c19_h_v "memo" "CASCADE"; do
	assert_contains "$D1" "$obj" "the dump holds $obj"
done
assert_not_contains "$D1" "h19_name" "the dropped index is gone"
assert_exit 0 dump
assert_eq "$D1" "$(printf '%s\n' "$OUT" | tail -n +2)" "two dumps of one database: the same bytes"
assert_dump_loads "$D1" "$SECOND"
finish
