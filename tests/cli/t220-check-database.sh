#!/bin/bash
# t220: the database checks of `cmig check` (SPEC §4, §7) on both backends: db-unknown (a
# hand-written version row; the current revision's file deleted), db-missing (an applied
# revision's file removed and the chain re-linked), db-skipped (a revision inserted before the
# current one; a chain rewritten by `linearize` run against another database), the stamp rule
# (a stamp marks its target and every ancestor applied), and `upgrade` refusing db-unknown and
# db-skipped before it changes anything. The checks run when a database is configured
# (cmig.yaml, DATABASE_URL) or given with --url; a fresh database is at base and check creates
# nothing in it.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || _die "python3 is needed"

set_down() { sed -i "2s/.*/-- down_revision: $2/" "versions/$1_x.sql"; }
set_created() { sed -i "3a -- created: $2" "versions/$1_x.sql"; }

# ---- a fresh database: at base, check is clean and creates nothing ------------------------------
new_db
new_project "$TEST_DIR/fresh"
chain a1 b2
assert_exit 0 check
assert_eq "0 errors, 0 warnings" "$(summary)" "fresh database: clean"
assert_eq "" "$(db_tables)" "check created no table in a fresh database"
if [ "$CMIG_TEST_BACKEND" = sqlite ]; then
	assert_false "check created no SQLite file" test -e "$DB_FILE"
	assert_exit 0 check --url "sqlite:///$TEST_DIR/nothere.db"
	assert_false "check --url on a missing SQLite file creates nothing" test -e "$TEST_DIR/nothere.db"
fi

# ---- db-unknown: a version row naming no file -------------------------------------------------
new_db
new_project "$TEST_DIR/unknown"
chain a1 b2 c3
assert_exit 0 upgrade b2
db_query "UPDATE cmig_version SET version_num = 'zz9'"
START=$(db_state)
assert_exit 1 check
assert_eq "1 error, 0 warnings" "$(summary)" "db-unknown: summary"
assert_match "$ERR" '^cmig: error: .*zz9' "db-unknown: a 'cmig: error:' line naming the revision"
assert_exit 1 check --format json
assert_eq "ok=false errors=1 warnings=0" "$(json_top)" "db-unknown: JSON counts"
row=$(json_diags db-unknown)
assert_match "$row" "^error${T}db-unknown${T}null${T}null${T}.*zz9" "db-unknown: JSON entry (path and line null)"
assert_exit 1 upgrade head
assert_contains "$ERR" "zz9" "upgrade refuses db-unknown, naming the revision"
assert_eq "$START" "$(db_state)" "upgrade refused db-unknown: database untouched"
assert_false "upgrade refused db-unknown: t_c3 not created" db_has_table t_c3
assert_exit 1 upgrade c3
assert_eq "$START" "$(db_state)" "upgrade c3 refused db-unknown: database untouched"
assert_exit 1 upgrade --check
assert_eq "$START" "$(db_state)" "upgrade --check: database untouched"
assert_exit 1 rehash --all
assert_eq "$START" "$(db_state)" "rehash --all refuses db-unknown, writes nothing"
db_query "UPDATE cmig_version SET version_num = 'b2'"
assert_exit 0 check
assert_eq "0 errors, 0 warnings" "$(summary)" "version row repaired: clean"

# ---- db-unknown: the current revision's file deleted -----------------------------------------
assert_exit 0 upgrade head
mv versions/c3_x.sql "$TEST_DIR/c3_x.sql.saved"
assert_exit 1 check --format json
assert_match "$(json_diags db-unknown)" "^error${T}db-unknown${T}null${T}null${T}.*c3" "deleted head file: db-unknown"
# the history also says c3 is applied: a db-missing for it is consistent with SPEC; nothing else
assert_eq "" "$(json_diags | cut -f2 | grep -vxE 'db-unknown|db-missing')" "deleted head file: no other code"
START=$(db_state)
assert_exit 1 upgrade head
assert_eq "$START" "$(db_state)" "upgrade refuses after the current file was deleted"
mv "$TEST_DIR/c3_x.sql.saved" versions/c3_x.sql
assert_exit 0 check

# ---- db-missing: an applied revision's file removed, the chain re-linked ------------------------
new_db
MISSING_URL=$DB_URL
new_project "$TEST_DIR/missing"
chain a1 b2 c3 d4
assert_exit 0 upgrade head
# d4 is downgraded, then removed: the history says it is not applied, so not db-missing
assert_exit 0 downgrade c3
rm versions/d4_x.sql
assert_exit 0 check
assert_eq "0 errors, 0 warnings" "$(summary)" "a downgraded revision's file removed: not db-missing"
# b2 (applied) removed, c3 now follows a1
rm versions/b2_x.sql
set_down c3 a1
assert_exit 1 check
assert_eq "1 error, 0 warnings" "$(summary)" "db-missing: summary"
assert_match "$ERR" '^cmig: error: .*b2' "db-missing: a 'cmig: error:' line naming b2"
assert_exit 1 check --format json
assert_eq "ok=false errors=1 warnings=0" "$(json_top)" "db-missing: JSON counts"
assert_match "$(json_diags db-missing)" "^error${T}db-missing${T}null${T}null${T}.*b2" "db-missing: JSON entry"
assert_eq 1 "$(json_diags | wc -l)" "db-missing: the only diagnostic (no drift, no db-skipped)"
# two removed at once: both reported
rm versions/c3_x.sql
assert_exit 1 check --format json
# c3 was the current revision: db-unknown for it, db-missing for b2 (and maybe c3)
assert_match "$(json_diags db-missing)" "b2" "db-missing b2 still reported beside db-unknown"
assert_match "$(json_diags db-unknown)" "c3" "db-unknown c3"

# a stamp says its target is applied: the stamp target's file removed is db-missing too
new_db
new_project "$TEST_DIR/missing-stamp"
chain a1 b2 c3
assert_exit 0 stamp b2
assert_exit 0 upgrade head
rm versions/b2_x.sql
set_down c3 a1
assert_exit 1 check --format json
assert_match "$(json_diags db-missing)" "^error${T}db-missing${T}null${T}null${T}.*b2" "a stamped revision's file removed: db-missing"
# after `stamp base` nothing is applied: a removed file is not db-missing
new_db
new_project "$TEST_DIR/missing-base"
chain a1 b2 c3
assert_exit 0 upgrade head
assert_exit 0 stamp base
rm versions/b2_x.sql
set_down c3 a1
assert_exit 0 check --format json
assert_eq "" "$(json_diags)" "after stamp base, a removed file is not db-missing"
# ...and neither after `downgrade base`
new_db
new_project "$TEST_DIR/missing-down"
chain a1 b2 c3
assert_exit 0 upgrade head
assert_exit 0 downgrade base
rm versions/c3_x.sql
assert_exit 0 check
assert_eq "0 errors, 0 warnings" "$(summary)" "after downgrade base, a removed file is not db-missing"

# ---- check --url / DATABASE_URL without database_url in cmig.yaml ------------------------------
db_select "$MISSING_URL"
mkdir -p "$TEST_DIR/nourl/versions"
cd "$TEST_DIR/nourl" || _die cd
printf 'versions_dir: versions\n' >cmig.yaml
chain a1 b2 c3
assert_exit 0 check
assert_eq "0 errors, 0 warnings" "$(summary)" "no database configured: files only"
assert_false "check without a configured database created no cmig.db" test -e cmig.db
# the same files against the database at c3 (b2 file present again): clean
assert_exit 0 check --url "$MISSING_URL"
# a version row naming no file, seen through --url and through DATABASE_URL
db_query "UPDATE cmig_version SET version_num = 'zz9'"
assert_exit 1 check --url "$MISSING_URL" --format json
assert_match "$(json_diags db-unknown)" "zz9" "--url: db-unknown"
DATABASE_URL=$MISSING_URL
export DATABASE_URL
assert_exit 1 check --format json
assert_match "$(json_diags db-unknown)" "zz9" "DATABASE_URL: db-unknown"
unset DATABASE_URL
assert_false "no cmig.db after --url / DATABASE_URL checks" test -e cmig.db

# ---- a database that cannot be reached: an error without a place, the password never shown --
assert_exit 1 check --url 'postgresql://bob:s3cretpw@127.0.0.1:1/nodb'
assert_match "$(summary)" '^[1-9][0-9]* errors?, 0 warnings$' "unreachable database: counted as an error"
assert_match "$ERR" '^cmig: error: ' "unreachable database: a 'cmig: error:' line"
assert_not_contains "$OUT$ERR" "s3cretpw" "the password is never printed (text)"
assert_exit 1 check --url 'postgresql://bob:s3cretpw@127.0.0.1:1/nodb' --format json
assert_match "$(json_top)" '^ok=false errors=[1-9][0-9]* warnings=0$' "unreachable database: JSON ok false"
assert_match "$(json_diags)" "^error${T}[a-z-]+${T}null${T}null${T}" "unreachable database: JSON entry without a place"
assert_not_contains "$OUT$ERR" "s3cretpw" "the password is never printed (JSON)"

# ---- db-skipped: a revision inserted before the current one ------------------------------------
new_db
new_project "$TEST_DIR/skipped"
chain a1 b2 c3
assert_exit 0 upgrade head
write_rev x1 a1
set_down b2 x1
write_rev d4 c3     # pending work after the current revision
START=$(db_state)
assert_exit 1 check
assert_eq "1 error, 0 warnings" "$(summary)" "db-skipped: summary"
assert_match "$ERR" '^versions/x1_x\.sql:[0-9]+: error: db-skipped: revision x1 ' "db-skipped: a line naming x1 at its file"
assert_exit 1 check --format json
assert_eq "ok=false errors=1 warnings=0" "$(json_top)" "db-skipped: JSON counts"
assert_match "$(json_diags db-skipped)" "^error${T}db-skipped${T}versions/x1_x\.sql${T}[0-9]+${T}db-skipped: revision x1 " "db-skipped: JSON entry"
assert_exit 1 upgrade head
assert_contains "$ERR" "x1" "upgrade refuses db-skipped, naming x1"
assert_eq "$START" "$(db_state)" "upgrade refused db-skipped: database untouched"
assert_false "upgrade refused db-skipped: t_d4 not created" db_has_table t_d4
assert_false "upgrade refused db-skipped: t_x1 not created" db_has_table t_x1
assert_exit 1 upgrade +1
assert_eq "$START" "$(db_state)" "upgrade +1 refused db-skipped: database untouched"
# two skipped revisions: both reported
write_rev x2 x1
set_down b2 x2
assert_exit 1 check --format json
assert_eq 2 "$(json_diags db-skipped | wc -l)" "two skipped revisions, two db-skipped"
assert_match "$(json_diags db-skipped)" "x2" "x2 reported"
# a revision after the current one is pending, not skipped
rm versions/x1_x.sql versions/x2_x.sql
set_down b2 a1
assert_exit 0 check
assert_eq "0 errors, 0 warnings" "$(summary)" "pending d4 is not db-skipped"
assert_exit 0 upgrade head
assert_db_version d4

# ---- only revisions BEFORE the current one can be db-skipped -----------------------------------
new_db
new_project "$TEST_DIR/forward"
chain a1 b2 c3
assert_exit 0 upgrade b2
# a hand-written version row one step ahead (like a stamp without its history row): c3 is the
# current revision, nothing before it is missing
db_query "UPDATE cmig_version SET version_num = 'c3'"
assert_exit 0 check --format json
assert_eq "" "$(json_diags)" "the current revision itself is never db-skipped"
# the history lost: every revision before the current one is reported, the current one not
db_query "DELETE FROM cmig_history"
assert_exit 1 check --format json
# (the first of a1/b2/c3 each message names is the skipped revision; c3 is named as current)
firsts=$(json_diags db-skipped | cut -f5 | while IFS= read -r m; do grep -oE '\b(a1|b2|c3)\b' <<<"$m" | head -n 1; done | sort | tr '\n' ' ')
assert_eq "a1 b2 " "$firsts" "db-skipped: a1 and b2 (before c3)"
assert_eq 2 "$(json_diags db-skipped | wc -l)" "db-skipped: not c3 itself"
assert_eq "" "$(json_diags | grep -E 'revision c3 .*current revision c3' || true)" "no 'c3 comes before c3'"

# ---- the stamp rule: a stamp marks its target and every ancestor applied -----------------------
new_db
new_project "$TEST_DIR/stamp"
chain a1 b2 c3
assert_exit 0 stamp b2
assert_exit 0 upgrade head
assert_eq 1 "$(db_query "SELECT count(*) FROM cmig_history WHERE direction = 'stamp' AND revision = 'b2' AND checksum = ''")" "stamp: one history row, empty checksum"
assert_exit 0 check
assert_eq "0 errors, 0 warnings" "$(summary)" "stamped then upgraded: clean"
# a revision inserted before the stamp target is covered by the stamp
write_rev x1 a1
set_down b2 x1
assert_exit 0 check
assert_eq "0 errors, 0 warnings" "$(summary)" "inserted below a stamp target: covered by the stamp"
# ...but one inserted between the stamp target and the current revision is skipped
write_rev x2 b2
set_down c3 x2
assert_exit 1 check --format json
assert_eq "db-skipped" "$(json_diags | cut -f2 | sort -u)" "inserted above the stamp target: db-skipped only"
assert_match "$(json_diags db-skipped)" "x2" "db-skipped names x2"
assert_not_contains "$(json_diags db-skipped)" "x1" "x1 is covered by the stamp"
# stamp base writes a row with revision base; it covers nothing
assert_exit 0 stamp base
assert_eq 1 "$(db_query "SELECT count(*) FROM cmig_history WHERE direction = 'stamp' AND revision = 'base' AND checksum = ''")" "stamp base: a row for base"
assert_db_version ""
assert_exit 0 check
assert_eq "0 errors, 0 warnings" "$(summary)" "at base nothing is skipped"

# ---- file problems and database problems at once: all reported ------------------------------
new_db
new_project "$TEST_DIR/together"
chain a1 b2 c3
assert_exit 0 upgrade head
sed -i '6s/v TEXT/v TEXT, w TEXT/' versions/a1_x.sql   # drift (a1's up section)
write_rev x1 b2                                        # db-skipped (before current c3)
set_down c3 x1
sed -i '3a -- reviewer: somebody' versions/c3_x.sql    # unknown-header (a warning, not drift)
assert_exit 1 check
assert_eq "2 errors, 1 warning" "$(summary)" "together: summary"
assert_match "$ERR" '^versions/a1_x\.sql:[0-9]+: error: .*lines 6-' "together: drift"
assert_match "$ERR" 'error: .*x1' "together: db-skipped"
assert_match "$ERR" '^versions/c3_x\.sql:4: warning: .*reviewer' "together: unknown-header"
assert_exit 1 check --format json
assert_eq "ok=false errors=2 warnings=1" "$(json_top)" "together: JSON counts"
assert_eq "error db-skipped
error drift
warning unknown-header" "$(json_diags | cut -f1,2 | tr '\t' ' ' | sort)" "together: JSON codes"
assert_exit 1 check --strict --format json
assert_eq "ok=false errors=3 warnings=0" "$(json_top)" "together --strict: JSON counts"
assert_eq "" "$(json_diags | cut -f1 | grep -vx error || true)" "together --strict: all errors"

# ---- db-skipped: linearize run against another database rewrote the chain --------------------
# production (configured) ran a1 -> b2; a branch added c3 after a1, created earlier than b2.
new_db
DEV_URL=$DB_URL
new_db
PROD_URL=$DB_URL
new_project "$TEST_DIR/linprod"
chain a1 b2
set_created a1 2026-11-01T00:00:00Z
set_created b2 2026-11-10T00:00:00Z
assert_exit 0 upgrade head
assert_db_version b2
write_rev c3 a1
set_created c3 2026-11-05T00:00:00Z
before=$(cat versions/*.sql | sha256sum)
# against the configured production database: b2 would move and is applied -> refused
assert_exit 1 linearize
assert_contains "$ERR" "b2" "linearize refuses to move applied b2"
assert_eq "$before" "$(cat versions/*.sql | sha256sum)" "refused linearize wrote nothing"
# against the (empty) development database it rewrites b2 onto c3
assert_exit 0 --url "$DEV_URL" linearize
assert_contains "$OUT$ERR" "versions/b2_x.sql: down_revision a1 -> c3" "linearize moved b2 onto c3"
assert_eq "-- down_revision: c3" "$(sed -n 2p versions/b2_x.sql)" "b2 now follows c3"
db_select "$PROD_URL"
START=$(db_state)
assert_exit 1 check
assert_eq "1 error, 0 warnings" "$(summary)" "rewritten chain under production: summary"
assert_match "$ERR" 'error: .*c3' "db-skipped names c3"
assert_exit 1 check --format json
assert_match "$(json_diags db-skipped)" "^error${T}db-skipped${T}.*c3" "rewritten chain: db-skipped c3 (JSON)"
assert_eq 1 "$(json_diags | wc -l)" "rewritten chain: one diagnostic"
assert_exit 1 upgrade head
assert_eq "$START" "$(db_state)" "upgrade refuses the hole linearize left: untouched"
assert_false "c3 not applied on top" db_has_table t_c3
# the development database upgrades the linear chain cleanly
assert_exit 0 --url "$DEV_URL" upgrade head
assert_exit 0 --url "$DEV_URL" check
finish
