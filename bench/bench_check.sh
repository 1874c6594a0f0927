#!/usr/bin/env bash
# bench/bench_check.sh - how fast `cmig check` is on long histories (issue 6, SPEC §7).
#
#   bash bench/bench_check.sh [CMIG] [SIZES...]      (default: build/src/cmig, 10000 100000)
#
# For each size N it generates N revision files (one linear chain, a typical small migration
# each: headers, a CREATE TABLE + CREATE INDEX up section, a DROP TABLE down section), then
# times, in the same run and with a warm page cache, best of $BENCH_REPEAT (default 3):
#   cat      `find versions -name '*.sql' -print0 | xargs -0 cat >/dev/null` (every byte read
#            once; xargs because 100,000 names do not fit one command line)
#   check    `cmig check` without a database (files and chain only)
#   +db      `cmig check --url sqlite:///…` against a database holding the fully applied
#            history (the version row at the head and every revision's `up` row with its
#            checksum, so every applied up section is hashed and compared); see build_db for
#            the two ways it is built (BENCH_BUILD=direct, the default, or upgrade)
# and prints each time (wall clock, and CPU = user + system, steadier on a busy machine), the
# ratio to cat and the time per revision. The goal (issue 6): at
# 100,000 revisions +db <= 0.4x cat; growth linear (the time per revision stays flat).
# Before timing, the database is checked to be at the head with one `up` row per revision, and
# both checks must pass (a checksum computed differently would show up as drift).
# Not part of the test suite. Needs python3 (file generation) and sqlite3. Use a Release build.
set -euo pipefail
cd "$(dirname "$0")/.."
CMIG=${1:-build/src/cmig}
shift || true
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(10000 100000)
REPEAT=${BENCH_REPEAT:-3}
[ -x "$CMIG" ] || { echo "bench_check: no cmig binary at $CMIG (build first)" >&2; exit 1; }
CMIG=$(cd "$(dirname "$CMIG")" && pwd)/$(basename "$CMIG")
command -v sqlite3 >/dev/null || { echo "bench_check: sqlite3 is needed" >&2; exit 1; }
command -v python3 >/dev/null || { echo "bench_check: python3 is needed" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench_check: GNU time (/usr/bin/time) is needed" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/cmig-bench-check.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# best CMD... : "WALL_MS CPU_MS", each the best of REPEAT runs (CPU = user + system time of the
# command and its children, 10 ms resolution; under load from other processes it is steadier
# than wall time)
best() {
	local i out w c t0 t1 bw="" bc=""
	for ((i = 0; i < REPEAT; i++)); do
		t0=$(date +%s%N)
		/usr/bin/time -o "$WORK/time" -f '%U %S' "$@" >/dev/null 2>&1 ||
			{ echo "bench_check: failed: $*" >&2; exit 1; }
		t1=$(date +%s%N)
		out=$(tail -n 1 "$WORK/time")
		w=$(awk -v d=$((t1 - t0)) 'BEGIN { printf "%.1f", d / 1e6 }')
		c=$(awk '{ printf "%.1f", ($1 + $2) * 1000 }' <<<"$out")
		if [ -z "$bw" ] || awk -v a="$w" -v b="$bw" 'BEGIN { exit !(a < b) }'; then bw=$w; fi
		if [ -z "$bc" ] || awk -v a="$c" -v b="$bc" 'BEGIN { exit !(a < b) }'; then bc=$c; fi
	done
	echo "$bw $bc"
}
cat_all() { find versions -name '*.sql' -print0 | xargs -0 cat >/dev/null; }
export -f cat_all

# generate N DIR : the project (cmig.yaml, versions/) and DIR/history.tsv, one line per
# revision in chain order: revision<TAB>SHA-256 of its up section (SPEC §4: the bytes after the
# marker line's newline up to the next marker line)
generate() {
	python3 - "$1" "$2" <<'PY'
import hashlib, os, random, sys
n, d = int(sys.argv[1]), sys.argv[2]
os.makedirs(os.path.join(d, "versions"), exist_ok=True)
rnd = random.Random(42)
ids = set()
while len(ids) < n:
    ids.add("%012x" % rnd.getrandbits(48))
ids = sorted(ids)
rnd.shuffle(ids)           # chain order differs from file-name order, as in real projects
prev = ""
with open(os.path.join(d, "history.tsv"), "w") as h:
    for i, rid in enumerate(ids):
        up = ("CREATE TABLE t_%d (\n    id INTEGER PRIMARY KEY,\n    name TEXT NOT NULL,\n"
              "    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP\n);\n"
              "CREATE INDEX t_%d_name ON t_%d (name);\n\n" % (i, i, i))
        text = ("-- revision: %s\n-- down_revision: %s\n-- message: add table %d\n"
                "-- created: 2026-11-%02dT10:%02d:%02dZ\n\n-- migrate:up\n%s"
                "-- migrate:down\nDROP TABLE t_%d;\n"
                % (rid, prev, i, 1 + i % 28, i // 60 % 60, i % 60, up, i))
        with open(os.path.join(d, "versions", "%s_add_table_%d.sql" % (rid, i)), "w") as f:
            f.write(text)
        h.write("%s\t%s\n" % (rid, hashlib.sha256(up.encode()).hexdigest()))
        prev = rid
with open(os.path.join(d, "cmig.yaml"), "w") as f:
    f.write("versions_dir: versions\n")
PY
}

# build_db DIR URL : the fully applied history in DIR/applied.db.
#   BENCH_BUILD=direct (default): cmig creates its own tables (`stamp base`), then one
#     transaction writes the version row and an `up` row per revision with the checksum
#     computed by generate; the tables the migrations would create are left out (check does
#     not look at them).
#   BENCH_BUILD=upgrade: `cmig upgrade --sql | sqlite3`, every table really created. Slow at
#     100,000 revisions: SQLite's own cost per CREATE grows with the number of tables in the
#     schema (sqlite3FkClearTriggerCache walks them all), so building is quadratic.
build_db() {
	local dir=$1 url=$2
	case ${BENCH_BUILD:-direct} in
	upgrade)
		"$CMIG" upgrade --sql 2>/dev/null | sqlite3 "$dir/applied.db"
		;;
	direct)
		"$CMIG" --url "$url" stamp base >/dev/null 2>&1
		python3 - "$dir" <<'PY'
import sqlite3, sys
d = sys.argv[1]
db = sqlite3.connect(d + "/applied.db")
rows = [l.rstrip("\n").split("\t") for l in open(d + "/history.tsv")]
with db:
    db.execute("DELETE FROM cmig_history")
    db.execute("DELETE FROM cmig_version")
    db.executemany("INSERT INTO cmig_history (revision, direction, checksum, applied_at, duration_ms) "
                   "VALUES (?, 'up', ?, '2026-11-23T12:00:00Z', 1)", rows)
    db.execute("INSERT INTO cmig_version (version_num) VALUES (?)", (rows[-1][0],))
db.close()
PY
		;;
	*) echo "bench_check: BENCH_BUILD is direct or upgrade" >&2; exit 1 ;;
	esac
}

echo "cmig check benchmark: $("$CMIG" --version 2>/dev/null | head -1); $(nproc) CPUs; best of $REPEAT; database built: ${BENCH_BUILD:-direct}"
printf '%-9s %-5s %9s %9s %9s %9s %9s %12s %12s\n' revisions time "cat ms" "check ms" "+db ms" check/cat +db/cat "check us/rev" "+db us/rev"
for n in "${SIZES[@]}"; do
	dir=$WORK/n$n
	generate "$n" "$dir"
	cd "$dir"
	url="sqlite:///$dir/applied.db"
	build_db "$dir" "$url"
	# sanity: at the head, one up row per revision, and both checks clean
	head=$("$CMIG" heads 2>/dev/null | cut -d' ' -f1)
	ver=$(sqlite3 applied.db 'SELECT version_num FROM cmig_version')
	ups=$(sqlite3 applied.db "SELECT count(*) FROM cmig_history WHERE direction = 'up' AND checksum <> ''")
	if [ "$ver" != "$head" ] || [ "$ups" != "$n" ]; then
		echo "bench_check: the database is not fully applied (version $ver, head $head, $ups up rows)" >&2
		exit 1
	fi
	"$CMIG" check >/dev/null 2>&1 || { echo "bench_check: check fails on the generated files:" >&2; "$CMIG" check 2>&1 | tail -3 >&2; exit 1; }
	"$CMIG" --url "$url" check >/dev/null 2>&1 || { echo "bench_check: check with the database fails:" >&2; "$CMIG" --url "$url" check 2>&1 | tail -3 >&2; exit 1; }
	cat_all # warm the page cache
	read -r w_cat c_cat < <(best bash -c cat_all)
	read -r w_chk c_chk < <(best "$CMIG" check)
	read -r w_db c_db < <(best "$CMIG" --url "$url" check)
	read -r w_cat2 c_cat2 < <(best bash -c cat_all) # cat again: the better of the two
	w_cat=$(awk -v a="$w_cat" -v b="$w_cat2" 'BEGIN { print (a < b ? a : b) }')
	c_cat=$(awk -v a="$c_cat" -v b="$c_cat2" 'BEGIN { print (a < b ? a : b) }')
	for kind in wall cpu; do
		if [ $kind = wall ]; then set -- "$w_cat" "$w_chk" "$w_db"; else set -- "$c_cat" "$c_chk" "$c_db"; fi
		awk -v n="$n" -v k="$kind" -v c="$1" -v x="$2" -v d="$3" 'BEGIN {
			if (c <= 0) c = 0.1
			printf "%-9d %-5s %9.1f %9.1f %9.1f %8.2fx %8.2fx %12.2f %12.2f\n",
			       n, k, c, x, d, x / c, d / c, x * 1000 / n, d * 1000 / n }'
	done
	cd - >/dev/null
	rm -rf "$dir"
done
echo "goal: at 100000 revisions +db/cat <= 0.40x"
