#!/bin/bash
# t210: drift and rehash (SPEC §4, §5, §7) with a configured database, on both backends.
# - editing the up section of an applied revision is `drift` (error): the message gives the
#   checksum recorded at upgrade, the file's current one, and the section's span `lines A-B`;
# - editing only a down section, or the section of the other dialect, is not drift;
# - a CRLF checkout (with a BOM and trailing blanks on marker lines) of applied files is not drift;
# - an edited revision that is not applied (pending, or stamped only) is not drift;
# - `rehash REV` records the current checksum (one history row, direction rehash) and clears
#   the drift; rehash of an unapplied or unknown REV is an error that writes nothing;
#   `rehash --all` writes rows only for applied revisions whose checksum changed.
# Checksums are computed here by hand: SHA-256 of the section's bytes (CRLF as LF).
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || _die "python3 is needed"
command -v sha256sum >/dev/null || _die "sha256sum is needed"

# lines_sha FILE A B : SHA-256 of lines A..B of FILE, CR before LF dropped
lines_sha() { sed -n "$2,$3p" "$1" | sed 's/\r$//' | sha256sum | cut -d' ' -f1; }
# hist_rows REV DIR : number of history rows of REV with that direction
hist_rows() { db_query "SELECT count(*) FROM cmig_history WHERE revision = '$1' AND direction = '$2'"; }
last_sum() { db_query "SELECT checksum FROM cmig_history WHERE revision = '$1' AND direction IN ('up', 'rehash') ORDER BY id DESC LIMIT 1"; }

# rev3 ID DOWN N : a revision whose up section is lines 6-8 and down section lines 10-10
rev3() {
	cat >"versions/$1_x.sql" <<EOF
-- revision: $1
-- down_revision: $2
-- message: add $1

-- migrate:up
CREATE TABLE t_$1 (
    id INTEGER PRIMARY KEY);
INSERT INTO t_$1 (id) VALUES ($3);
-- migrate:down
DROP TABLE t_$1;
EOF
}

new_db
new_project
rev3 a1 "" 1
rev3 b2 a1 1
rev3 c3 b2 1
assert_exit 0 upgrade b2
assert_db_version b2
A1=$PROJ/versions/a1_x.sql
B2=$PROJ/versions/b2_x.sql
C3=$PROJ/versions/c3_x.sql

# the history recorded the checksums SPEC §4 defines (lines 6-8 of each file)
B2_OLD=$(lines_sha "$B2" 6 8)
A1_OLD=$(lines_sha "$A1" 6 8)
assert_eq "$B2_OLD" "$(last_sum b2)" "history checksum of b2's up section"
assert_eq "$A1_OLD" "$(last_sum a1)" "history checksum of a1's up section"
assert_exit 0 check
assert_eq "0 errors, 0 warnings" "$(summary)" "clean with a database"

# ---- drift: the up section of applied b2 edited (line 8) ------------------------------------
sed -i '8s/VALUES (1)/VALUES (2)/' "$B2"
B2_NEW=$(lines_sha "$B2" 6 8)
assert_ne "$B2_OLD" "$B2_NEW" "the edit changes the checksum"
START=$(db_state)
assert_exit 1 check
assert_eq "1 error, 0 warnings" "$(summary)" "drift: summary"
assert_match "$ERR" '^versions/b2_x\.sql:[0-9]+: error: ' "drift: text line at the file"
line=$(printf '%s\n' "$ERR" | grep -E '^versions/b2_x\.sql:[0-9]+: error: ')
assert_contains "$line" "$B2_OLD" "drift: message gives the recorded checksum"
assert_contains "$line" "$B2_NEW" "drift: message gives the current checksum"
assert_contains "$line" "lines 6-8" "drift: message gives the section's span"
assert_contains "$line" "b2" "drift: message names the revision"
assert_exit 1 check --format json
assert_eq "ok=false errors=1 warnings=0" "$(json_top)" "drift: JSON counts"
row=$(json_diags drift)
assert_match "$row" "^error${T}drift${T}versions/b2_x\.sql${T}[0-9]+${T}" "drift: JSON entry"
assert_contains "$row" "$B2_OLD" "drift JSON: recorded checksum"
assert_contains "$row" "$B2_NEW" "drift JSON: current checksum"
assert_contains "$row" "lines 6-8" "drift JSON: lines 6-8"
jl=$(printf '%s\n' "$row" | cut -f4)
assert_true "drift: the line is within the section or its marker (5-8), got $jl" test "$jl" -ge 5 -a "$jl" -le 8
# --strict changes nothing for an error
assert_exit 1 check --strict
assert_eq "1 error, 0 warnings" "$(summary)" "drift --strict: summary"
assert_eq "$START" "$(db_state)" "check with drift changed nothing"
# a span change is reported with the new span: a line added at the end of the section
sed -i '8a SELECT 1;' "$B2"
assert_exit 1 check
assert_contains "$ERR" "lines 6-9" "drift: span after adding a line"
assert_contains "$ERR" "$(lines_sha "$B2" 6 9)" "drift: checksum after adding a line"
sed -i '9d' "$B2"

# ---- two drifts at once ---------------------------------------------------------------------
sed -i '8s/VALUES (1)/VALUES (5)/' "$A1"
A1_NEW=$(lines_sha "$A1" 6 8)
assert_exit 1 check
assert_eq "2 errors, 0 warnings" "$(summary)" "two drifts"
assert_match "$ERR" "^versions/a1_x\.sql:[0-9]+: error: .*$A1_NEW" "a1 drift"
assert_match "$ERR" "^versions/b2_x\.sql:[0-9]+: error: .*$B2_NEW" "b2 drift"
assert_exit 1 check --format json
assert_eq "2" "$(json_diags drift | wc -l)" "two drift entries in JSON"

# ---- rehash --------------------------------------------------------------------------------
# usage: no argument; a revision and --all together
assert_exit 2 rehash
assert_exit 2 rehash b2 --all
# an unknown revision: error, nothing written
H0=$(db_history_count)
assert_exit 1 rehash zz9
assert_eq "$H0" "$(db_history_count)" "rehash of an unknown revision writes nothing"
# c3 is pending: an error that writes nothing (also after an edit)
sed -i '8s/VALUES (1)/VALUES (3)/' "$C3"
assert_exit 1 rehash c3
assert_contains "$ERR" "c3" "rehash of a pending revision names it"
assert_eq "$H0" "$(db_history_count)" "rehash of a pending revision writes nothing"
assert_eq 0 "$(db_history_count rehash)" "no rehash rows yet"
# rehash b2: one row, its current checksum; b2's drift is gone, a1's stays
assert_exit 0 rehash b2
assert_eq 1 "$(hist_rows b2 rehash)" "rehash b2: one rehash row"
assert_eq "$((H0 + 1))" "$(db_history_count)" "rehash b2: exactly one history row"
assert_eq "$B2_NEW" "$(db_query "SELECT checksum FROM cmig_history WHERE revision = 'b2' AND direction = 'rehash'")" "rehash row holds the current checksum"
assert_match "$(db_query "SELECT applied_at FROM cmig_history WHERE direction = 'rehash'")" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}' "rehash row: applied_at is ISO-8601"
assert_db_version b2 "rehash does not move the version"
assert_exit 1 check
assert_eq "1 error, 0 warnings" "$(summary)" "after rehash b2 only a1 drifts"
assert_not_contains "$ERR" "versions/b2_x.sql" "b2 no longer drifts"
# rehash --all: only a1 changed since its recorded checksum; b2 was rehashed
assert_exit 0 rehash --all
assert_eq 1 "$(hist_rows a1 rehash)" "--all: a rehash row for a1"
assert_eq 1 "$(hist_rows b2 rehash)" "--all: no new row for unchanged b2"
assert_eq 0 "$(hist_rows c3 rehash)" "--all: no row for pending c3"
assert_eq "$((H0 + 2))" "$(db_history_count)" "--all wrote exactly one row"
assert_eq "$A1_NEW" "$(last_sum a1)" "--all recorded a1's current checksum"
assert_exit 0 check
assert_eq "0 errors, 0 warnings" "$(summary)" "no drift after rehash --all"
# --all again: nothing changed, nothing written
assert_exit 0 rehash --all
assert_eq "$((H0 + 2))" "$(db_history_count)" "--all with nothing changed writes nothing"
# an edit after a rehash is drift again, against the rehash row's checksum
sed -i '8s/VALUES (5)/VALUES (6)/' "$A1"
assert_exit 1 check
assert_contains "$ERR" "$A1_NEW" "drift against the rehash checksum"
assert_contains "$ERR" "$(lines_sha "$A1" 6 8)" "drift: the newest file checksum"
# --all writes rows for every changed applied revision (two here)
sed -i '8s/VALUES (2)/VALUES (7)/' "$B2"
H1=$(db_history_count)
R1=$(db_history_count rehash)
assert_exit 0 rehash --all
assert_eq "$((H1 + 2))" "$(db_history_count)" "--all: two changed revisions, two rows"
assert_eq "$((R1 + 2))" "$(db_history_count rehash)" "the two rows are rehash rows"
assert_exit 0 check

# ---- not drift: down section edits ---------------------------------------------------------
sed -i '10s/.*/DROP TABLE IF EXISTS t_b2;/' "$B2"
assert_exit 0 check
assert_eq "0 errors, 0 warnings" "$(summary)" "an edited down section is not drift"
# a header edit (message) is not drift either
sed -i '3s/.*/-- message: add b2, reworded/' "$B2"
assert_exit 0 check
assert_eq "0 errors, 0 warnings" "$(summary)" "an edited header is not drift"

# ---- not drift: a CRLF checkout (BOM, trailing blanks on marker lines) ---------------------
for f in "$A1" "$B2" "$C3"; do
	sed -i -e 's/^-- migrate:\(up\|down\)$/-- migrate:\1  /' -e 's/$/\r/' "$f"
	printf '\357\273\277' | cat - "$f" >"$f.tmp" && mv "$f.tmp" "$f"
done
assert_true "the checkout really has CRLF" grep -q $'\r$' "$B2"
assert_exit 0 check
assert_eq "0 errors, 0 warnings" "$(summary)" "a CRLF checkout is not drift"
assert_exit 0 check --format json
assert_eq "ok=true errors=0 warnings=0" "$(json_top)" "a CRLF checkout is not drift (JSON)"
# the checkout still upgrades (c3 pending) and records the LF checksum
assert_exit 0 upgrade head
assert_db_version c3
assert_eq "$(lines_sha "$C3" 6 8)" "$(last_sum c3)" "c3 applied from a CRLF file: checksum with CRLF as LF"
assert_exit 0 check
assert_eq "0 errors, 0 warnings" "$(summary)" "clean after upgrading from CRLF files"

# ---- not drift: a revision no longer applied -------------------------------------------------
assert_exit 0 downgrade b2
sed -i '8s/VALUES (3)/VALUES (4)/' "$C3"
assert_exit 0 check
assert_eq "0 errors, 0 warnings" "$(summary)" "an edited, downgraded revision is not drift"
assert_exit 1 rehash c3
assert_exit 0 upgrade head
assert_exit 0 check
assert_eq "0 errors, 0 warnings" "$(summary)" "re-applied: the new checksum is recorded"

# ---- dialect sections: only the section this backend runs is compared --------------------------
case $CMIG_TEST_BACKEND in
sqlite) mine=sqlite other=postgresql ;;
postgresql) mine=postgresql other=sqlite ;;
esac
cat >versions/d4_x.sql <<EOF
-- revision: d4
-- down_revision: c3
-- message: dialects

-- migrate:up dialect:$mine
CREATE TABLE t_d4 (id INTEGER);
-- migrate:up dialect:$other
CREATE TABLE t_d4 (id INTEGER);
-- migrate:down
DROP TABLE t_d4;
EOF
assert_exit 0 upgrade head
assert_eq "$(lines_sha versions/d4_x.sql 6 6)" "$(last_sum d4)" "d4: checksum of this backend's section"
sed -i '8s/INTEGER/BIGINT/' versions/d4_x.sql
assert_exit 0 check
assert_eq "0 errors, 0 warnings" "$(summary)" "editing the other dialect's section is not drift"
sed -i '6s/INTEGER/BIGINT/' versions/d4_x.sql
assert_exit 1 check
assert_match "$ERR" "^versions/d4_x\.sql:[0-9]+: error: .*lines 6-6" "editing this backend's section is drift (lines 6-6)"
assert_contains "$ERR" "$(lines_sha versions/d4_x.sql 6 6)" "d4 drift: current checksum"
assert_exit 0 rehash d4
assert_exit 0 check

# ---- custom table names (and, on PostgreSQL, a schema): check and rehash read those tables ---
new_db
new_project "$TEST_DIR/custom"
if [ "$CMIG_TEST_BACKEND" = postgresql ]; then
	db_query "CREATE SCHEMA migr"
	printf 'version_table: my_version\nhistory_table: my_history\nversion_table_schema: migr\n' >>cmig.yaml
	HT=migr.my_history
else
	printf 'version_table: my_version\nhistory_table: my_history\n' >>cmig.yaml
	HT=my_history
fi
rev3 k1 "" 1
assert_exit 0 upgrade head
assert_eq 1 "$(db_query "SELECT count(*) FROM $HT WHERE revision = 'k1' AND direction = 'up'")" "custom history table used"
assert_false "no default cmig_history table" db_has_table cmig_history
sed -i '8s/VALUES (1)/VALUES (2)/' versions/k1_x.sql
assert_exit 1 check
assert_match "$ERR" "^versions/k1_x\.sql:[0-9]+: error: .*lines 6-8" "drift found through the custom tables"
assert_exit 0 rehash k1
assert_eq 1 "$(db_query "SELECT count(*) FROM $HT WHERE revision = 'k1' AND direction = 'rehash'")" "rehash row in the custom history table"
assert_exit 0 check
assert_false "still no default cmig_history table" db_has_table cmig_history
assert_false "no default cmig_version table" db_has_table cmig_version

# ---- a stamped-only revision has no recorded checksum: its edit is not drift -------------------
new_db
new_project "$TEST_DIR/stamped"
rev3 s1 "" 1
rev3 s2 s1 1
# at base: rehash --all has nothing to do, rehash REV is an error
assert_exit 0 rehash --all
assert_eq 0 "$(db_history_count)" "rehash --all at base writes nothing"
assert_exit 1 rehash s1
assert_eq 0 "$(db_history_count)" "rehash of a revision at base writes nothing"
assert_exit 0 stamp head
sed -i '8s/VALUES (1)/VALUES (9)/' versions/s1_x.sql
assert_exit 0 check
assert_eq "0 errors, 0 warnings" "$(summary)" "stamped, never upgraded: no drift"
# rehash of a stamped revision: it is applied, so a row is written
assert_exit 0 rehash s1
assert_eq 1 "$(hist_rows s1 rehash)" "rehash of a stamped revision"
assert_exit 0 check
finish
