#!/usr/bin/env bash
# bench/bench_lint.sh - how fast `cmig check --lint` is (issue 14, SPEC §10).
#
#   bash bench/bench_lint.sh [CMIG] [N]          (default: build-release/src/cmig, 10000)
#   CMIG_BEFORE=/path/to/cmig-without-lint bash bench/bench_lint.sh   (also time plain check
#                                                  with a binary built before lint existed)
#
# Generates N revision files (one linear chain; each a typical small migration mixing what
# the rules look at: CREATE TABLE, CREATE INDEX on an earlier table, ADD COLUMN with and
# without defaults, a varchar widening, a CHECK … NOT VALID + VALIDATE, a rename now and then,
# a transaction:false section with CREATE INDEX CONCURRENTLY), then times with hyperfine
# (warm page cache, median of $BENCH_RUNS, default 7):
#   cat       `cat versions/*.sql >/dev/null` through xargs (every byte read once)
#   check     `cmig check` (lint off)
#   lint      `cmig check --lint` with `dialects: [sqlite, postgresql]` (both rule sets, the
#             chain replay for lint-type-change / lint-set-not-null)
#   squawk    squawk's native binary over the same files, `--reporter gcc` (installed into a
#             scratch directory with npm: `npm install squawk-cli`; its JS wrapper is bypassed,
#             it adds ~130 ms of node start-up)
# Goal (issue 14): lint <= 1.0x cat, faster than squawk; plain check unchanged by lint.
# On a loaded machine wall times swing; the lowest CPU time (user + system) of $BENCH_RUNS
# interleaved runs, printed last, is the steadier figure. BENCH_KEEP=1 keeps the work dir.
# Not part of the test suite. Needs python3, hyperfine, npm (for squawk). Use a Release build.
set -euo pipefail
cd "$(dirname "$0")/.."
CMIG=${1:-build-release/src/cmig}
N=${2:-10000}
RUNS=${BENCH_RUNS:-7}
[ -x "$CMIG" ] || { echo "bench_lint: no cmig binary at $CMIG (cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release && cmake --build build-release)" >&2; exit 1; }
CMIG=$(cd "$(dirname "$CMIG")" && pwd)/$(basename "$CMIG")
command -v hyperfine >/dev/null || { echo "bench_lint: hyperfine is needed" >&2; exit 1; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cmig-bench-lint.XXXXXX")
[ -n "${BENCH_KEEP:-}" ] || trap 'rm -rf "$WORK"' EXIT

SQUAWK=${SQUAWK:-}
if [ -z "$SQUAWK" ]; then
	(cd "$WORK" && npm install --silent --no-audit --no-fund squawk-cli >/dev/null 2>&1) ||
		{ echo "bench_lint: npm install squawk-cli failed" >&2; exit 1; }
	SQUAWK=$(find "$WORK/node_modules" -path '*/bin/squawk' -type f ! -path '*/js/*' | head -1)
fi
[ -x "$SQUAWK" ] || { echo "bench_lint: no squawk binary" >&2; exit 1; }

python3 - "$N" "$WORK/p" <<'PY'
import os, random, sys
n, d = int(sys.argv[1]), sys.argv[2]
os.makedirs(os.path.join(d, "versions"))
rnd = random.Random(14)
ids = sorted({"%012x" % rnd.getrandbits(48) for _ in range(n * 2)})[:n]
rnd.shuffle(ids)
prev = ""
for i, rid in enumerate(ids):
    k = i % 5
    if k == 0:
        up = ("CREATE TABLE t_%d (\n    id BIGINT PRIMARY KEY,\n    name VARCHAR(50) NOT NULL,\n"
              "    price NUMERIC(10,2),\n    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP\n);\n"
              "CREATE INDEX t_%d_name ON t_%d (name);\n" % (i, i, i))
        down = "DROP TABLE t_%d;\n" % i
        sect = ""
    elif k == 1:
        t = i - 1
        up = ("SET LOCAL lock_timeout = '5s';\nALTER TABLE t_%d ADD COLUMN note TEXT;\n"
              "ALTER TABLE t_%d ADD COLUMN active BOOLEAN NOT NULL DEFAULT TRUE;\n"
              "ALTER TABLE t_%d ALTER COLUMN name TYPE VARCHAR(100);\n" % (t, t, t))
        down = "ALTER TABLE t_%d DROP COLUMN active;\nALTER TABLE t_%d DROP COLUMN note;\n" % (t, t)
        sect = ""
    elif k == 2:
        t = i - 2
        up = ("CREATE INDEX CONCURRENTLY IF NOT EXISTS t_%d_created ON t_%d (created_at);\n"
              "-- a comment with ALTER TABLE t_%d RENAME TO x; in it\n" % (t, t, t))
        down = "DROP INDEX CONCURRENTLY IF EXISTS t_%d_created;\n" % t
        sect = " transaction:false"
    elif k == 3:
        t = i - 3
        up = ("ALTER TABLE t_%d ADD CONSTRAINT t_%d_price_pos CHECK (price >= 0) NOT VALID;\n"
              "INSERT INTO t_%d (id, name, price) VALUES (1, 'it''s; not a statement', 9.5);\n" % (t, t, t))
        down = "ALTER TABLE t_%d DROP CONSTRAINT t_%d_price_pos;\n" % (t, t)
        sect = ""
    else:
        t = i - 4
        up = ("ALTER TABLE t_%d VALIDATE CONSTRAINT t_%d_price_pos;\n"
              "CREATE VIEW v_%d AS SELECT id, name FROM t_%d WHERE active;\n" % (t, t, t, t))
        down = "DROP VIEW v_%d;\n" % t
        sect = ""
    text = ("-- revision: %s\n-- down_revision: %s\n-- message: step %d\n"
            "-- created: 2026-11-%02dT10:%02d:%02dZ\n\n-- migrate:up%s\n%s\n-- migrate:down%s\n%s"
            % (rid, prev, i, 1 + i % 28, i // 60 % 60, i % 60, sect, up, sect, down))
    with open(os.path.join(d, "versions", "%s_step_%d.sql" % (rid, i)), "w") as f:
        f.write(text)
    prev = rid
with open(os.path.join(d, "cmig.yaml"), "w") as f:
    f.write("versions_dir: versions\ndialects: [sqlite, postgresql]\n")
PY
cd "$WORK/p"
cat_all() { find versions -name '*.sql' -print0 | xargs -0 cat >/dev/null; }
export -f cat_all
"$CMIG" check --lint >/dev/null 2>"$WORK/lint.txt" || true
echo "cmig check --lint over $N revisions: $(tail -1 "$WORK/lint.txt")"
echo "squawk: $("$SQUAWK" --version)"
cmds=(-n cat "bash -c cat_all"
      -n check "$CMIG check"
      -n lint "$CMIG check --lint"
      -n squawk "$SQUAWK --reporter gcc --pg-version 15.0 'versions/*.sql'")
[ -n "${CMIG_BEFORE:-}" ] && cmds+=(-n check-before-lint "$CMIG_BEFORE check")
hyperfine -N -i --warmup 1 --runs "$RUNS" --export-json "$WORK/h.json" "${cmds[@]}" >/dev/null 2>&1 ||
	hyperfine -i --warmup 1 --runs "$RUNS" --export-json "$WORK/h.json" "${cmds[@]}" >/dev/null
python3 - "$WORK/h.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
cat = r["cat"]["median"]
print("%-18s %10s %10s %10s" % ("", "median ms", "user+sys", "x cat"))
for k in ("cat", "check", "check-before-lint", "lint", "squawk"):
    if k in r:
        x = r[k]
        print("%-18s %10.1f %10.1f %10.2f" % (k, x["median"] * 1e3, (x["user"] + x["system"]) * 1e3,
                                            x["median"] / cat))
print("lint vs squawk: %.1fx faster" % (r["squawk"]["median"] / r["lint"]["median"]))
PY
# lowest CPU time of interleaved runs (GNU time, 10 ms resolution)
if [ -x /usr/bin/time ]; then
	declare -A best=()
	names=(cat check lint)
	[ -n "${CMIG_BEFORE:-}" ] && names+=(check-before-lint)
	for ((i = 0; i < RUNS; i++)); do
		for nm in "${names[@]}"; do
			case $nm in
			cat) c=(bash -c cat_all) ;;
			check) c=("$CMIG" check) ;;
			lint) c=("$CMIG" check --lint) ;;
			check-before-lint) c=("$CMIG_BEFORE" check) ;;
			esac
			/usr/bin/time -o "$WORK/t" -f '%U %S' "${c[@]}" >/dev/null 2>&1 || true
			ms=$(awk '{ printf "%d", ($1 + $2) * 1000 + 0.5 }' "$WORK/t")
			if [ -z "${best[$nm]:-}" ] || [ "$ms" -lt "${best[$nm]}" ]; then best[$nm]=$ms; fi
		done
	done
	printf 'lowest CPU ms of %d interleaved runs:' "$RUNS"
	for nm in "${names[@]}"; do printf ' %s %s' "$nm" "${best[$nm]}"; done
	echo
fi
