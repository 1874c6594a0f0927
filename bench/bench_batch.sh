#!/usr/bin/env bash
# bench/bench_batch.sh - SQLite batch mode against its limit (issue 5, "bench/").
# Not part of the test suite. Usage:
#
#   bench/bench_batch.sh [--rows 1000000] [--runs 3]
#
# Environment: CMIG (default build/src/cmig; use a Release build), KEEP=1 keeps the work dir.
#
# A table of --rows rows with two indexes (one unique) and a trigger; one migration with three
# ALTER TABLE statements that each need a rebuild (a type change, SET NOT NULL, ADD CHECK).
# Measured, interleaved, median of --runs:
#   - cmig upgrade (batch mode folds the three into one rebuild: one copy of the rows);
#   - the limit: the hand-written 12-step procedure of lang_altertable.html §7 for the same
#     three changes at once, run by the sqlite3 CLI.
# Both at SQLite's defaults (journal_mode=delete, synchronous=FULL; the script checks).
# Also checks that both end with the same schema objects and rows, that cmig kept the trigger,
# that the --sql output copies the rows once, and reports peak RSS (GNU time) at --rows and
# at a tenth of it: memory must not grow with the row count.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ROWS=1000000
RUNS=3
while [ $# -gt 0 ]; do
	case $1 in
	--rows) ROWS=$2; shift 2 ;;
	--runs) RUNS=$2; shift 2 ;;
	-h | --help) sed -n '2,19p' "$0"; exit 0 ;;
	*) echo "bench_batch.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done
bench_cmig bench_batch.sh
command -v sqlite3 >/dev/null || { echo "bench_batch.sh: sqlite3 CLI needed" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench_batch.sh: GNU time (/usr/bin/time) needed" >&2; exit 1; }

W=$(mktemp -d "${TMPDIR:-/tmp}/cmig-bench-batch.XXXXXX")
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$W"' EXIT

# ------------------------------------------------------------------ the project
mkdir -p "$W/p/versions"
printf 'database_url: sqlite:///bench.db\n' >"$W/p/cmig.yaml"
cat >"$W/p/versions/a1_items.sql" <<'EOF'
-- revision: a1
-- down_revision: none
-- message: items
-- migrate:up
CREATE TABLE items (
    id INTEGER PRIMARY KEY,
    sku TEXT NOT NULL,
    name TEXT,
    qty INT,
    price REAL,
    updated INT DEFAULT 0
);
CREATE UNIQUE INDEX items_sku ON items (sku);
CREATE INDEX items_name ON items (name);
CREATE TRIGGER items_touch AFTER UPDATE OF qty ON items BEGIN UPDATE items SET updated = updated + 1 WHERE id = new.id; END;
-- migrate:down
DROP TABLE items;
EOF
cat >"$W/p/versions/b1_tighten.sql" <<'EOF'
-- revision: b1
-- down_revision: a1
-- message: tighten items
-- migrate:up
ALTER TABLE items ALTER COLUMN qty TYPE bigint;
ALTER TABLE items ALTER COLUMN name SET NOT NULL;
ALTER TABLE items ADD CONSTRAINT qty_nonneg CHECK (qty >= 0);
-- migrate:down
EOF

# The limit: lang_altertable.html §7 by hand, the three changes in one rebuild.
cat >"$W/twelve.sql" <<'EOF'
PRAGMA foreign_keys=OFF;
BEGIN IMMEDIATE;
CREATE TABLE new_items (
    id INTEGER PRIMARY KEY,
    sku TEXT NOT NULL,
    name TEXT NOT NULL,
    qty bigint,
    price REAL,
    updated INT DEFAULT 0,
    CONSTRAINT qty_nonneg CHECK (qty >= 0)
);
INSERT INTO new_items (id, sku, name, qty, price, updated) SELECT id, sku, name, qty, price, updated FROM items;
DROP TABLE items;
ALTER TABLE new_items RENAME TO items;
CREATE UNIQUE INDEX items_sku ON items (sku);
CREATE INDEX items_name ON items (name);
CREATE TRIGGER items_touch AFTER UPDATE OF qty ON items BEGIN UPDATE items SET updated = updated + 1 WHERE id = new.id; END;
PRAGMA foreign_key_check;
COMMIT;
PRAGMA foreign_keys=ON;
EOF

# base DB N : a database at a1 holding N rows, with gaps
make_base() {
	local db=$1 n=$2
	rm -f "$db"
	(cd "$W/p" && "$CMIG" -q --url "sqlite:///$db" upgrade a1)
	sqlite3 "$db" "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < $n)
		INSERT INTO items (id, sku, name, qty, price) SELECT i, 'sku-' || i, 'item ' || (i % 1000), i % 50, i * 0.5 FROM c;
		DELETE FROM items WHERE id % 97 = 0;"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "bench_batch: $ROWS rows, $RUNS runs, cmig $("$CMIG" --version | head -1)"
make_base "$W/base.db" "$ROWS"
for pragma in journal_mode synchronous; do
	echo "  $pragma: $(sqlite3 "$W/base.db" "PRAGMA $pragma")"
done

: >"$W/t_cmig"
: >"$W/t_cli"
: >"$W/m_cmig"
for r in $(seq 1 "$RUNS"); do
	cp "$W/base.db" "$W/cmig.db"
	cp "$W/base.db" "$W/cli.db"
	sync
	(cd "$W/p" && /usr/bin/time -f "%e %M" -o "$W/tm" "$CMIG" -q --url "sqlite:///$W/cmig.db" upgrade b1)
	read -r t m <"$W/tm"
	echo "$t" >>"$W/t_cmig"
	echo "$m" >>"$W/m_cmig"
	sync
	/usr/bin/time -f "%e %M" -o "$W/tm" sqlite3 "$W/cli.db" <"$W/twelve.sql" >/dev/null
	read -r t m <"$W/tm"
	echo "$t" >>"$W/t_cli"
	echo "  run $r: cmig $(tail -1 "$W/t_cmig") s, sqlite3 CLI $t s"
done

# same result
schema() { sqlite3 "$1" "SELECT type, name, tbl_name FROM sqlite_schema WHERE name NOT LIKE 'cmig%' ORDER BY name"; }
data() { sqlite3 "$1" "SELECT count(*), sum(id), sum(qty), total(price) FROM items"; }
[ "$(schema "$W/cmig.db")" = "$(schema "$W/cli.db")" ] || { echo "bench_batch: schemas differ" >&2; exit 1; }
[ "$(data "$W/cmig.db")" = "$(data "$W/cli.db")" ] || { echo "bench_batch: rows differ" >&2; exit 1; }
sqlite3 "$W/cmig.db" "SELECT 1 FROM sqlite_schema WHERE name = 'items_touch'" | grep -q 1 ||
	{ echo "bench_batch: cmig lost the trigger" >&2; exit 1; }
copies=$(cd "$W/p" && "$CMIG" -q upgrade a1:b1 --sql | grep -c '^INSERT INTO "_cmig_new_items"' || true)

tc=$(median <"$W/t_cmig")
tl=$(median <"$W/t_cli")
mc=$(median <"$W/m_cmig")
make_base "$W/small.db" $((ROWS / 10))
(cd "$W/p" && /usr/bin/time -f "%e %M" -o "$W/tm" "$CMIG" -q --url "sqlite:///$W/small.db" upgrade b1)
read -r _ ms <"$W/tm"

echo
echo "cmig upgrade (3 ALTERs, batch mode):   median $tc s"
echo "sqlite3 CLI, hand-written 12 steps:    median $tl s"
echo "ratio cmig / limit:                    $(awk -v a="$tc" -v b="$tl" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }')  (goal: within 1.1)"
echo "row copies in the --sql output:        $copies  (goal: 1)"
echo "peak RSS of cmig at $ROWS rows:        $mc KiB"
echo "peak RSS of cmig at $((ROWS / 10)) rows:         $ms KiB  (goal: no growth with rows)"
echo "same schema objects and rows as the CLI, trigger kept: yes"
