#!/bin/bash
# t440 (PostgreSQL): `upgrade --sql` prints exactly what a live upgrade does (SPEC §5; one
# struct cmig_dialect feeds both): its output run by `psql -X -v ON_ERROR_STOP=1` on a fresh
# database gives the same `pg_dump --schema-only`, the same version row and as many history
# rows as a live upgrade. Also for a FROM:TO range on top of a live upgrade, for a
# downgrade, with transaction:false and dialect sections, and with version_table_schema.
. "$(dirname "$0")/../cli/lib.sh"
[ "$CMIG_TEST_BACKEND" = postgresql ] || _die "a PostgreSQL-only test (CMIG_TEST_BACKEND=postgresql)"
command -v pg_dump >/dev/null || _die "pg_dump is needed"

export PGOPTIONS="-c client_min_messages=warning" # psql: no NOTICEs of IF NOT EXISTS
dump() { pg_dump --schema-only --no-owner --no-privileges -d "$1" | grep -Ev '^(-- Dumped|\\(un)?restrict )'; }
rows() { # DB SCHEMA
	local s=${2:+$2.}
	echo "version=$(psql -X -At -d "$1" -c "SELECT version_num FROM ${s}cmig_version")"
	echo "history=$(psql -X -At -d "$1" -c "SELECT count(*) FROM ${s}cmig_history")"
	echo "history_up=$(psql -X -At -d "$1" -c "SELECT string_agg(revision || ':' || direction || ':' || checksum, ',' ORDER BY id) FROM ${s}cmig_history")"
}

setup_project() { # DIR [SCHEMA]
	new_project "$1"
	if [ -n "${2:-}" ]; then
		printf "database_url: '%s'\nversion_table_schema: %s\n" "$DB_URL" "$2" >cmig.yaml
	fi
	write_rev a1 "" "CREATE TABLE users (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email TEXT NOT NULL UNIQUE);
CREATE FUNCTION norm(t TEXT) RETURNS TEXT LANGUAGE plpgsql IMMUTABLE AS \$\$
BEGIN
  RETURN lower(trim(t)); -- ; in a body
END;
\$\$;" "DROP FUNCTION norm(TEXT);
DROP TABLE users;"
	{
		printf -- '-- revision: b2\n-- down_revision: a1\n-- message: posts\n\n'
		printf -- '-- migrate:up dialect:postgresql\n'
		printf "CREATE TABLE posts (id SERIAL PRIMARY KEY, user_id BIGINT REFERENCES users(id), body TEXT,\n"
		printf "  tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', coalesce(body, ''))) STORED);\n"
		printf "CREATE INDEX posts_tsv ON posts USING gin (tsv);\n"
		printf "INSERT INTO users (email) VALUES (norm('  A@B.C '));\n"
		printf -- '-- migrate:up dialect:sqlite\nCREATE TABLE posts (id INTEGER PRIMARY KEY);\n'
		printf -- '-- migrate:down\nDROP TABLE posts;\nDELETE FROM users;\n'
	} >versions/b2_x.sql
	{
		printf -- '-- revision: c3\n-- down_revision: b2\n-- message: concurrent\n\n'
		printf -- '-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY IF NOT EXISTS posts_user ON posts (user_id);\n'
		printf -- '-- migrate:down transaction:false\nDROP INDEX CONCURRENTLY IF EXISTS posts_user;\n'
	} >versions/c3_x.sql
	write_rev d4 c3 "CREATE VIEW user_posts AS SELECT u.email, p.body FROM users u JOIN posts p ON p.user_id = u.id;
ALTER TABLE posts ADD COLUMN created TIMESTAMPTZ NOT NULL DEFAULT now();
COMMENT ON TABLE posts IS 'posts; with a semicolon';" "DROP VIEW user_posts;
ALTER TABLE posts DROP COLUMN created;"
}

for schema in "" migs; do
	label=${schema:-public}
	new_db
	LIVE=$DB_NAME
	setup_project "$TEST_DIR/live_$label" "$schema"
	assert_exit 0 upgrade head
	new_db
	OFF=$DB_NAME
	printf "database_url: 'postgresql://nobody:pw@127.0.0.1:1/never'\n%s" \
		"${schema:+version_table_schema: $schema
}" >cmig.yaml
	assert_exit 0 upgrade --sql
	printf '%s\n' "$OUT" >"$TEST_DIR/up_$label.sql"
	assert_true "$label: psql runs the --sql output" psql -X -q -v ON_ERROR_STOP=1 -d "$OFF" -f "$TEST_DIR/up_$label.sql"
	assert_eq "$(dump "$LIVE")" "$(dump "$OFF")" "$label: pg_dump --schema-only equal"
	assert_eq "$(rows "$LIVE" "$schema" | head -2)" "$(rows "$OFF" "$schema" | head -2)" "$label: same version row and history row count"
	assert_eq "$(rows "$LIVE" "$schema" | tail -1)" "$(rows "$OFF" "$schema" | tail -1)" "$label: same history revisions, directions and checksums"

	# downgrade --sql from head to a1 on the offline database vs a live downgrade
	assert_exit 0 downgrade --sql a1
	printf '%s\n' "$OUT" >"$TEST_DIR/down_$label.sql"
	assert_true "$label: psql runs the downgrade --sql output" psql -X -q -v ON_ERROR_STOP=1 -d "$OFF" -f "$TEST_DIR/down_$label.sql"
	printf "database_url: '%s'\n%s" "postgresql:///$LIVE?host=$PGHOST&port=$PGPORT" \
		"${schema:+version_table_schema: $schema
}" >cmig.yaml
	assert_exit 0 downgrade a1
	assert_eq "$(dump "$LIVE")" "$(dump "$OFF")" "$label: after downgrade, pg_dump equal"
	assert_eq "$(rows "$LIVE" "$schema" | head -2)" "$(rows "$OFF" "$schema" | head -2)" "$label: after downgrade, same version and history count"

	# FROM:TO on top of a live database at a1
	assert_exit 0 upgrade --sql a1:head
	printf '%s\n' "$OUT" >"$TEST_DIR/range_$label.sql"
	assert_not_contains "$OUT" "CREATE TABLE users" "$label: a1:head starts after a1"
	assert_true "$label: psql runs the a1:head output" psql -X -q -v ON_ERROR_STOP=1 -d "$OFF" -f "$TEST_DIR/range_$label.sql"
	assert_exit 0 upgrade head
	assert_eq "$(dump "$LIVE")" "$(dump "$OFF")" "$label: a1:head, pg_dump equal"
	assert_eq "$(rows "$LIVE" "$schema" | head -2)" "$(rows "$OFF" "$schema" | head -2)" "$label: a1:head, same version and history count"
done
assert_false "version_table_schema: no cmig tables in public" db_has_table cmig_version public

finish
