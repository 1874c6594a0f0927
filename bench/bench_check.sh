#!/usr/bin/env bash
# bench/bench_check.sh - how fast `cmig check` is on long histories (issue 6, SPEC §7).
#
#   bash bench/bench_check.sh [CMIG] [SIZES...]      (default: build/src/cmig, 10000 100000)
#
# For each size N it generates N revision files (one linear chain, a typical small migration
# each: headers, a CREATE TABLE up section, a DROP TABLE down section), then times, in the same
# run and with a warm page cache, best of $BENCH_REPEAT (default 3):
#   cat      one `find | xargs cat >/dev/null` over the files (every byte read once)
#   check    `cmig check` without a database (files and chain only)
#   check+db `cmig check --url sqlite:///…` against a database holding the fully applied
#            history (every revision's `up` row, so every applied up section is hashed and
#            compared); the database is built with `cmig upgrade --sql | sqlite3`, which runs the
#            same statements as `cmig upgrade head` without one process per step
# and prints each time, the ratio to cat and the time per revision. The goal (issue 6): at
# 100,000 revisions check+db <= 0.4x cat; growth linear (the per-revision time stays flat).
# Not part of the test suite. Needs python3 (file generation) and sqlite3.
set -euo pipefail
cd "$(dirname "$0")/.."
CMIG=${1:-build/src/cmig}
shift || true
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(10000 100000)
REPEAT=${BENCH_REPEAT:-3}
CMIG=$(cd "$(dirname "$CMIG")" && pwd)/$(basename "$CMIG")
[ -x "$CMIG" ] || { echo "bench_check: no cmig binary at $CMIG (build first)" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "bench_check: sqlite3 is needed" >&2; exit 1; }
command -v python3 >/dev/null || { echo "bench_check: python3 is needed" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/cmig-bench-check.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

now_ns() { date +%s%N; }
# best_ms CMD... : the best wall time of REPEAT runs, in milliseconds (3 decimals)
best_ms() {
	local best="" t0 t1 d i
	for ((i = 0; i < REPEAT; i++)); do
		t0=$(now_ns)
		"$@" >/dev/null 2>&1 || { echo "bench_check: failed: $*" >&2; "$@" 2>&1 | tail -5 >&2; exit 1; }
		t1=$(now_ns)
		d=$((t1 - t0))
		if [ -z "$best" ] || [ "$d" -lt "$best" ]; then best=$d; fi
	done
	awk -v n="$best" 'BEGIN { printf "%.3f", n / 1e6 }'
}
cat_all() { find versions -name '*.sql' -print0 | xargs -0 cat >/dev/null; }

generate() { # N DIR
	python3 - "$1" "$2" <<'EOF'
import os, sys, random
n, d = int(sys.argv[1]), sys.argv[2]
os.makedirs(os.path.join(d, "versions"), exist_ok=True)
rnd = random.Random(42)
ids = set()
while len(ids) < n:
    ids.add("%012x" % rnd.getrandbits(48))
ids = sorted(ids)
rnd.shuffle(ids)           # chain order differs from file-name order, as in real projects
prev = ""
for i, rid in enumerate(ids):
    with open(os.path.join(d, "versions", "%s_add_table_%d.sql" % (rid, i)), "w") as f:
        f.write("-- revision: %s\n-- down_revision: %s\n-- message: add table %d\n"
                "-- created: 2026-11-%02dT10:%02d:%02dZ\n\n-- migrate:up\n"
                "CREATE TABLE t_%d (\n    id INTEGER PRIMARY KEY,\n    name TEXT NOT NULL,\n"
                "    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP\n);\n"
                "CREATE INDEX t_%d_name ON t_%d (name);\n\n-- migrate:down\nDROP TABLE t_%d;\n"
                % (rid, prev, i, 1 + i % 28, i // 60 % 60, i % 60, i, i, i, i))
    prev = rid
with open(os.path.join(d, "cmig.yaml"), "w") as f:
    f.write("versions_dir: versions\n")
EOF
}

echo "cmig check benchmark: $("$CMIG" --version 2>/dev/null | head -1); $(nproc) CPUs; best of $REPEAT"
printf '%-8s %10s %10s %10s %8s %8s %12s %12s\n' revisions "cat ms" "check ms" "+db ms" "check/cat" "+db/cat" "check us/rev" "+db us/rev"
for n in "${SIZES[@]}"; do
	dir=$WORK/n$n
	generate "$n" "$dir"
	cd "$dir"
	# the database with the whole history applied
	"$CMIG" upgrade --sql >upgrade.sql 2>/dev/null
	sqlite3 applied.db <upgrade.sql
	rm -f upgrade.sql
	url="sqlite:///$dir/applied.db"
	# sanity: the database is at the head, every revision has its up row, and check is clean
	head=$("$CMIG" heads 2>/dev/null | cut -d' ' -f1)
	ver=$(sqlite3 applied.db 'SELECT version_num FROM cmig_version')
	ups=$(sqlite3 applied.db "SELECT count(*) FROM cmig_history WHERE direction = 'up' AND checksum <> ''")
	[ "$ver" = "$head" ] && [ "$ups" = "$n" ] || { echo "bench_check: the database is not fully applied (version $ver, head $head, $ups up rows)" >&2; exit 1; }
	"$CMIG" check >/dev/null 2>&1 || { echo "bench_check: check fails on the generated files" >&2; "$CMIG" check 2>&1 | tail -3 >&2; exit 1; }
	"$CMIG" --url "$url" check >/dev/null 2>&1 || { echo "bench_check: check with the database fails" >&2; "$CMIG" --url "$url" check 2>&1 | tail -3 >&2; exit 1; }
	cat_all # warm the page cache
	t_cat=$(best_ms cat_all)
	t_chk=$(best_ms "$CMIG" check)
	t_db=$(best_ms "$CMIG" --url "$url" check)
	t_cat2=$(best_ms cat_all) # cat again after: take the better one (same run, warm cache)
	t_cat=$(awk -v a="$t_cat" -v b="$t_cat2" 'BEGIN { print (a < b ? a : b) }')
	awk -v n="$n" -v c="$t_cat" -v k="$t_chk" -v d="$t_db" 'BEGIN {
		printf "%-8d %10.1f %10.1f %10.1f %7.2fx %7.2fx %12.2f %12.2f\n",
		       n, c, k, d, k / c, d / c, k * 1000 / n, d * 1000 / n }'
	cd - >/dev/null
	rm -rf "$dir"
done
echo "goal: at 100000 revisions +db/cat <= 0.40x"
