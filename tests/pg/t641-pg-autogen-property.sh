#!/bin/bash
# t641 (PostgreSQL): the property test of `revision --autogenerate` that does not trust its
# proof (issue 13), t640's twin on PostgreSQL.
# Start: the bundled example (the repository's versions/, its PostgreSQL sections) plus one
# fixture revision adding a view and a trigger with its function, upgraded to head in a fresh
# database, rows inserted. For each seed, autogen_gen_pg.py applies 1-3 random edits to that
# head's `cmig dump` as schema.sql; then, in a copy of that database (CREATE DATABASE …
# TEMPLATE):
#   - autogenerate --allow-drop writes one revision (exit 0), finds nothing (exit 0, nothing
#     written) or refuses (exit 1, a message on stderr, nothing written); anything else fails;
#   - a written revision is applied with `cmig upgrade` to the database holding rows. If that
#     fails, the statement it failed on must carry `-- cmig: fails if the table has rows` and
#     the database must still be at the previous head with the same schema and rows. Otherwise
#     its schema must equal schema.sql loaded directly into an empty database with psql, twice
#     over: the two `cmig dump`s in the test's canonical text (autogen_gen_pg.py --norm), and
#     the test's own catalog query (pg_catalog through psql, not cmig's reader); and the rows
#     of every unchanged column must be the same as before;
#   - `cmig downgrade -1` must give back the previous head (both texts) and the same rows in
#     the unchanged columns (or fail on rows on a marked statement, leaving the new revision).
# AUTOGEN_SEEDS=N (default 12) seeds, from AUTOGEN_SEED0 (default 18: seeds 18-29 meet every
# outcome but "no change": written, an upgrade and a downgrade failing on rows, a refusal;
# and redefined views, indexes, triggers, CHECKs, function bodies). A longer run:
#   eval "$(bash tests/pg/cluster.sh start)"
#   AUTOGEN_SEEDS=200 CMIG_TEST_BACKEND=postgresql CMIG=$PWD/build/src/cmig bash tests/pg/t641-pg-autogen-property.sh
# (CMIG absolute: the test runs cmig from each seed's project directory)
# VERBOSE=1 prints each seed's outcome.
. "$(dirname "$0")/../cli/lib.sh"
[ "$CMIG_TEST_BACKEND" = postgresql ] || _die "a PostgreSQL-only test (CMIG_TEST_BACKEND=postgresql)"

GEN=$CMIG_TESTS_DIR/pg/autogen_gen_pg.py
SEEDS=${AUTOGEN_SEEDS:-12}
SEED0=${AUTOGEN_SEED0:-18}
command -v python3 >/dev/null || _die "python3 is needed"
HEAD=0008ffee0000

new_db
DIRECT_DB=$DB_NAME # schema.sql loaded directly (emptied before each use)
DIRECT_URL=$DB_URL
new_db
BASE_DB=$DB_NAME # the example at head with rows: the template of every seed's database
SEED_DB=${BASE_DB}_s
echo "$SEED_DB" >>"$_DBS_FILE" # dropped at exit by lib.sh
DEV_URL="postgresql:///postgres?host=$PGHOST&port=$PGPORT"
# project DIR DB : DIR/cmig.yaml for database DB, with the scratch server
project() {
	printf "database_url: 'postgresql:///%s?host=%s&port=%s'\nversions_dir: versions\ndev_url: '%s'\n" \
		"$2" "$PGHOST" "$PGPORT" "$DEV_URL" >"$1/cmig.yaml"
}

BASEPROJ=$TEST_DIR/base
mkdir -p "$BASEPROJ"
cp -r "$CMIG_SOURCE_DIR/versions" "$BASEPROJ/versions"
cat >"$BASEPROJ/versions/${HEAD}_property_fixture.sql" <<'EOF'
-- revision: 0008ffee0000
-- down_revision: 0007a9c4e2b8
-- message: property fixture

-- migrate:up
CREATE VIEW published_posts AS SELECT id, slug, title FROM posts WHERE published_at IS NOT NULL;
CREATE FUNCTION comments_touch_fn() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RETURN NEW;
END;
$$;
CREATE TRIGGER comments_touch AFTER INSERT ON comments FOR EACH ROW EXECUTE FUNCTION comments_touch_fn();

-- migrate:down
DROP TRIGGER comments_touch ON comments;
DROP FUNCTION comments_touch_fn();
DROP VIEW published_posts;
EOF
project "$BASEPROJ" "$BASE_DB"
cd "$BASEPROJ" || _die "cd"
assert_exit 0 upgrade head
psql -X -q -v ON_ERROR_STOP=1 -d "$BASE_DB" <<'EOF' || _die "inserting the rows"
INSERT INTO tags (id, name) VALUES (1, 'c'), (2, 'sql'), (3, 'migrations'), (4, 'x');
INSERT INTO posts (id, slug, title, body, created_at, published_at) VALUES
  (1, 'hello', 'Hello', 'first post', '2026-10-31 09:00:00', '2026-11-01 10:00:00'),
  (2, 'drafts', 'Drafts', 'not yet', '2026-11-02 09:00:00', NULL),
  (3, 'batch-mode', 'Batch mode', 'rebuilds', '2026-11-19 09:00:00', '2026-11-20 08:30:00'),
  (4, 'unicode', 'Ünïcödé', 'ŝtrings ✓', '2026-11-20 09:00:00', '2026-11-21 00:00:00');
INSERT INTO posts_tags (post_id, tag_id) VALUES (1, 1), (1, 2), (3, 2), (3, 3), (4, 4);
INSERT INTO comments (id, post_id, author, body, created_at, is_admin) VALUES
  (1, 1, 'ann', 'nice', '2026-11-02 11:00:00', false), (2, 1, 'bob', 'agreed', '2026-11-02 12:00:00', true),
  (3, 3, 'cy', 'how fast?', '2026-11-21 07:00:00', false);
EOF
assert_exit 0 dump
printf '%s\n' "$OUT" | tail -n +2 >"$TEST_DIR/base.sql"
# schemas are compared in the test's own canonical text (autogen_gen_pg.py --norm): tables by
# name, their columns by name (cmig's differ does not compare the order either: a column a
# down section adds back comes last), constraints and other statements sorted, whitespace
# collapsed; constraint and index names are compared (on PostgreSQL they are the schema's)
norm_dump() { # the last run's stdout, a dump
	printf '%s\n' "$OUT" | tail -n +2 >"$TEST_DIR/.dump"
	python3 "$GEN" --norm "$TEST_DIR/.dump"
}
BASE_DUMP=$(python3 "$GEN" --norm "$TEST_DIR/base.sql")

# catalog DB : the schema of DB as the test itself reads it from pg_catalog (cmig's tables
# left out), one sorted line per column, constraint, index, view, trigger and function
catalog() {
	psql -X -At -q -v ON_ERROR_STOP=1 -d "$1" <<'EOF'
SELECT x FROM (
  SELECT 'column ' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
         || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
         || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
         || CASE a.attidentity WHEN 'a' THEN ' identity always' WHEN 'd' THEN ' identity by default' ELSE '' END
         || CASE a.attgenerated WHEN 's' THEN ' generated stored' ELSE '' END AS x
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
   WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'v') AND a.attnum > 0
     AND NOT a.attisdropped AND c.relname NOT LIKE 'cmig\_%'
  UNION ALL
  SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
    FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text NOT LIKE 'cmig\_%'
  UNION ALL
  SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename NOT LIKE 'cmig\_%'
  UNION ALL
  SELECT 'view ' || viewname || ' ' || regexp_replace(pg_get_viewdef(format('%I', viewname)::regclass), '\s+', ' ', 'g')
    FROM pg_views WHERE schemaname = 'public'
  UNION ALL
  SELECT 'trigger ' || pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal
  UNION ALL
  SELECT 'function ' || p.oid::regprocedure || ' ' || md5(pg_get_functiondef(p.oid))
    FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
) s ORDER BY x COLLATE "C";
EOF
}
BASE_CAT=$(catalog "$BASE_DB")
assert_contains "$BASE_CAT" "trigger CREATE TRIGGER comments_touch" "the catalog query sees the fixture's trigger"

# rows of the columns `keep` lines name (META file), one block per table, one psql run
rows() { # DB META
	local t cols
	while read -r kw t cols; do
		[ "$kw" = keep ] || continue
		echo "\\echo == $t"
		echo "SELECT ${cols// /, } FROM $t ORDER BY ${cols// /, };"
	done <"$2" | psql -X -At -q -d "$1" 2>&1
}

# load_direct : schema.sql into the emptied direct database (psql, stop at the first error)
load_direct() {
	PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 -d "$DIRECT_DB" \
		-c "DROP SCHEMA public CASCADE" -c "CREATE SCHEMA public" >/dev/null || _die "cannot empty $DIRECT_DB"
	if psql -X -q -v ON_ERROR_STOP=1 -d "$DIRECT_DB" -f schema.sql >"$TEST_DIR/.load" 2>&1; then
		_pass
	else
		_fail "$what: schema.sql loads with psql"
		sed 's/^/    | /' "$TEST_DIR/.load" >&2
	fi
}

# marked REV : the statement of REV the last run failed on (its `versions/REV:LINE: error:`
# line) comes under a rows mark: the comment lines just above the statement's first line
marked() {
	local n
	n=$(printf '%s\n' "$ERR" | sed -n "s|^versions/$(basename "$1"):\([0-9]*\): error: .*|\1|p" | head -1)
	[ -n "$n" ] || return 1
	awk -v n="$n" 'NR >= n { exit }
		/^-- / { if (!in_c) c = ""; c = c $0 "\n"; in_c = 1; next }
		{ in_c = 0; if ($0 ~ /;[ \t]*$/ || $0 ~ /^[ \t]*$/) c = "" }
		END { printf "%s", c }' "$1" | grep -q '^-- cmig: fails if the table has rows'
}

# rows_failure up|down REV AT DUMP CATALOG : the last upgrade/downgrade failed. Right only when
# the statement it failed on carries the rows mark (the proof ran on empty tables), and the
# database must then be as it was: still at AT, the same schema, the same rows.
rows_failure() {
	if ! marked "$2"; then
		_fail "$what: ${1}grade of the written revision failed on a statement without a 'fails if the table has rows' mark"
		_show_last_run
		sed 's/^/    rev| /' "$2" >&2
		return 1
	fi
	_pass
	assert_exit 0 current
	assert_contains "$OUT" "$3" "$what: a failed ${1}grade leaves the database at $3"
	assert_exit 0 dump
	assert_eq "$4" "$(norm_dump)" "$what: a failed ${1}grade leaves the schema as it was (dump)"
	assert_eq "$5" "$(catalog "$SEED_DB")" "$what: a failed ${1}grade leaves the schema as it was (catalog)"
	assert_eq "$ROWS0" "$(rows "$SEED_DB" meta)" "$what: a failed ${1}grade leaves the rows as they were"
	[ "${VERBOSE:-0}" = 1 ] && echo "$what: ${1}grade failed on rows, as marked"
	return 0
}

written=0 none=0 refused=0 rowfail=0 downfail=0
for ((s = SEED0; s < SEED0 + SEEDS; s++)); do
	cd "$TEST_DIR" && rm -rf "$TEST_DIR"/s[0-9]*
	P=$TEST_DIR/s$s
	mkdir -p "$P"
	cp -r "$BASEPROJ/versions" "$P/"
	project "$P" "$SEED_DB"
	PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 -d postgres \
		-c "DROP DATABASE IF EXISTS \"$SEED_DB\"" -c "CREATE DATABASE \"$SEED_DB\" TEMPLATE \"$BASE_DB\"" >/dev/null ||
		_die "seed $s: cannot copy $BASE_DB"
	cd "$P" || _die "cd"
	python3 "$GEN" "$s" "$TEST_DIR/base.sql" schema.sql meta || _die "seed $s: the generator failed"
	what="seed $s ($(sed -n 's/^edit: //p' meta | paste -sd ';'))"
	ROWS0=$(rows "$SEED_DB" meta)
	n0=$(ls versions | wc -l)
	run_cmig revision --autogenerate --allow-drop -m "seed $s"
	n1=$(ls versions | wc -l)
	if [ "$RC" = 1 ]; then
		if [ "$n1" = "$n0" ] && [ -n "$ERR" ]; then
			_pass
			refused=$((refused + 1))
			printf '%s\n' "$ERR" | grep -v '^cmig: warning' | head -1 >>"$TEST_DIR/refusals"
			[ "${VERBOSE:-0}" = 1 ] && echo "$what: refused: $(tail -1 "$TEST_DIR/refusals")"
		else
			_fail "$what: a refusal writes nothing and says why"
			_show_last_run
		fi
		continue
	fi
	if [ "$RC" != 0 ]; then
		_fail "$what: autogenerate exits 0 or 1"
		_show_last_run
		continue
	fi
	if [ "$n1" = "$n0" ]; then
		# nothing written: schema.sql must then really equal the head
		load_direct
		run_cmig --url "$DIRECT_URL" dump
		assert_eq "$BASE_DUMP" "$(norm_dump)" "$what: no revision written, so schema.sql is the head (dump)"
		assert_eq "$BASE_CAT" "$(catalog "$DIRECT_DB")" "$what: no revision written, so schema.sql is the head (catalog)"
		none=$((none + 1))
		[ "${VERBOSE:-0}" = 1 ] && echo "$what: no change"
		continue
	fi
	rev=$(ls -t versions/*.sql | head -1)
	written=$((written + 1))
	run_cmig upgrade head
	if [ "$RC" != 0 ]; then
		rows_failure up "$rev" "$HEAD" "$BASE_DUMP" "$BASE_CAT" && rowfail=$((rowfail + 1))
		continue
	fi
	assert_exit 0 dump
	GOT=$(norm_dump)
	GOT_CAT=$(catalog "$SEED_DB")
	load_direct
	run_cmig --url "$DIRECT_URL" dump
	WANT=$(norm_dump)
	ok=1
	assert_eq "$WANT" "$GOT" "$what: upgraded dump = schema.sql loaded directly" || ok=0
	assert_eq "$(catalog "$DIRECT_DB")" "$GOT_CAT" "$what: upgraded catalog = schema.sql loaded directly" || ok=0
	[ "$ok" = 1 ] || sed 's/^/    rev| /' "$rev" >&2
	assert_eq "$ROWS0" "$(rows "$SEED_DB" meta)" "$what: rows of unchanged columns after upgrade"
	run_cmig downgrade -1
	if [ "$RC" != 0 ]; then
		# e.g. a down section that restores a NOT NULL column without a default
		rows_failure down "$rev" "$(basename "$rev" | cut -d_ -f1)" "$GOT" "$GOT_CAT" && downfail=$((downfail + 1))
		continue
	fi
	_pass
	assert_exit 0 dump
	assert_eq "$BASE_DUMP" "$(norm_dump)" "$what: downgrade -1 gives the previous head's dump"
	assert_eq "$BASE_CAT" "$(catalog "$SEED_DB")" "$what: downgrade -1 gives the previous head's catalog"
	assert_eq "$ROWS0" "$(rows "$SEED_DB" meta)" "$what: rows of unchanged columns after downgrade"
	[ "${VERBOSE:-0}" = 1 ] && echo "$what: written, upgraded, downgraded"
done
echo "# t641: $SEEDS seeds from $SEED0: $written written ($rowfail upgrades and $downfail downgrades failed on rows, as marked), $none no change, $refused refused"
# why the refusals were refused (names masked), for the longer runs
[ -s "$TEST_DIR/refusals" ] && sed -E "s/'[^']*'/'…'/g; s/\"[^\"]*\"/\"…\"/g; s/(table|column|index|view|trigger|constraint) [a-z_0-9.]+/\1 …/g" "$TEST_DIR/refusals" | sort | uniq -c | sed 's/^/#   /'
assert_true "every seed has an outcome" [ "$((written + none + refused))" = "$SEEDS" ]
finish
