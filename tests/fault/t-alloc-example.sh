#!/usr/bin/env bash
# t-alloc-example.sh - allocation faults through the bundled example (issue 11): the Nth
# allocation fails, once (transient) and from then on (persistent), during `upgrade head`
# (batch-mode rebuilds included) from an empty database, and during `check --format json`
# over the upgraded one. A fixed-seed sample of N here; every N with CMIG_FAULT_ALL=1
# (tests/fault/run-all.sh). What each run must do: see lib.sh.
. "$(dirname "$0")/lib.sh"

proj=$WORK/proj
mkdir -p "$proj"
cp -r "$CMIG_SOURCE_DIR/cmig.yaml" "$CMIG_SOURCE_DIR/versions" "$proj/"
mapfile -t revs < <(sed -n 's/^-- revision: *//p' "$proj"/versions/*.sql)
head=${revs[${#revs[@]} - 1]}
reference_schemas "$proj" "${revs[@]}"

# ---- upgrade head from nothing ------------------------------------------------------------------
total=$(count_calls "$proj" upgrade head)
[ "$total" -gt 1000 ] || { echo "FATAL: only $total allocations counted" >&2; exit 1; }
for mode in transient persistent; do
	# 7540: the allocation an independent probe found crashing cmig_table_print (issue 11);
	# 4076: a derived constraint name's column part, whose failure made 0004's ADD COLUMN a
	# rebuild; 4797: a probe whose failure SQLite answered by rolling the transaction back,
	# after which the version was written in autocommit (the every-N run)
	# 7350: the foreign-key baseline check inside a rebuild (same); 7468: an index's sql read
	# in the rebuild's schema lookup, whose failure dropped the index
	for n in $(sample_ns "$total" "${CMIG_FAULT_SAMPLE:-40}" 7540 4076 4797 7350 7468); do
		rm -f "$proj/cmig.db"
		fault_run "$proj" "$n" "$mode" upgrade head
		check_exit "upgrade head, $mode N=$n" "$RC"
		check_db "upgrade head, $mode N=$n" "$proj/cmig.db" "$head" "$head" "$RC"
	done
done

# ---- check --format json over the upgraded database -----------------------------------------
rm -f "$proj/cmig.db"
(cd "$proj" && "$CMIG" -q upgrade head >/dev/null 2>&1) || { echo "FATAL: upgrade" >&2; exit 1; }
(cd "$proj" && "$CMIG" check --format json >"$WORK/check.ref" 2>/dev/null)
cp "$proj/cmig.db" "$WORK/head.db"
total=$(count_calls "$proj" check --format json)
for mode in transient persistent; do
	for n in $(sample_ns "$total" "${CMIG_FAULT_SAMPLE:-40}"); do
		fault_run "$proj" "$n" "$mode" check --format json
		check_exit "check, $mode N=$n" "$RC"
		if [ "$RC" = 0 ] && ! cmp -s "$WORK/out" "$WORK/check.ref"; then
			fail "check, $mode N=$n: exit 0 with other output than a fault-free run"
		fi
		cmp -s "$proj/cmig.db" "$WORK/head.db" || fail "check, $mode N=$n: changed the database"
	done
done
finish
