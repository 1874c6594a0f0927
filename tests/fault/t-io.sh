#!/usr/bin/env bash
# t-io.sh - I/O faults (issue 11): a VFS shim (tests/fault/inject.c) makes every write fail with
# SQLITE_FULL or SQLITE_IOERR once K bytes have been written, during the bundled example's
# `upgrade head` from nothing and during its batch-mode rebuild alone (0006 -> 0007: CHECK
# constraints added to two tables). Writes are whole pages, so K is sampled on page
# boundaries and between them; every page boundary with CMIG_FAULT_ALL=1. Each run: exit 0 or
# 1 with a message, and the database (after SQLite's own hot-journal recovery on the next
# open) intact, at a revision with that revision's schema, from which `upgrade head` finishes.
. "$(dirname "$0")/lib.sh"

proj=$WORK/proj
mkdir -p "$proj"
cp -r "$CMIG_SOURCE_DIR/cmig.yaml" "$CMIG_SOURCE_DIR/versions" "$proj/"
mapfile -t revs < <(sed -n 's/^-- revision: *//p' "$proj"/versions/*.sql)
head=${revs[${#revs[@]} - 1]}
before_rebuild=${revs[${#revs[@]} - 2]}
reference_schemas "$proj" "${revs[@]}"

# io_bytes DB_OR_EMPTY ARGS...: bytes a fault-free run writes
io_bytes() {
	local start=$1
	shift
	rm -rf "$WORK/count" && cp -r "$proj" "$WORK/count"
	rm -f "$WORK/count/cmig.db"
	[ -z "$start" ] || cp "$start" "$WORK/count/cmig.db"
	(cd "$WORK/count" && CMIG_FAULT_IO=999999999999:full CMIG_FAULT_COUNT="$WORK/count.txt" \
		"$CMIG_FAULT" "$@" >/dev/null 2>&1)
	cut -d' ' -f3 "$WORK/count.txt"
	rm -rf "$WORK/count" "$WORK/count.txt"
}

# ks TOTAL: the K to try
ks() {
	local total=$1 pages=$(($1 / 4096 + 1))
	if [ "${CMIG_FAULT_ALL:-0}" = 1 ]; then
		seq 0 4096 "$total" | shard
		return
	fi
	{
		echo 0
		sample_ns "$pages" "${CMIG_FAULT_SAMPLE:-12}" | awk '{ print ($1 - 1) * 4096 }'
		sample_ns "$total" 4
	} | sort -n -u
}

io_case() { # WHAT START_DB_OR_EMPTY
	local what=$1 start=$2 total kind k
	total=$(io_bytes "$start" -q upgrade head)
	[ "$total" -gt 4096 ] || { echo "FATAL: $what: only $total bytes written" >&2; exit 1; }
	for kind in full ioerr; do
		for k in $(ks "$total"); do
			rm -f "$proj/cmig.db" "$proj/cmig.db-journal"
			[ -z "$start" ] || cp "$start" "$proj/cmig.db"
			(cd "$proj" && CMIG_FAULT_IO=$k:$kind "$CMIG_FAULT" -q upgrade head >"$WORK/out" 2>"$WORK/err")
			RC=$?
			check_exit "$what, $kind after $k bytes" "$RC"
			[ "$RC" = 0 ] || grep -qiE "disk|full|I/O|error" "$WORK/err" ||
				fail "$what, $kind after $k bytes: the message does not say what failed"
			check_db "$what, $kind after $k bytes" "$proj/cmig.db" "$head" "$head" "$RC"
		done
	done
}

io_case "upgrade head" ""
rm -f "$proj/cmig.db"
(cd "$proj" && "$CMIG" -q upgrade "$before_rebuild" >/dev/null 2>&1) || { echo "FATAL: upgrade" >&2; exit 1; }
cp "$proj/cmig.db" "$WORK/before.db"
io_case "rebuild $before_rebuild -> $head" "$WORK/before.db"
finish
