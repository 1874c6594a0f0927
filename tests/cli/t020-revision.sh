#!/bin/bash
# t020-revision: `cmig revision -m MSG [--rev-id ID]` (SPEC §5, §1 template, §2 ids).
. "$(dirname "$0")/lib.sh"
new_db
new_project

files() { (cd versions && ls -A | sort); }

# SPEC §5: writes a new file, prints its path; cmig revision makes 12 random lowercase hex
assert_exit 0 revision -m "Add Users Table!"
assert_match "$OUT" '^versions/[0-9a-f]{12}_add_users_table\.sql$' "path printed, slug lowercased"
f1=$OUT
r1=$(basename "$f1" | cut -c1-12)
assert_true "file exists" test -f "$f1"
assert_match "$(cat "$f1")" "^-- revision: $r1\$" "revision header"
assert_match "$(cat "$f1")" '^-- down_revision: *(none)?$' "first revision: down_revision empty or none"
assert_match "$(cat "$f1")" '^-- message: Add Users Table!$' "message header keeps the message"
assert_match "$(cat "$f1")" '^-- created: [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}' "created header is ISO-8601"
assert_match "$(cat "$f1")" '^-- migrate:up' "up marker"
assert_match "$(cat "$f1")" '^-- migrate:down' "down marker"

# SPEC §5: a new revision follows the current head of the files
assert_exit 0 revision -m second
f2=$OUT
r2=$(basename "$f2" | cut -c1-12)
assert_ne "$r1" "$r2" "random ids differ"
assert_match "$(cat "$f2")" "^-- down_revision: $r1\$" "second follows the first"
assert_exit 0 heads
assert_eq "$r2" "$OUT" "heads is the new revision"
# new revisions apply (empty sections are no-ops)
assert_exit 0 upgrade head
assert_db_version "$r2"
assert_backend_db

# --rev-id
assert_exit 0 revision -m third --rev-id my_rev_3
assert_eq "versions/my_rev_3_third.sql" "$OUT" "--rev-id names the file"
assert_match "$(cat versions/my_rev_3_third.sql)" "^-- down_revision: $r2\$" "follows the head"
before=$(cat versions/my_rev_3_third.sql)
# SPEC §5: never overwrite
run_cmig revision -m third --rev-id my_rev_3
assert_ne 0 "$RC" "writing over an existing file fails"
assert_eq "$before" "$(cat versions/my_rev_3_third.sql)" "existing file untouched"
# SPEC §2: reserved words and bad characters are not ids
for bad in head BASE None current 'a-b' 'x y' "$(printf 'a%.0s' {1..65})"; do
	n=$(files | wc -l)
	run_cmig revision -m bad --rev-id "$bad"
	assert_ne 0 "$RC" "--rev-id '$bad' refused"
	assert_eq "$n" "$(files | wc -l)" "no file written for --rev-id '$bad'"
done

# slug rules: lowercased, runs outside [a-z0-9] -> one _, cut to 40 bytes, trimmed of _
check_slug() { # MSG EXPECTED_FILE_SUFFIX
	local msg=$1 want=$2 id=$3
	assert_exit 0 revision -m "$msg" --rev-id "$id"
	assert_eq "versions/$id$want" "$OUT" "slug of '$msg'"
	assert_true "file $id$want exists" test -f "versions/$id$want"
}
check_slug "Hello,  World -- again" "_hello_world_again.sql" s1
check_slug "$(printf 'A%.0s' {1..50})" "_$(printf 'a%.0s' {1..40}).sql" s2
check_slug "$(printf 'a%.0s' {1..39})!x" "_$(printf 'a%.0s' {1..39}).sql" s3 # cut at 40 leaves "a..a_" -> trimmed
check_slug "!!!" ".sql" s4
check_slug "Ünïcode café" "_n_code_caf.sql" s5
check_slug "__x__" "_x.sql" s6

# SPEC §5: no message can write outside versions/
outside() { find "$TEST_DIR" -path "$TEST_DIR/proj/versions" -prune -o -type f ! -name '.*' -print | sort; }
before=$(outside)
n=$(files | wc -l)
assert_exit 0 revision -m "../../x"
assert_match "$OUT" '^versions/[0-9a-f]{12}_x\.sql$' "'../../x' becomes slug x"
assert_eq $((n + 1)) "$(files | wc -l)" "exactly one new file in versions/"
assert_eq "$before" "$(outside)" "nothing written outside versions/"
assert_exit 0 revision -m "/etc/passwd" --rev-id s7
assert_eq "versions/s7_etc_passwd.sql" "$OUT" "absolute path message is a slug"

# SPEC §5: control characters in MSG become spaces in the message header
assert_exit 0 revision -m "$(printf 'line1\nline2\tx')" --rev-id s8
assert_eq "versions/s8_line1_line2_x.sql" "$OUT" "control chars in the slug"
assert_match "$(cat versions/s8_line1_line2_x.sql)" '^-- message: line1 line2 x$' "control chars become spaces"
assert_exit 0 check
assert_exit 0 heads
assert_eq s8 "$OUT" "chain still linear after all revisions"

# SPEC §1: template with placeholders; any other ${...} is an error
mkdir -p templates
cat >templates/revision.sql.tmpl <<'T'
-- revision: ${revision}
-- down_revision: ${down_revision}
-- message: ${message}
-- created: ${created}
-- from my template

-- migrate:up
CREATE TABLE tmpl_${revision} (id INTEGER PRIMARY KEY);

-- migrate:down
DROP TABLE tmpl_${revision};
T
assert_exit 0 revision -m "templated" --rev-id t9
assert_eq "versions/t9_templated.sql" "$OUT" "path"
c=$(cat versions/t9_templated.sql)
assert_contains "$c" "-- from my template" "template used"
assert_contains "$c" "CREATE TABLE tmpl_t9 (id INTEGER PRIMARY KEY);" "\${revision} substituted"
assert_match "$c" '^-- down_revision: s8$' "\${down_revision} substituted"
assert_match "$c" '^-- message: templated$' "\${message} substituted"
assert_no_match "$c" '\$\{' "no placeholder left"
printf -- '-- revision: ${revision}\n-- down_revision: ${down_revision}\n-- ${nonsense}\n-- migrate:up\n-- migrate:down\n' >templates/revision.sql.tmpl
n=$(files | wc -l)
run_cmig revision -m "bad template" --rev-id t10
assert_eq 1 "$RC" "unknown placeholder is an error"
assert_eq "$n" "$(files | wc -l)" "no file written with a bad template"
# config key template:
printf -- '-- revision: ${revision}\n-- down_revision: ${down_revision}\n-- message: ${message}\n-- other template\n-- migrate:up\n-- migrate:down\n' >"$TEST_DIR/other.tmpl"
printf "database_url: '%s'\nversions_dir: versions\ntemplate: ../other.tmpl\n" "$DB_URL" >cmig.yaml
assert_exit 0 revision -m "other" --rev-id t11
assert_contains "$(cat versions/t11_other.sql)" "-- other template" "template: key, relative to the config file"

# SPEC §5: missing -m is a usage error
assert_exit 2 revision
# revision on a branched chain has no single head: refused
write_rev br1 s8
n=$(files | wc -l)
run_cmig revision -m "on a branch"
assert_eq 1 "$RC" "revision refuses a branched chain"
assert_eq "$n" "$(files | wc -l)" "no file written on a branched chain"
