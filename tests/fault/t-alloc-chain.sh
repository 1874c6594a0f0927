#!/usr/bin/env bash
# t-alloc-chain.sh - allocation faults over a 200-revision chain (issue 11): `upgrade head`
# from nothing, `downgrade base` from head, and `upgrade head --sql`, with the Nth allocation
# failing once and from then on, for a fixed-seed sample of N (every N with CMIG_FAULT_ALL=1).
# Each revision creates a table with an index (its down drops it); every 20th adds a column
# with ALTER TABLE ... DROP COLUMN-free batch work (a rename) so batch mode is on the path.
. "$(dirname "$0")/lib.sh"

proj=$WORK/proj
mkdir -p "$proj/versions"
printf 'database_url: sqlite:///cmig.db\nversions_dir: versions\n' >"$proj/cmig.yaml"
revs=()
down=none
for ((i = 1; i <= 200; i++)); do
	id=$(printf 'r%03d' "$i")
	up="CREATE TABLE t$i (id INTEGER PRIMARY KEY, v TEXT NOT NULL DEFAULT 'x');
CREATE INDEX t${i}_v ON t$i (v);"
	dn="DROP TABLE t$i;"
	if [ $((i % 20)) = 0 ]; then
		up="$up
ALTER TABLE t$((i - 1)) ADD COLUMN w INTEGER NOT NULL DEFAULT 0 CHECK (w >= 0);"
		dn="ALTER TABLE t$((i - 1)) DROP COLUMN w;
$dn"
	fi
	printf -- '-- revision: %s\n-- down_revision: %s\n-- message: table %d\n\n-- migrate:up\n%s\n\n-- migrate:down\n%s\n' \
		"$id" "$down" "$i" "$up" "$dn" >"$proj/versions/${id}_table_$i.sql"
	revs+=("$id")
	down=$id
done
head=r200
reference_schemas "$proj" "${revs[@]}"
k=${CMIG_FAULT_SAMPLE:-10}

# ---- upgrade head from nothing --------------------------------------------------------------
total=$(count_calls "$proj" upgrade head)
for mode in transient persistent; do
	for n in $(sample_ns "$total" "$k"); do
		rm -f "$proj/cmig.db"
		fault_run "$proj" "$n" "$mode" -q upgrade head
		check_exit "upgrade head, $mode N=$n" "$RC"
		check_db "upgrade head, $mode N=$n" "$proj/cmig.db" "$head" "$head" "$RC"
	done
done

# ---- downgrade base from head ---------------------------------------------------------------
rm -f "$proj/cmig.db"
(cd "$proj" && "$CMIG" -q upgrade head >/dev/null 2>&1) || { echo "FATAL: upgrade" >&2; exit 1; }
cp "$proj/cmig.db" "$WORK/head.db"
total=$(count_calls "$proj" -q downgrade base)
for mode in transient persistent; do
	# 52759, 52953: the version read's copy of the revision at the start of a step; its
	# failure read as "base" ended the run there with exit 0 (every-N run, issue 11)
	for n in $(sample_ns "$total" "$k" 52759 52953); do
		cp "$WORK/head.db" "$proj/cmig.db"
		fault_run "$proj" "$n" "$mode" -q downgrade base
		check_exit "downgrade base, $mode N=$n" "$RC"
		check_db "downgrade base, $mode N=$n" "$proj/cmig.db" "$head" base "$RC"
	done
done

# ---- upgrade head --sql: no database; exit 0 only with the whole script ------------------------
rm -f "$proj/cmig.db"
# applied_at is the time of the run: compare scripts without it
stamp() { sed -E "s/'[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z'/'T'/g" "$1"; }
(cd "$proj" && "$CMIG" upgrade head --sql >"$WORK/sql.out" 2>/dev/null) || { echo "FATAL: --sql" >&2; exit 1; }
stamp "$WORK/sql.out" >"$WORK/sql.ref"
total=$(count_calls "$proj" upgrade head --sql)
for mode in transient persistent; do
	for n in $(sample_ns "$total" "$k"); do
		fault_run "$proj" "$n" "$mode" upgrade head --sql
		check_exit "upgrade --sql, $mode N=$n" "$RC"
		[ "$RC" != 0 ] || stamp "$WORK/out" | cmp -s - "$WORK/sql.ref" ||
			fail "upgrade --sql, $mode N=$n: exit 0 with another script than a fault-free run"
		[ ! -e "$proj/cmig.db" ] || fail "upgrade --sql, $mode N=$n: created a database"
	done
done
finish
