#!/bin/bash
# t180: the CI gate (SPEC §7): `check --format json`, `--strict`, the database checks
# (db-unknown, db-missing, db-skipped, drift), `rehash REV|--all` and `linearize [--dry-run]`.
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || _die "jq is needed to read check's JSON"
new_db
new_project
chain a1 b2
J() { printf '%s' "$OUT" | jq -c "$1" 2>&1; }

# --- JSON, clean
assert_exit 0 check --format json
assert_eq '{"ok":true,"errors":0,"warnings":0,"diagnostics":[]}' "$(J '{ok, errors, warnings, diagnostics}')" "clean JSON"
assert_true "JSON is one object on stdout" jq -e 'type == "object"' <<<"$OUT" >/dev/null

# --- JSON, a branch: the SPEC §7 example
write_rev c3 b2
write_rev c9 b2
assert_exit 1 check --format json
assert_eq "false|1|0" "$(J '[.ok, .errors, .warnings] | map(tostring) | join("|")' | tr -d '"')" "ok false, 1 error"
assert_eq '[{"severity":"error","code":"branch","path":"versions/c3_x.sql","line":2,"message":"branch: both c3 (versions/c3_x.sql) and c9 (versions/c9_x.sql) follow b2"}]' \
	"$(J '[.diagnostics[] | {severity, code, path, line, message}]')" "branch diagnostic in JSON"

# --- JSON codes for every error kind
cp versions/a1_x.sql versions/a1_dup.sql
write_rev m1 missing_one
write_rev y1 y2; write_rev y2 y1
printf -- '-- down_revision: b2\n-- migrate:up\n' >versions/q1_x.sql
write_rev f1 c3; mv versions/f1_x.sql versions/ff1_x.sql
write_rev w1 c9 "SELECT 1;" "@none"
sed -i '3a -- author: me\n-- created: not a date' versions/w1_x.sql
assert_exit 1 check --format json
codes=$(J '[.diagnostics[].code] | unique | join(",")' | tr -d '"')
for c in branch duplicate missing-parent cycle parse filename no-down unknown-header created; do
	assert_contains ",$codes," ",$c," "JSON has code $c"
done
assert_eq "$(J '[.diagnostics[] | select(.severity == "error")] | length')" "$(J .errors)" "errors counts the error diagnostics"
assert_eq "$(J '[.diagnostics[] | select(.severity == "warning")] | length')" "$(J .warnings)" "warnings counts the warning diagnostics"
assert_eq '"warning"' "$(J '[.diagnostics[] | select(.code == "no-down")][0].severity')" "no-down is a warning"
assert_eq 4 "$(J '[.diagnostics[] | select(.code == "unknown-header")][0].line')" "unknown-header line"
assert_eq 5 "$(J '[.diagnostics[] | select(.code == "created")][0].line')" "created line"
rm versions/a1_dup.sql versions/m1_x.sql versions/y1_x.sql versions/y2_x.sql versions/q1_x.sql versions/ff1_x.sql versions/c3_x.sql versions/c9_x.sql

# --- --strict: warnings become errors, in JSON too
write_rev w1 b2 "SELECT 1;" "@none"
assert_exit 0 check --format json
assert_eq "true|0|1" "$(J '[.ok, .errors, .warnings] | map(tostring) | join("|")' | tr -d '"')" "a warning alone: ok"
assert_exit 1 check --strict --format json
assert_eq "false|1|0" "$(J '[.ok, .errors, .warnings] | map(tostring) | join("|")' | tr -d '"')" "--strict: counted as an error"
assert_eq '"error"' "$(J '.diagnostics[0].severity')" "--strict: shown as an error"
write_rev w1 b2

# --- database checks
assert_exit 0 upgrade head
assert_backend_db
assert_exit 0 check --format json
assert_eq true "$(J .ok)" "applied chain checks clean"
# drift: edit an applied up section
sed -i 's/^CREATE TABLE t_b2 (id INTEGER PRIMARY KEY, v TEXT);$/CREATE TABLE t_b2 (id INTEGER PRIMARY KEY, v TEXT, w TEXT);/' versions/b2_x.sql
old=$(db_query "SELECT checksum FROM cmig_history WHERE revision='b2' AND direction='up'")
new=$(sed -n '/^-- migrate:up$/,/^-- migrate:down$/p' versions/b2_x.sql | sed '1d;$d' | sha256sum | cut -d' ' -f1)
assert_exit 1 check
assert_match "$ERR" '^versions/b2_x\.sql:[0-9]+: error: ' "drift at the file"
assert_contains "$ERR" "$old" "drift gives the recorded checksum"
assert_contains "$ERR" "$new" "drift gives the file's checksum"
assert_contains "$ERR" "lines 6-7" "drift gives the section's line span"
assert_exit 1 check --format json
assert_eq '"drift"' "$(J '.diagnostics[0].code')" "drift code"
# down sections are not compared
sed -i 's/^DROP TABLE t_a1;$/DROP TABLE IF EXISTS t_a1;/' versions/a1_x.sql
assert_exit 1 check --format json
assert_eq 1 "$(J '.errors')" "editing a down section is no drift"
# rehash
assert_exit 1 rehash c3_not_there
assert_exit 0 rehash b2
assert_eq "rehash|$new" "$(db_query "SELECT direction, checksum FROM cmig_history ORDER BY id DESC LIMIT 1")" "rehash row with the new checksum"
assert_exit 0 check
assert_eq "0 errors, 0 warnings" "$(printf '%s\n' "$ERR" | tail -n 1)" "drift accepted by rehash"
sed -i 's/^CREATE TABLE t_a1 (id INTEGER PRIMARY KEY, v TEXT);$/CREATE TABLE t_a1 (id INTEGER PRIMARY KEY, v TEXT, x TEXT);/' versions/a1_x.sql
n=$(db_history_count rehash)
assert_exit 0 rehash --all
assert_eq $((n + 1)) "$(db_history_count rehash)" "rehash --all writes a row only for the changed revision"
assert_exit 0 check
write_rev c3 w1
assert_exit 1 rehash c3
assert_contains "$ERR" "c3" "rehash of a revision not applied is an error naming it"
rm versions/c3_x.sql

# db-missing: a revision the history says is applied has no file any more
# db-unknown: the database's revision is not in the files
before=$(db_state)
mv versions/w1_x.sql "$TEST_DIR/w1_x.sql"
assert_exit 1 check --format json
codes=$(J '[.diagnostics[].code] | unique | join(",")' | tr -d '"')
assert_contains ",$codes," ",db-unknown," "db-unknown"
assert_contains ",$codes," ",db-missing," "db-missing"
assert_eq null "$(J '[.diagnostics[] | select(.code == "db-unknown")][0].path')" "db-unknown has no path"
assert_eq "$before" "$(db_state)" "check changes nothing"
mv "$TEST_DIR/w1_x.sql" versions/
# db-skipped: a revision inserted under the deployed chain
write_rev x9 a1
write_rev b2 x9
assert_exit 1 check --format json
assert_contains "$(J '[.diagnostics[].code] | join(",")')" "db-skipped" "db-skipped"
assert_contains "$(J '[.diagnostics[] | select(.code == "db-skipped")][0].message')" "x9" "db-skipped names x9"
rm versions/x9_x.sql
write_rev b2 a1

# a SQLite file that does not exist is a database at base; nothing is created
if [ "$CMIG_TEST_BACKEND" = sqlite ]; then
	assert_exit 0 check --url "sqlite:///$TEST_DIR/absent.db"
	assert_false "check created no database file" test -e "$TEST_DIR/absent.db"
fi

# --- linearize
new_db
new_project "$TEST_DIR/lin"
chain a1 b2
write_rev c3 b2; sed -i '3a -- created: 2026-01-02T00:00:00Z' versions/c3_x.sql
write_rev c9 b2; sed -i '3a -- created: 2026-01-01T00:00:00Z' versions/c9_x.sql
write_rev d9 c9
cp -r versions "$TEST_DIR/lin.before"
assert_exit 0 linearize --dry-run
assert_eq "versions/c3_x.sql: down_revision b2 -> d9" "$OUT" "--dry-run prints the change (c9 created first: kept)"
assert_true "--dry-run changes nothing" diff -r "$TEST_DIR/lin.before" versions
assert_exit 0 linearize
assert_eq "versions/c3_x.sql: down_revision b2 -> d9" "$OUT" "linearize prints the change"
assert_eq "2c2
< -- down_revision: b2
---
> -- down_revision: d9" "$(diff "$TEST_DIR/lin.before/c3_x.sql" versions/c3_x.sql)" "only the down_revision line rewritten"
assert_true "other files untouched" diff "$TEST_DIR/lin.before/c9_x.sql" versions/c9_x.sql
assert_exit 0 check
assert_exit 0 heads
assert_eq c3 "$OUT" "one head after linearize"
# refuses when a revision it would move is applied
write_rev e3 c3
assert_exit 0 upgrade e3
write_rev e9 c3; sed -i '3a -- created: 2020-01-01T00:00:00Z' versions/e9_x.sql
cp -r versions "$TEST_DIR/lin.before2"
assert_exit 1 linearize
assert_true "refusal writes nothing" diff -r "$TEST_DIR/lin.before2" versions
rm versions/e9_x.sql
# refuses when the problem is not a branch
write_rev z1 z2; write_rev z2 z1
cp -r versions "$TEST_DIR/lin.before3"
assert_exit 1 linearize
assert_true "cycle: nothing written" diff -r "$TEST_DIR/lin.before3" versions
