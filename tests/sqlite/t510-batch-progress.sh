#!/usr/bin/env bash
# Issue 5 (progress): a rebuild of a big table shows the rows copied on an interactive
# terminal; it is quiet when stderr is not a terminal, and with -q.
. "$(dirname "$0")/batch_lib.sh"
command -v script >/dev/null || { echo "t510: script(1) is needed to run cmig on a terminal" >&2; exit 1; }

rev a1 none <<'EOF2'
CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT);
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 50000)
INSERT INTO items SELECT i, 'n' || i FROM c;
EOF2
rev a2 a1 <<'EOF2'
ALTER TABLE items ALTER COLUMN name SET NOT NULL;
-- down
ALTER TABLE items ALTER COLUMN name DROP NOT NULL;
EOF2
cm upgrade a1
expect_rc "upgrade to a1" 0

on_tty() { script -qec "$*" /dev/null | tr '\r' '\n'; }
out=$(on_tty "'$CMIG' upgrade a2")
if printf '%s\n' "$out" | grep -q 'rebuilding items: 50000/50000 rows'; then
	ok "a terminal shows the rows copied"
else
	fail "no progress on a terminal"
	printf '%s\n' "$out" >&2
fi
cm downgrade a1
expect_rc "downgrade, stderr not a terminal" 0
if grep -q rebuilding "$T_DIR/err"; then fail "progress shown when stderr is not a terminal"; else ok "quiet when not a terminal"; fi
out=$(on_tty "'$CMIG' -q upgrade a2")
if printf '%s\n' "$out" | grep -q rebuilding; then fail "progress shown with -q"; else ok "quiet with -q"; fi
expect_eq "the -q upgrade ran" "$(q 'SELECT version_num FROM cmig_version')" "a2"
finish
