#!/bin/bash
# t270: `cmig check --lint` (SPEC §10) end to end: the bundled example is clean except where
# a rule truly applies; look-alikes from the issue's bad-input list are not flagged; lint
# codes, lines and hints in text, JSON and SARIF (checked with jq); --dialect, --since,
# --lint-down, --strict, dialects / postgresql_version in cmig.yaml; lint-ignore lines and
# headers, an unknown code being a warning; an unreachable database does not stop lint.
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || _die "jq is needed (scripts/install-deps.sh --test)"

# ---- the bundled example: exactly the findings that truly apply ---------------------------
mkdir -p "$TEST_DIR/example"
cp "$CMIG_SOURCE_DIR/cmig.yaml" "$TEST_DIR/example/"
cp -r "$CMIG_SOURCE_DIR/versions" "$TEST_DIR/example/"
cd "$TEST_DIR/example"
assert_exit 0 check --lint --dialect sqlite
assert_eq "0 errors, 0 warnings" "$(printf '%s\n' "$ERR" | tail -n 1)" "example: clean on SQLite"
assert_exit 0 check --lint --dialect postgresql --format json
found=$(printf '%s' "$OUT" | jq -r '.diagnostics[] | "\(.path | sub(".*/"; "") | .[0:4]):\(.line) \(.code)"' | sort)
want=$(sort <<'X'
0002:9 lint-index-not-concurrent
0003:31 lint-volatile-default
0003:31 lint-lock-timeout
0003:33 lint-index-not-concurrent
0004:9 lint-lock-timeout
0006:10 lint-lock-timeout
0007:12 lint-constraint-not-valid
0007:12 lint-lock-timeout
0007:13 lint-constraint-not-valid
X
)
assert_eq "$want" "$found" "example on PostgreSQL: only statements the rules name"
assert_eq "true" "$(printf '%s' "$OUT" | jq '.ok')" "warnings alone keep ok true"
printf 'pg_lock_timeout: 5s\n' >>cmig.yaml
assert_exit 0 check --lint --dialect postgresql --format json
assert_eq 0 "$(printf '%s' "$OUT" | jq '[.diagnostics[] | select(.code == "lint-lock-timeout")] | length')" \
	"pg_lock_timeout satisfies lint-lock-timeout"
assert_exit 0 check --format json
assert_eq 0 "$(printf '%s' "$OUT" | jq '[.diagnostics[] | select(.code | startswith("lint-"))] | length')" \
	"without --lint: no lint findings"

# ---- a project of look-alikes -------------------------------------------------------------
mkdir -p "$TEST_DIR/p" && cd "$TEST_DIR/p"
printf 'database_url: sqlite:///test.db\ndialects: [sqlite, postgresql]\n' >cmig.yaml
mkdir versions
cat >versions/a1_base.sql <<'X'
-- revision: a1
-- down_revision:

-- migrate:up
CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(50), name TEXT);

-- migrate:down
DROP TABLE users;
X
cat >versions/b2_lookalikes.sql <<'X'
-- revision: b2
-- down_revision: a1

-- migrate:up
SET LOCAL lock_timeout = '2s';
SELECT 'CREATE INDEX users_x ON users (email)', "create index" FROM (SELECT 1 AS "create index") q;
/* ALTER TABLE users ADD COLUMN n INTEGER NOT NULL; */
CREATE TABLE audit (id INTEGER PRIMARY KEY, note TEXT);
CREATE INDEX audit_note ON audit (note);
ALTER TABLE audit ADD COLUMN n INTEGER NOT NULL;
alter table USERS
  alter column EMAIL
  type varchar(100);

-- migrate:down
DROP TABLE audit;
X
cat >versions/c3_concurrently.sql <<'X'
-- revision: c3
-- down_revision: b2

-- migrate:up dialect:postgresql transaction:false
CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email ON users (email);
CREATE OR REPLACE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $body$
BEGIN
  ALTER TABLE users ADD COLUMN z INTEGER NOT NULL;
  DROP TABLE users;
END
$body$;
-- migrate:up dialect:sqlite
CREATE INDEX IF NOT EXISTS users_email ON users (email);

-- migrate:down dialect:postgresql transaction:false
DROP INDEX CONCURRENTLY IF EXISTS users_email;
-- migrate:down dialect:sqlite
DROP INDEX IF EXISTS users_email;
X
assert_exit 0 check --lint
assert_eq "0 errors, 0 warnings" "$(printf '%s\n' "$ERR" | tail -n 1)" "look-alikes: nothing flagged"

cat >versions/d4_risky.sql <<'X'
-- revision: d4
-- down_revision: c3
-- lint-ignore: lint-rename, lint-nonsense

-- migrate:up
CREATE INDEX users_name
    ON users (name);
-- cmig:lint-ignore lint-drop, lint-lock-timeout
ALTER TABLE users DROP COLUMN name;
ALTER TABLE users RENAME COLUMN email TO mail;
-- cmig:lint-ignore lint-bogus
ALTER TABLE users ADD COLUMN age INTEGER NOT NULL;

-- migrate:down
ALTER TABLE users DROP COLUMN age;
X
assert_exit 0 check --lint
assert_contains "$ERR" "versions/d4_risky.sql:6: warning: lint-index-not-concurrent: CREATE INDEX on users takes a SHARE lock on users" "the statement's first line, the lock"
assert_contains "$ERR" "hint: in a '-- migrate:up dialect:postgresql transaction:false' section" "hint for a dialect:postgresql section"
assert_contains "$ERR" "versions/d4_risky.sql:12: warning: lint-not-null-without-default:" "not-null-without-default"
assert_contains "$ERR" "versions/d4_risky.sql:3: warning: lint-ignore: unknown lint code 'lint-nonsense'" "unknown code in the header"
assert_contains "$ERR" "versions/d4_risky.sql:11: warning: lint-ignore: unknown lint code 'lint-bogus'" "unknown code on an ignore line"
assert_not_contains "$ERR" "lint-drop:" "lint-drop silenced by the line"
assert_not_contains "$ERR" "lint-rename:" "lint-rename silenced by the header"
assert_contains "$ERR" "versions/d4_risky.sql:10: warning: lint-lock-timeout" "silenced at line 9, lint-lock-timeout comes back at the next statement"
assert_eq "0 errors, 5 warnings" "$(printf '%s\n' "$ERR" | tail -n 1)" "summary"
assert_exit 1 check --lint --strict
assert_eq "5 errors, 0 warnings" "$(printf '%s\n' "$ERR" | tail -n 1)" "--strict fails on lint warnings"
assert_exit 0 check --lint --dialect sqlite
assert_eq "0 errors, 3 warnings" "$(printf '%s\n' "$ERR" | tail -n 1)" "--dialect sqlite: not-null and two unknown codes"
assert_exit 0 check --lint --since c3
assert_eq "0 errors, 5 warnings" "$(printf '%s\n' "$ERR" | tail -n 1)" "--since c3 keeps d4"
assert_exit 0 check --lint --since d4
assert_eq "0 errors, 0 warnings" "$(printf '%s\n' "$ERR" | tail -n 1)" "--since d4: nothing after it"
assert_exit 1 check --lint --since nosuch
assert_contains "$ERR" "nosuch" "--since names an unknown revision"
assert_exit 0 check --lint --lint-down --dialect postgresql
assert_contains "$ERR" "versions/a1_base.sql:8: warning: lint-lock-timeout: DROP TABLE" "--lint-down lints down sections"
assert_not_contains "$ERR" "lint-drop" "--lint-down: never lint-drop"
assert_exit 2 check --lint --dialect oracle
assert_exit 2 check --since a1
assert_exit 2 check --format xml

# ---- SARIF ----------------------------------------------------------------------------------
assert_exit 0 check --lint --format sarif
printf '%s' "$OUT" >"$TEST_DIR/out.sarif"
assert_eq "2.1.0" "$(jq -r '.version' "$TEST_DIR/out.sarif")" "sarif: version"
assert_eq 1 "$(jq '.runs | length' "$TEST_DIR/out.sarif")" "sarif: one run"
for code in lint-index-not-concurrent lint-volatile-default lint-type-change lint-set-not-null \
	lint-not-null-without-default lint-constraint-not-valid lint-add-unique lint-rename lint-drop \
	lint-lock-timeout lint-not-idempotent lint-blocking parse branch drift no-down; do
	assert_eq 1 "$(jq --arg c "$code" '[.runs[0].tool.driver.rules[] | select(.id == $c and (.shortDescription.text | length) > 0 and (.help.text | length) > 0)] | length' "$TEST_DIR/out.sarif")" "sarif: rule $code"
done
assert_eq 5 "$(jq '.runs[0].results | length' "$TEST_DIR/out.sarif")" "sarif: one result per finding"
assert_eq "lint-index-not-concurrent warning versions/d4_risky.sql %SRCROOT% 6" \
	"$(jq -r '.runs[0].results[] | select(.ruleId == "lint-index-not-concurrent") | "\(.ruleId) \(.level) \(.locations[0].physicalLocation.artifactLocation.uri) \(.locations[0].physicalLocation.artifactLocation.uriBaseId) \(.locations[0].physicalLocation.region.startLine)"' "$TEST_DIR/out.sarif")" "sarif: result fields"
assert_eq 0 "$(jq '[.runs[0].results[] | select((.message.text | length) == 0 or (.locations | length) != 1)] | length' "$TEST_DIR/out.sarif")" "sarif: message and one location each"
assert_exit 1 check --lint --strict --format sarif
assert_eq '["error"]' "$(printf '%s' "$OUT" | jq -c '[.runs[0].results[].level] | unique')" "sarif: --strict makes every level error"
# run from a subdirectory: URIs relative to the current directory
mkdir -p sub && cd sub
assert_exit 0 -c ../cmig.yaml check --lint --format sarif
assert_eq "../versions/d4_risky.sql" "$(printf '%s' "$OUT" | jq -r '[.runs[0].results[].locations[0].physicalLocation.artifactLocation.uri] | unique | .[0]')" "sarif: URI relative to the cwd"
cd ..
# a problem with no file (an unreachable database) goes to cmig.yaml line 1; lint goes on
assert_exit 1 --url 'postgresql://cmig@127.0.0.1:1/nodb?connect_timeout=2' check --lint --format sarif
assert_eq "cmig.yaml 1 error" "$(printf '%s' "$OUT" | jq -r '.runs[0].results[] | select(.level == "error") | "\(.locations[0].physicalLocation.artifactLocation.uri) \(.locations[0].physicalLocation.region.startLine) \(.level)"' | head -1)" "sarif: a database problem at cmig.yaml:1"
assert_eq 5 "$(printf '%s' "$OUT" | jq '[.runs[0].results[] | select(.ruleId | startswith("lint"))] | length')" "an unreachable database does not stop lint"
assert_exit 0 check --format sarif
assert_eq 0 "$(printf '%s' "$OUT" | jq '.runs[0].results | length')" "sarif without --lint: clean"

# ---- configuration ---------------------------------------------------------------------------
printf 'database_url: sqlite:///test.db\ndialects: [sqlite, postgresql]\npostgresql_version: 10\n' >cmig.yaml
cat >versions/e5_default.sql <<'X'
-- revision: e5
-- down_revision: d4
-- lint-ignore: lint-lock-timeout

-- migrate:up
ALTER TABLE users ADD COLUMN active BOOLEAN NOT NULL DEFAULT TRUE;
X
assert_exit 0 check --lint --since d4
assert_contains "$ERR" "e5_default.sql:6: warning: lint-volatile-default: ADD COLUMN users.active with a DEFAULT rewrites users under an ACCESS EXCLUSIVE lock before PostgreSQL 11" "postgresql_version 10: any default"
printf 'database_url: sqlite:///test.db\ndialects: [sqlite, mysql]\n' >cmig.yaml
assert_exit 1 check --lint
assert_contains "$ERR" "cmig.yaml:2" "a bad dialect names its line"
printf 'postgresql_version: fifteen\n' >cmig.yaml
assert_exit 1 check --lint
assert_contains "$ERR" "postgresql_version" "a bad version names the key"
# no cmig.yaml database_url and no dialects: the default URL's dialect, said in the summary
printf 'versions_dir: versions\n' >cmig.yaml
assert_exit 0 check --lint --since d4
assert_contains "$(printf '%s\n' "$ERR" | tail -n 1)" "lint: sqlite only, the default database URL's dialect" "summary names the default"

finish
