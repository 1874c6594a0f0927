#!/bin/bash
# t080: every chain error of SPEC §3 — `check` lists them all at once in the §7 text format
# (`path:line: error|warning: message`, then `N error(s), M warning(s)`); upgrade (and every
# command that needs the chain) refuses and leaves the database untouched.
. "$(dirname "$0")/lib.sh"
new_db
new_project
chain a1 b2
assert_exit 0 upgrade head
assert_backend_db
START=$(db_state)

# a clean project checks clean
assert_exit 0 check
assert_eq "0 errors, 0 warnings" "$(printf '%s\n' "$ERR" | tail -n 1)" "summary of a clean check"

refuses() { # WHAT : upgrade and other chain commands refuse, db untouched
	local c
	for c in "upgrade head" "upgrade --check" "downgrade base" "history" "status" "stamp head"; do
		# shellcheck disable=SC2086
		run_cmig $c
		if [ "$RC" = 1 ]; then _pass "$1: $c refuses"; else _fail "$1: '$c' exit $RC, want 1"; _show_last_run; fi
	done
	assert_eq "$START" "$(db_state)" "$1: database untouched"
}

# --- branch, with the exact SPEC §3 line
write_rev c3 b2
write_rev c9 b2
assert_exit 1 check
assert_contains "$ERR" "versions/c3_x.sql:2: error: branch: both c3 (versions/c3_x.sql) and c9 (versions/c9_x.sql) follow b2" "branch diagnostic"
assert_eq "1 error, 0 warnings" "$(summary)" "branch summary"
refuses branch
assert_exit 1 upgrade head
assert_contains "$ERR" "versions/c3_x.sql:2: error: branch: both c3 (versions/c3_x.sql) and c9 (versions/c9_x.sql) follow b2" "upgrade prints the diagnostic"
rm versions/c3_x.sql versions/c9_x.sql

# --- duplicate
write_rev b2 a1
cp versions/b2_x.sql versions/b2_y.sql
assert_exit 1 check
assert_match "$ERR" '^versions/b2_[xy]\.sql:[0-9]+: error: .*b2' "duplicate reported at a file of b2"
assert_eq "1 error, 0 warnings" "$(summary)" "duplicate summary"
refuses duplicate
rm versions/b2_y.sql

# --- missing parent
write_rev c3 nothere
assert_exit 1 check
assert_match "$ERR" '^versions/c3_x\.sql:[0-9]+: error: .*nothere' "missing parent names the missing id"
refuses missing-parent
rm versions/c3_x.sql

# --- cycle (c1 <-> c2, beside a good root)
write_rev c1 c2
write_rev c2 c1
assert_exit 1 check
assert_match "$ERR" '^versions/c[12]_x\.sql:[0-9]+: error: .*cycle' "cycle reported"
refuses cycle
rm versions/c1_x.sql versions/c2_x.sql

# --- roots: two roots
write_rev z1 ""
assert_exit 1 check
assert_match "$ERR" 'error: .*root' "two roots reported"
refuses roots
rm versions/z1_x.sql

# --- filename: the file name does not begin with <revision>_
write_rev c3 b2
mv versions/c3_x.sql versions/cc3_x.sql
assert_exit 1 check
assert_match "$ERR" '^versions/cc3_x\.sql:[0-9]+: error: ' "filename mismatch reported at the file"
refuses filename
rm versions/cc3_x.sql
# <revision>.sql is a fine name; non-.sql and dot files are not migrations
write_rev c3 b2
mv versions/c3_x.sql versions/c3.sql
echo "notes" >versions/README.md
cp versions/c3.sql versions/.c3_hidden.sql
cp versions/c3.sql versions/c3_x.sql.bak
assert_exit 0 check
assert_eq "0 errors, 0 warnings" "$(summary)" "<rev>.sql accepted; other files ignored"
rm versions/c3.sql versions/README.md versions/.c3_hidden.sql versions/c3_x.sql.bak

# --- parse: missing revision header, no -- migrate:up, repeated section
printf -- '-- down_revision: b2\n\n-- migrate:up\nSELECT 1;\n' >versions/p1_x.sql
assert_exit 1 check
assert_match "$ERR" '^versions/p1_x\.sql(:[0-9]+)?: error: ' "missing revision header"
refuses parse-missing-revision
rm versions/p1_x.sql
printf -- '-- revision: p2\n-- down_revision: b2\n\nSELECT 1;\n' >versions/p2_x.sql
assert_exit 1 check
assert_match "$ERR" '^versions/p2_x\.sql(:[0-9]+)?: error: ' "no -- migrate:up"
rm versions/p2_x.sql
printf -- '-- revision: p3\n-- down_revision: b2\n\n-- migrate:up\nSELECT 1;\n-- migrate:up\nSELECT 2;\n-- migrate:down\n' >versions/p3_x.sql
assert_exit 1 check
assert_match "$ERR" '^versions/p3_x\.sql:[0-9]+: error: ' "repeated section"
rm versions/p3_x.sql

# --- warnings: no-down, unknown-header, created; --strict makes them errors
write_rev c3 b2 "SELECT 1;" "@none"
assert_exit 0 check
assert_match "$ERR" '^versions/c3_x\.sql(:[0-9]+)?: warning: ' "no-down warning"
assert_eq "0 errors, 1 warning" "$(summary)" "one warning"
assert_exit 1 check --strict
assert_eq "1 error, 0 warnings" "$(summary)" "--strict counts the warning as an error"
write_rev c3 b2 "SELECT 1;" ""
sed -i '3a -- author: somebody\n-- created: last tuesday' versions/c3_x.sql
assert_exit 0 check
assert_match "$ERR" '^versions/c3_x\.sql:4: warning: .*author' "unknown-header warning at its line"
assert_match "$ERR" '^versions/c3_x\.sql:5: warning: ' "created warning at its line"
assert_eq "0 errors, 2 warnings" "$(summary)" "two warnings"
assert_exit 1 check --strict
assert_eq "2 errors, 0 warnings" "$(summary)" "--strict: two errors"
rm versions/c3_x.sql

# --- all at once: one check reports every problem of every kind
write_rev c3 b2
write_rev c9 b2                                   # branch
write_rev m1 missing_one                          # missing parent
write_rev y1 y2; write_rev y2 y1                  # cycle
cp versions/a1_x.sql versions/a1_again.sql        # duplicate (also a second root)
printf -- '-- down_revision: b2\n-- migrate:up\n' >versions/q1_x.sql   # parse
write_rev f1 c3; mv versions/f1_x.sql versions/ff1_x.sql               # filename
write_rev w1 c9 "SELECT 1;" "@none"               # warning: no-down
assert_exit 1 check
assert_contains "$ERR" "versions/c3_x.sql:2: error: branch: both c3 (versions/c3_x.sql) and c9 (versions/c9_x.sql) follow b2" "all at once: branch"
assert_match "$ERR" '^versions/m1_x\.sql:[0-9]+: error: .*missing_one' "all at once: missing parent"
assert_match "$ERR" '^versions/y[12]_x\.sql:[0-9]+: error: .*cycle' "all at once: cycle"
assert_match "$ERR" '^versions/a1_(x|again)\.sql:[0-9]+: error: .*a1' "all at once: duplicate"
assert_match "$ERR" '^versions/q1_x\.sql(:[0-9]+)?: error: ' "all at once: parse"
assert_match "$ERR" '^versions/ff1_x\.sql:[0-9]+: error: ' "all at once: filename"
assert_match "$ERR" '^versions/w1_x\.sql(:[0-9]+)?: warning: ' "all at once: no-down warning"
nerr=$(printf '%s\n' "$ERR" | grep -cE '^(versions/[^:]+(:[0-9]+)?|cmig): error: ')
nwarn=$(printf '%s\n' "$ERR" | grep -cE '^(versions/[^:]+(:[0-9]+)?|cmig): warning: ')
assert_match "$(summary)" "^$nerr errors?, $nwarn warnings?\$" "summary counts the lines ($nerr errors, $nwarn warnings)"
assert_true "at least 6 errors reported at once" test "$nerr" -ge 6
refuses all-at-once

# paths are relative to the current directory, absolute when outside it
cd "$PROJ/versions"
assert_exit 1 check -c ../cmig.yaml
# (relative to the current directory: c3_x.sql, or the equivalent ../versions/c3_x.sql)
assert_match "$ERR" '^(\.\./versions/)?c3_x\.sql:2: error: branch: both c3 \((\.\./versions/)?c3_x\.sql\) and c9 \((\.\./versions/)?c9_x\.sql\) follow b2$' "paths relative to cwd"
mkdir -p "$TEST_DIR/elsewhere" && cd "$TEST_DIR/elsewhere"
assert_exit 1 check -c "$PROJ/cmig.yaml"
assert_contains "$ERR" "$PROJ/versions/c3_x.sql:2: error: branch: both c3 ($PROJ/versions/c3_x.sql) and c9 ($PROJ/versions/c9_x.sql) follow b2" "absolute paths outside cwd"
cd "$PROJ"
assert_eq "$START" "$(db_state)" "database untouched at the end"
