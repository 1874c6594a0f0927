#!/usr/bin/env bash
# Issue 11, memory that grows with the chain: `check`, `heads` and `history` hold no file's
# text, so their peak RSS grows by at most 1 KiB a revision (the goal's rate: 100 MiB at
# 100,000 revisions; before issue 11 it grew by 1.7 KiB). Measured as the difference between
# 2,000 and 20,000 generated revisions (the program's own base cancels out) with GNU time's
# maximum resident set size. (That the texts read again are run is what every upgrade test
# shows; test_api_reread.c shows a changed file refused.)
# A sanitizer build is skipped: its allocator's shadow memory is not the program's.
. "$(dirname "$0")/batch_lib.sh"

[ -x /usr/bin/time ] || { echo "t534: GNU time (/usr/bin/time) is needed" >&2; exit 1; }
command -v python3 >/dev/null || { echo "t534: python3 is needed" >&2; exit 1; }
if ldd "$CMIG" 2>/dev/null | grep -Eq 'lib(a|t)san' ||
	nm "$CMIG" 2>/dev/null | grep -Eq '__(a|t)san_init'; then
	echo "t534: skipped in a sanitizer build (memory measured in the normal build)"
	exit 0
fi

# gen N DIR YAML : a project of N revisions, one linear chain, chain order unlike name order
gen() {
	python3 - "$1" "$2" "$3" <<'PY'
import os, random, sys
n, d, yaml = int(sys.argv[1]), sys.argv[2], sys.argv[3]
os.makedirs(os.path.join(d, "versions"))
rnd = random.Random(7)
ids = sorted({"%012x" % rnd.getrandbits(48) for _ in range(n)})
rnd.shuffle(ids)
prev = ""
for i, rid in enumerate(ids):
    with open(os.path.join(d, "versions", "%s_t%d.sql" % (rid, i)), "w") as f:
        f.write("-- revision: %s\n-- down_revision: %s\n-- message: add table %d\n"
                "-- created: 2026-11-01T10:00:00Z\n\n-- migrate:up\n"
                "CREATE TABLE t_%d (\n    id INTEGER PRIMARY KEY,\n    name TEXT NOT NULL\n);\n"
                "CREATE INDEX t_%d_name ON t_%d (name);\n\n-- migrate:down\nDROP TABLE t_%d;\n"
                % (rid, prev, i, i, i, i, i))
    prev = rid
with open(os.path.join(d, "cmig.yaml"), "w") as f:
    f.write(yaml + "\n")
PY
}

# rss DIR CMD : peak RSS in KiB of `cmig CMD` in DIR (it must exit 0)
rss() {
	(cd "$1" && /usr/bin/time -o "$T_DIR/time" -f '%M' "$CMIG" "$2" >"$T_DIR/out" 2>"$T_DIR/err") ||
		{ fail "$2 in $1 exits non-zero"; sed 's/^/  stderr: /' "$T_DIR/err" >&2; }
	tail -n 1 "$T_DIR/time"
}

# no database: `check` reads the files and the chain only (bench/bench_check.sh's `check`)
gen 2000 "$T_DIR/small" "versions_dir: versions"
gen 20000 "$T_DIR/large" "versions_dir: versions"
for cmd in check heads history; do
	a=$(rss "$T_DIR/small" "$cmd")
	b=$(rss "$T_DIR/large" "$cmd")
	per=$(( (b - a) * 1024 / 18000 ))
	echo "  $cmd: $a KiB at 2,000 revisions, $b KiB at 20,000: $per bytes a revision"
	if [ "$per" -le 1024 ]; then
		ok "$cmd: peak RSS grows by at most 1 KiB a revision"
	else
		fail "$cmd: peak RSS grows by $per bytes a revision (limit 1024)"
	fi
done

finish
