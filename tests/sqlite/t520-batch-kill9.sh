#!/usr/bin/env bash
# SPEC §6 + §4: `kill -9` during the rebuild of a 300,000-row table, 10 trials: afterwards the
# database is at the old or the new revision, its schema is that revision's, no row is lost,
# and integrity_check is ok (SQLite's hot journal rolls an interrupted migration back).
. "$(dirname "$0")/batch_lib.sh"

ROWS=${CMIG_KILL_ROWS:-300000}
TRIALS=${CMIG_KILL_TRIALS:-10}
rev a1 none <<'EOF2'
CREATE TABLE items (id INTEGER PRIMARY KEY AUTOINCREMENT, sku TEXT NOT NULL, name TEXT, qty INT);
CREATE UNIQUE INDEX items_sku ON items (sku);
CREATE INDEX items_name ON items (name);
CREATE TRIGGER items_touch AFTER UPDATE OF qty ON items BEGIN SELECT 1; END;
EOF2
rev b1 a1 <<'EOF2'
ALTER TABLE items ALTER COLUMN qty TYPE bigint;
ALTER TABLE items ALTER COLUMN name SET NOT NULL;
ALTER TABLE items ADD CONSTRAINT qty_nonneg CHECK (qty >= 0);
EOF2
cm upgrade a1
expect_rc "upgrade to a1" 0
q "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < $ROWS)
   INSERT INTO items (id, sku, name, qty) SELECT i, 'sku-' || i, 'n' || (i % 100), i % 7 FROM c;
   DELETE FROM items WHERE id % 101 = 0 OR id = $ROWS;"
cp t.db base.db

schema() { sqlite3 "$1" "SELECT type, name, sql FROM sqlite_schema WHERE name NOT LIKE 'cmig%' ORDER BY name"; }
data() { sqlite3 "$1" "SELECT count(*), sum(id), sum(qty), max(rowid) FROM items; SELECT seq FROM sqlite_sequence WHERE name = 'items'"; }

# the two states a trial may end in
schema base.db >schema.a1
data base.db >data.ref
start=$(date +%s.%N)
cm upgrade b1
end=$(date +%s.%N)
expect_rc "uninterrupted upgrade" 0
schema t.db >schema.b1
expect_eq "the rebuild keeps every row" "$(data t.db)" "$(cat data.ref)"
dur=$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')
echo "# an uninterrupted upgrade takes ${dur}s"

at_a1=0 at_b1=0
for trial in $(seq 1 "$TRIALS"); do
	cp base.db t.db
	rm -f t.db-journal t.db-wal
	delay=$(awk -v d="$dur" -v r="$RANDOM" 'BEGIN { printf "%.3f", 0.05 + d * 0.9 * r / 32768 }')
	"$CMIG" upgrade b1 >/dev/null 2>&1 &
	pid=$!
	sleep "$delay"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	v=$(q "SELECT version_num FROM cmig_version" 2>&1)
	case $v in
	a1) at_a1=$((at_a1 + 1)); want=schema.a1 ;;
	b1) at_b1=$((at_b1 + 1)); want=schema.b1 ;;
	*) fail "trial $trial (kill after ${delay}s): version is '$v'"; continue ;;
	esac
	schema t.db >schema.now
	cmp -s schema.now "$want" || fail "trial $trial: the schema is not that of $v"
	[ "$(data t.db)" = "$(cat data.ref)" ] || fail "trial $trial: rows lost or changed"
	[ "$(q 'PRAGMA integrity_check')" = ok ] || fail "trial $trial: integrity_check"
	echo "ok - trial $trial: killed after ${delay}s, at $v, schema, rows and integrity ok"
done
echo "# trials ending at a1: $at_a1, at b1: $at_b1"
finish
