#!/bin/bash
# t010-init: `cmig init [DIR]` creates a project and never overwrites (SPEC §1).
. "$(dirname "$0")/lib.sh"

# SPEC §1: init in the current directory creates cmig.yaml and versions/
mkdir -p "$TEST_DIR/here" && cd "$TEST_DIR/here"
assert_exit 0 init
assert_true "cmig.yaml created" test -f cmig.yaml
assert_true "versions/ created" test -d versions

# SPEC §1: init DIR creates the project in DIR
cd "$TEST_DIR"
assert_exit 0 init there
assert_true "there/cmig.yaml created" test -f there/cmig.yaml
assert_true "there/versions/ created" test -d there/versions
assert_false "no cmig.yaml in the current directory" test -f "$TEST_DIR/cmig.yaml"

# SPEC §1: init never overwrites an existing file
printf 'database_url: sqlite:///mine.db\n# keep me\n' >there/cmig.yaml
if [ -f there/templates/revision.sql.tmpl ]; then
	printf -- '-- my template ${revision}\n' >there/templates/revision.sql.tmpl
fi
run_cmig init there
assert_eq "$(printf 'database_url: sqlite:///mine.db\n# keep me')" "$(cat there/cmig.yaml)" "init leaves an existing cmig.yaml alone"
if [ -f there/templates/revision.sql.tmpl ]; then
	assert_eq '-- my template ${revision}' "$(cat there/templates/revision.sql.tmpl)" "init leaves an existing template alone"
fi

# The project init made is usable: revision + upgrade against the test database
new_db
cd "$TEST_DIR/here"
assert_exit 0 revision -m "first"
assert_match "$OUT" '^versions/[0-9a-f]{12}_first\.sql$' "revision prints the new file's path"
id=$(basename "$OUT" | cut -c1-12)
assert_exit 0 --url "$DB_URL" upgrade head
assert_db_version "$id"
assert_backend_db
assert_contains "$ERR" "Running upgrade base -> $id, first" "progress line on stderr"
