#!/usr/bin/env bash
# SPEC §4 (issue 10), SQLite: errors of the database itself name the database, not the
# migration line; the waiting line says another connection (here the sqlite3 shell) holds
# the database, not "another cmig run"; after SIGINT, SIGTERM or SIGKILL in the middle of a
# migration (a hot journal), status, current, check and upgrade --check work and change
# nothing but the rollback SQLite does; when the user cannot write the file, they say the
# journal must be rolled back by someone who can.
# "A user who cannot write": as root (where permissions do not apply) cmig runs as nobody
# through setpriv; otherwise the files are chmod'ed.
. "$(dirname "$0")/batch_lib.sh"
chmod 755 "$T_DIR"

# as_other CMD... : run as a user who cannot write what is not world-writable
as_other() {
	if [ "$(id -u)" = 0 ]; then
		setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
	else
		"$@"
	fi
}
CMIG_OTHER=$CMIG
cm_other() {
	as_other "$CMIG_OTHER" "$@" >"$T_DIR/out" 2>"$T_DIR/err"
	RC=$?
}
if [ "$(id -u)" = 0 ]; then
	command -v setpriv >/dev/null || { echo "t532: root needs setpriv to test a read-only database" >&2; exit 1; }
	if ! as_other test -x "$CMIG"; then
		# the build tree sits under a directory nobody may enter (a clone in a mktemp -d):
		# nobody runs a copy of the same binary (it links libcmig statically)
		cp "$CMIG" "$T_DIR/cmig" && chmod 755 "$T_DIR/cmig" && CMIG_OTHER=$T_DIR/cmig
	fi
	as_other test -x "$CMIG_OTHER" || { echo "t532: user nobody cannot run $CMIG_OTHER" >&2; exit 1; }
fi
# read_only PATH... : nobody can write them (as root: they are root's, 0644/0755 already)
read_only() { chmod a-w "$@"; }
writable() { chmod u+w "$@"; }

rev a1 none <<'EOF2'
CREATE TABLE z (v INTEGER);
EOF2
rev a2 a1 <<'EOF2'
CREATE TABLE y (v INTEGER);

INSERT INTO y VALUES (1);
EOF2
cm upgrade a1
expect_rc "upgrade a1" 0
chmod a+r t.db cmig.yaml versions versions/*

# 1. a read-only database file: the error names the database; the line is a detail
read_only t.db
cm_other upgrade
expect_rc "read-only file: upgrade fails" 1
expect_err_match "names the database" '^cmig: error: SQLite database .*t\.db: attempt to write a readonly database'
expect_err_match "the migration line is a detail" '^  detail: while running versions/a2_x\.sql:[0-9]+$'
if grep -q 'a2_x.sql:[0-9]*: error' "$T_DIR/err"; then fail "the migration is blamed"; else ok "the migration is not blamed"; fi
writable t.db
expect_eq "still at a1" "$(q 'SELECT version_num FROM cmig_version')" a1

# 2. a read-only directory (the journal cannot be created)
read_only "$T_DIR"
cm_other upgrade
expect_rc "read-only directory: upgrade fails" 1
expect_err_match "names the database" '^cmig: error: SQLite database .*t\.db: '
if grep -q 'a2_x.sql:[0-9]*: error' "$T_DIR/err"; then fail "the migration is blamed"; else ok "the migration is not blamed"; fi
chmod 755 "$T_DIR"
expect_eq "still at a1" "$(q 'SELECT version_num FROM cmig_version')" a1

# 3. the sqlite3 shell holds the write lock: the waiting line says so, the give-up names it
( echo 'BEGIN IMMEDIATE;'; echo 'INSERT INTO z VALUES (7);'; sleep 4; echo 'COMMIT;' ) | sqlite3 t.db &
holder=$!
for _ in $(seq 1 100); do [ -s t.db-journal ] && break; sleep 0.05; done
cm --lock-timeout 1.5 upgrade
expect_rc "locked by the shell: upgrade gives up" 1
expect_err_match "the waiting line" '^cmig: waiting for the database lock: another connection holds SQLite database .*t\.db$'
expect_err_match "the give-up names the database" 'gave up waiting for the database lock after 1\.5 seconds \(--lock-timeout\): another connection holds SQLite database .*t\.db'
if grep -q 'another cmig run' "$T_DIR/err"; then fail "blames another cmig run"; else ok "does not blame another cmig run"; fi
wait "$holder"
expect_eq "still at a1" "$(q 'SELECT version_num FROM cmig_version')" a1

# 4. interrupted in the middle of a migration: a hot journal; the four read-only commands work
rev a3 a2 <<'EOF2'
CREATE TABLE big (v INTEGER);
INSERT INTO big WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 50000000) SELECT i FROM c;
EOF2
cm upgrade a2
expect_rc "upgrade a2" 0
cp t.db at-a2.db
size0=$(stat -c %s t.db)
n=0
for sig in INT TERM KILL; do
	for first in status current check "upgrade --check"; do
		n=$((n + 1))
		[ $((n % 3)) = 1 ] || continue # three signals x a rotating first command
		cp at-a2.db t.db
		rm -f t.db-journal
		env --default-signal=INT "$CMIG" upgrade >/dev/null 2>"$T_DIR/run.err" &
		pid=$!
		# once the database file has grown, changed pages are in it: the journal is hot
		for _ in $(seq 1 1000); do [ "$(stat -c %s t.db)" -gt "$size0" ] && break; sleep 0.01; done
		kill -s "$sig" "$pid"
		wait "$pid"
		expect_eq "SIG$sig: a hot journal is left" "$(head -c 1 t.db-journal | od -An -tx1 | tr -d ' ')" d9
		for c in "$first" status current check "upgrade --check"; do
			# shellcheck disable=SC2086
			cm $c
			case $c in
			"upgrade --check")
				expect_rc "SIG$sig: $c after $first" 3
				expect_eq "SIG$sig: $c lists a3" "$(cat "$T_DIR/out")" a3 ;;
			current)
				expect_rc "SIG$sig: $c after $first" 0
				expect_eq "SIG$sig: current is a2" "$(cat "$T_DIR/out")" a2 ;;
			*)
				expect_rc "SIG$sig: $c after $first" 0 ;;
			esac
		done
		expect_eq "SIG$sig: journal rolled back" "$([ -s t.db-journal ] && echo left || echo gone)" gone
		expect_eq "SIG$sig: no table big" "$(q "SELECT count(*) FROM sqlite_master WHERE name = 'big'")" 0
		expect_eq "SIG$sig: integrity" "$(q 'PRAGMA integrity_check')" ok
	done
done

# 5. a hot journal the user cannot roll back: an error naming the database, saying who can
cp at-a2.db t.db
"$CMIG" upgrade >/dev/null 2>"$T_DIR/run.err" &
pid=$!
for _ in $(seq 1 1000); do [ "$(stat -c %s t.db)" -gt "$size0" ] && break; sleep 0.01; done
kill -KILL "$pid"
wait "$pid"
chmod a+r t.db t.db-journal
read_only t.db t.db-journal
for c in status current check "upgrade --check"; do
	# shellcheck disable=SC2086
	cm_other $c
	expect_rc "unwritable hot journal: $c fails" 1
	expect_err_match "unwritable hot journal: $c names the database and who can help" \
		'SQLite database .*t\.db has the journal of an interrupted run .*must be rolled back by someone who can write the file and its directory'
done
writable t.db t.db-journal
cm current
expect_eq "the owner's current rolls it back" "$(cat "$T_DIR/out")" a2
finish
