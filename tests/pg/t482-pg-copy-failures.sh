#!/bin/bash
# t482 (PostgreSQL): failures in the middle of a copy leave the target exactly as before
# (SPEC §9 "all or nothing"; issue 12): kill -9 of cmig during a large copy, a
# statement_timeout firing during the COPY, the target's tablespace running out of space
# (a 2 MiB tmpfs: a full WAL disk would PANIC the cluster, a full tablespace only fails the
# statement), a dead or unreachable target or source. Passwords in either URL are never
# printed. After each failure the target has no rows, its schema is unchanged (the indexes
# and foreign keys the copy drops for speed are back) and the next copy succeeds.
ALLOW_SQLITE_FILES=1 # the SQLite side of the copy
. "$(dirname "$0")/../cli/lib.sh"
[ "$CMIG_TEST_BACKEND" = postgresql ] || _die "a PostgreSQL-only test (CMIG_TEST_BACKEND=postgresql)"

G=$CMIG_SOURCE_DIR/examples/grids
CFG=(-c "$G/cmig.yaml")
SRC=$TEST_DIR/big.db
CMIG=$CMIG bash "$G/make_sqlite_db.sh" "$SRC" 30000 || _die "make_sqlite_db.sh failed"
pg() { psql -X -At -q -v ON_ERROR_STOP=1 -d "$PGDB" -c "$1"; }
schema_dump() { pg_dump -s -d "$PGDB" | grep -v '^\\\(un\)\{0,1\}restrict '; }

new_db
PG=$DB_URL
PGDB=$DB_NAME
assert_exit 0 "${CFG[@]}" --url "$PG" upgrade head
schema_dump >"$TEST_DIR/schema.before"

unchanged() { # WHAT
	assert_eq "$(pg "SELECT (SELECT count(*) FROM public_grids) + (SELECT count(*) FROM secret_grids) + (SELECT count(*) FROM solves)")" \
		"0" "$1: the target has none of the rows"
	schema_dump >"$TEST_DIR/schema.now"
	assert_true "$1: the target's schema is as before" cmp -s "$TEST_DIR/schema.before" "$TEST_DIR/schema.now"
}

# --- the target runs out of space (first: the cases below leave dead pages a move would
# need room for) ---------------------------------------------------------
TS=/tmp/cmig-copy-ts.$$
TSNAME=copy_small_$$
mkdir -p "$TS" && chmod 755 "$TS"
if mount -t tmpfs -o size=2m tmpfs "$TS" 2>"$TEST_DIR/mount.err"; then
	_ts_cleanup() {
		pg "ALTER TABLE public_grids SET TABLESPACE pg_default; ALTER TABLE secret_grids SET TABLESPACE pg_default;
		    ALTER TABLE solves SET TABLESPACE pg_default" >/dev/null 2>&1
		psql -X -q -d postgres -c "DROP TABLESPACE IF EXISTS $TSNAME" >/dev/null 2>&1
		umount "$TS" 2>/dev/null
		rmdir "$TS" 2>/dev/null
	}
	trap '_rc=$?; _ts_cleanup; (exit $_rc); _cleanup' EXIT
	chown "$(stat -c %U "$PGHOST")" "$TS"
	psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE TABLESPACE $TSNAME LOCATION '$TS'" ||
		_die "cannot create the tablespace"
	pg "ALTER TABLE public_grids SET TABLESPACE $TSNAME; ALTER TABLE secret_grids SET TABLESPACE $TSNAME;
	    ALTER TABLE solves SET TABLESPACE $TSNAME"
	schema_dump >"$TEST_DIR/schema.before"
	assert_exit 1 "${CFG[@]}" copy --from "sqlite:///$SRC" --to "$PG"
	assert_match "$ERR" "could not extend file|No space left on device" "out of space: the server's error"
	unchanged "out of space"
	_ts_cleanup
	trap _cleanup EXIT
	schema_dump >"$TEST_DIR/schema.before"
else
	_fail "cannot mount a tmpfs for the out-of-space case (needs root): $(cat "$TEST_DIR/mount.err")"
	rmdir "$TS"
fi

# --- kill -9 in the middle of the copy ----------------------------------------------------------
"$CMIG" "${CFG[@]}" copy --from "sqlite:///$SRC" --to "$PG" >/dev/null 2>&1 &
pid=$!
_BG_PIDS="$_BG_PIDS $pid"
copying=0
for _ in $(seq 1 200); do
	if [ "$(pg "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'COPY %FROM STDIN'")" != 0 ]; then
		copying=1
		break
	fi
	sleep 0.05
done
assert_eq "$copying" "1" "kill -9: the copy was seen in the middle of a COPY"
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
for _ in $(seq 1 100); do # the server notices the lost client (client_connection_check_interval)
	[ "$(pg "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'")" = 0 ] && break
	sleep 0.1
done
unchanged "kill -9"

# --- statement_timeout during the COPY --------------------------------------------------------
# a source big enough that the COPY of public_grids outlasts 300 ms by far on any machine (30,000
# rows came within it once the copy got faster: the test must not depend on cmig being slow)
CMIG=$CMIG bash "$G/make_sqlite_db.sh" "$TEST_DIR/bigger.db" 300000 || _die "make_sqlite_db.sh failed"
assert_exit 1 "${CFG[@]}" copy --from "sqlite:///$TEST_DIR/bigger.db" --to "$PG&options=-c%20statement_timeout%3D300"
assert_contains "$ERR" "canceling statement due to statement timeout" "statement_timeout: the server's error"
assert_contains "$ERR" "table public_grids" "statement_timeout: names the table"
unchanged "statement_timeout"

# --- dead or unreachable databases; passwords never printed -------------------------------------
RAW='Zq9%3Ax%40y'
DEC='Zq9:x@y'
no_secret() {
	assert_not_contains "$OUT$ERR" "$RAW" "$1: raw password absent"
	assert_not_contains "$OUT$ERR" "$DEC" "$1: decoded password absent"
	assert_not_contains "$OUT$ERR" "Zq9" "$1: no fragment of the password"
}
assert_exit 1 "${CFG[@]}" copy --from "sqlite:///$SRC" --to "postgresql://alice:$RAW@127.0.0.1:1/db?connect_timeout=3"
assert_contains "$ERR" "127.0.0.1" "dead target: names the host"
assert_match "$ERR" "port 1|:1" "dead target: names the port"
no_secret "dead target"
assert_exit 1 "${CFG[@]}" copy --from "postgresql://bob:$RAW@127.0.0.1:1/db?connect_timeout=3" --to "$PG"
assert_contains "$ERR" "127.0.0.1" "dead source: names the host"
no_secret "dead source"
unchanged "dead source"
assert_exit 1 "${CFG[@]}" copy --from "sqlite:///$TEST_DIR/nonexistent.db" --to "$PG"
assert_contains "$ERR" "does not exist" "a missing SQLite source is named"
assert_false "a missing SQLite source is not created" test -e "$TEST_DIR/nonexistent.db"
assert_exit 2 "${CFG[@]}" copy --to "$PG"
assert_contains "$ERR" "needs both --from URL and --to URL" "missing --from: exit 2"
assert_exit 2 "${CFG[@]}" copy --from "sqlite:///$SRC"
assert_contains "$ERR" "needs both --from URL and --to URL" "missing --to: exit 2"

# --- and then a copy succeeds (no lock or half state left behind), with a password in the URL
GOOD="postgresql://$PGUSER:$RAW@/$PGDB?host=$PGHOST&port=$PGPORT"
assert_exit 0 "${CFG[@]}" -v copy --from "sqlite:///$SRC" --to "$GOOD"
no_secret "successful copy"
assert_eq "$(pg "SELECT count(*) FROM public_grids")" "30000" "the copy after the failures succeeds"
schema_dump >"$TEST_DIR/schema.now"
assert_true "its schema is as before" cmp -s "$TEST_DIR/schema.before" "$TEST_DIR/schema.now"

finish
