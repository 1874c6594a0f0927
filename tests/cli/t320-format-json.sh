#!/bin/bash
# t320: SPEC §5 --format json for status, current, heads and history: exactly SPEC's keys,
# base as null (never "base"), branched heads with exit 1. Checked with jq.
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || _die "jq is needed (scripts/install-deps.sh --test)"
new_db
new_project
write_rev a1 ""
WRITE_REV_MSG="second \"quoted\"" write_rev b2 a1
write_rev c3 b2
printf -- '-- created: 2026-11-22T10:15:00Z\n' | cat - versions/c3_x.sql >"$TEST_DIR/c3" && mv "$TEST_DIR/c3" versions/c3_x.sql

json() { # FILTER : run jq on the last stdout; a parse failure fails the test
	printf '%s' "$OUT" | jq -c "$1" 2>&1 || _fail "stdout is not JSON: $OUT"
}

# at base
assert_exit 0 current --format json
assert_eq '{"current":null,"head":"c3","is_head":false}' "$(json .)" "current at base"
assert_exit 0 status --format json
assert_eq '["current","problems","revisions"]' "$(json 'keys')" "status keys"
assert_eq 'null' "$(json .current)" "status: base is null"
assert_eq '[["applied_at","revision","state"]]' "$(json '[.revisions[] | keys] | unique')" "status row keys"
assert_eq '["a1","b2","c3"]' "$(json '[.revisions[].revision]')" "status oldest first"
assert_eq '["pending"]' "$(json '[.revisions[].state] | unique')" "all pending"
assert_eq '[]' "$(json .problems)" "no problems"

# stamped, pending, then applied (what a stamp covered but never ran is "stamped")
assert_exit 0 stamp b2
assert_exit 0 status --format json
assert_eq '"b2"' "$(json .current)" "status current"
assert_eq '["stamped","stamped","pending"]' "$(json '[.revisions[].state]')" "states after the stamp"
assert_match "$(json '.revisions[0].applied_at')" '^"[0-9]{4}-[0-9]{2}-[0-9]{2}T' "stamped: applied_at is the stamp's time"
assert_eq 'null' "$(json '.revisions[2].applied_at')" "pending: applied_at null"
assert_exit 0 current --format json
assert_eq '{"current":"b2","head":"c3","is_head":false}' "$(json .)" "current b2"
assert_exit 0 upgrade
assert_exit 0 status --format json
assert_eq '["stamped","stamped","applied"]' "$(json '[.revisions[].state]')" "c3 ran"
assert_match "$(json '.revisions[2].applied_at')" '^"[0-9]{4}-[0-9]{2}-[0-9]{2}T' "applied_at is the time"
assert_exit 0 current --format json
assert_eq '{"current":"c3","head":"c3","is_head":true}' "$(json .)" "current at head"
assert_not_contains "$OUT" "(head)" "no ' (head)' to strip"

# provenance: a1 ran, b2 was stamped over; a database adopted without history
main_url=$DB_URL
new_db
assert_exit 0 --url "$DB_URL" upgrade a1
assert_exit 0 --url "$DB_URL" stamp b2
assert_exit 0 --url "$DB_URL" status --format json
assert_eq '["applied","stamped","pending"]' "$(json '[.revisions[].state]')" "ran, stamped, pending"
db_query "DELETE FROM cmig_history" >/dev/null
assert_exit 0 --url "$DB_URL" status --format json
assert_eq '["applied_no_history","applied_no_history","pending"]' "$(json '[.revisions[].state]')" "no history rows"
assert_eq '[null,null,null]' "$(json '[.revisions[].applied_at]')" "no history: applied_at null"
db_select "$main_url"

# heads
assert_exit 0 heads --format json
assert_eq '{"heads":["c3"]}' "$(json .)" "heads"

# history: newest first, the keys of SPEC §5, is_current from the configured database
assert_exit 0 history --format json
assert_eq '["revisions"]' "$(json keys)" "history keys"
assert_eq '[["created","down_revision","is_current","is_head","message","path","revision"]]' \
	"$(json '[.revisions[] | keys] | unique')" "history row keys"
assert_eq '["c3","b2","a1"]' "$(json '[.revisions[].revision]')" "newest first"
assert_eq '[null,"a1","b2"]' "$(json '[.revisions[].down_revision] | reverse')" "root's down_revision is null"
assert_eq '"second \"quoted\""' "$(json '.revisions[1].message')" "message escaped"
assert_eq '"2026-11-22T10:15:00Z"' "$(json '.revisions[0].created')" "created"
assert_eq 'null' "$(json '.revisions[1].created')" "no created header: null"
assert_eq '"versions/b2_x.sql"' "$(json '.revisions[1].path')" "path"
assert_eq '[true,false,false]' "$(json '[.revisions[].is_head]')" "is_head"
assert_eq '[true,false,false]' "$(json '[.revisions[].is_current]')" "is_current"
assert_exit 0 history -r a1:b2 --format json
assert_eq '["b2","a1"]' "$(json '[.revisions[].revision]')" "history -r with json"
# without a database, is_current is null
(cd "$TEST_DIR" && mkdir -p nodb && cp -r "$PROJ/versions" nodb/ && cd nodb &&
	"$CMIG" history --format json >"$TEST_DIR/.o" 2>"$TEST_DIR/.e")
OUT=$(cat "$TEST_DIR/.o")
assert_eq '[null]' "$(json '[.revisions[].is_current] | unique')" "no database: is_current null"
if [ "$CMIG_TEST_BACKEND" = sqlite ]; then
	assert_false "history created no database" test -e "$TEST_DIR/nodb/cmig.db"
fi

# a branched chain: every head, exit 1, the diagnostics on stderr
write_rev d4 c3
write_rev e5 c3
assert_exit 1 heads --format json
assert_eq '{"heads":["d4","e5"]}' "$(json .)" "branched: every head"
assert_contains "$ERR" "branch" "branched: diagnostics on stderr"
rm versions/d4_x.sql versions/e5_x.sql

# a §7 database problem goes into status's problems
assert_exit 0 current --format text
assert_eq "c3 (head)" "$OUT" "--format text is the default form"
db_query "UPDATE cmig_version SET version_num = 'zz9'"
# SPEC §5: status reports a db-unknown database and exits 0 (check judges)
assert_exit 0 status --format json
assert_eq '"zz9"' "$(json .current)" "db-unknown: current is the version row's revision"
assert_eq '["stamped","stamped","applied"]' "$(json '[.revisions[].state]')" "db-unknown: the history says what ran"
assert_eq '"db-unknown"' "$(json '.problems[0].code')" "db-unknown in problems"
assert_eq '["code","line","message","path","severity"]' "$(json '.problems[0] | keys')" "a §7 diagnostic object"
assert_exit 0 status
assert_contains "$OUT" "current: zz9" "db-unknown: text status names the current revision"
assert_contains "$ERR" "error: db-unknown: the database is at revision zz9" "db-unknown: text status reports it on stderr"

# --format takes text or json only
assert_exit 2 status --format yaml
finish
