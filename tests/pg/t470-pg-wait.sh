#!/bin/bash
# t470 (PostgreSQL): --wait SECONDS keeps retrying the connection (SPEC §5), for databases
# still starting: against a server that never comes it fails after about that long, naming
# host and port; against one that appears while it waits (here: its socket appears) it
# connects and migrates.
. "$(dirname "$0")/../cli/lib.sh"
[ "$CMIG_TEST_BACKEND" = postgresql ] || _die "a PostgreSQL-only test (CMIG_TEST_BACKEND=postgresql)"

new_db
new_project
chain a1

# no server at all
s=$(now_ns)
assert_exit 1 upgrade head --wait 2 --url "postgresql:///$DB_NAME?host=$TEST_DIR/late&port=$PGPORT"
e=$(now_ns)
ms=$(((e - s) / 1000000))
assert_true "retried for about 2 s (${ms} ms)" test "$ms" -ge 1900 -a "$ms" -lt 6000
assert_contains "$ERR" "$TEST_DIR/late" "names the host (the socket directory)"
assert_contains "$ERR" "$PGPORT" "names the port"
s=$(now_ns)
assert_exit 1 upgrade head --url "postgresql:///$DB_NAME?host=$TEST_DIR/late&port=$PGPORT"
e=$(now_ns)
assert_true "without --wait it fails at once" test $(((e - s) / 1000000)) -lt 1500
assert_match "$ERR" "hint: .*--wait" "and suggests --wait"

# the server's socket appears after a second: a run with --wait 10 gets through
mkdir -p "$TEST_DIR/late"
(sleep 1.2 && ln -s "$PGHOST/.s.PGSQL.$PGPORT" "$TEST_DIR/late/.s.PGSQL.$PGPORT") &
_BG_PIDS="$_BG_PIDS $!"
s=$(now_ns)
assert_exit 0 upgrade head --wait 10 --url "postgresql:///$DB_NAME?host=$TEST_DIR/late&port=$PGPORT"
e=$(now_ns)
assert_true "connected once the socket appeared" test $(((e - s) / 1000000)) -ge 1100
assert_db_version a1
assert_backend_db

finish
