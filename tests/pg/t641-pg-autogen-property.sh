#!/bin/bash
# t641 (PostgreSQL): the property test of `revision --autogenerate` that does not trust its
# proof (issue 13), t640's twin on PostgreSQL.
# Start: the bundled example (the repository's versions/, its PostgreSQL sections) plus one
# fixture revision adding a view, a trigger with its function, an enum (post_status) and a
# column of it, a domain (score) and a column of it, a sequence (ticket_seq) a new table's
# default draws from, comments on a table, a column and the view, and GRANTs on a table and
# the view to the role cmig_t641_role (created here when missing: roles are cluster-wide),
# upgraded to head in a fresh database, rows inserted. For each seed, autogen_gen_pg.py
# applies 1-3 random edits to that head's `cmig dump` as schema.sql (columns, constraints,
# indexes, views, triggers, functions; new and dropped tables; tables and columns renamed
# with `-- cmig:renamed-from`; enums, domains, sequences, identity; comments; GRANT/REVOKE:
# see the generator); then, in a copy of that database (CREATE DATABASE … TEMPLATE):
#   - autogenerate --allow-drop writes revisions (exit 0), finds nothing (exit 0, nothing
#     written) or refuses (exit 1, a message on stderr, nothing written); anything else fails.
#     An enum value removed must be refused (SPEC §8). Written: one revision following the
#     head, or, when an enum value was added, two: first one of its own (transaction:false,
#     nothing but ALTER TYPE … ADD VALUE), then the rest; every DROP TABLE / DROP COLUMN in
#     them (up and down) carries `-- cmig: drops data`;
#   - the written revisions are applied with `cmig upgrade head` to the database holding rows.
#     If that fails, the statement it failed on must carry `-- cmig: fails if the table has
#     rows` and the database must still be at the revision before it with the same schema and
#     rows. Otherwise its schema must equal schema.sql loaded directly into an empty database
#     with psql, twice over: the two `cmig dump`s in the test's canonical text
#     (autogen_gen_pg.py --norm), and the test's own catalog query (pg_catalog through psql,
#     not cmig's reader: enum values in order, domains, sequence parameters, comments,
#     privileges too); and the rows of every unchanged column must be the same as before, a
#     renamed table's or column's under the new name;
#   - `cmig downgrade -N` (N revisions written) must give back the previous head (both texts)
#     and the same rows in the unchanged columns (or fail on rows on a marked statement,
#     leaving the new revision). PostgreSQL cannot remove an enum value, so after an added
#     one the previous head is the start plus that value (the generator's meta.down.sql,
#     loaded directly).
# Refusals that are by design and that the seeds meet: a removed enum value; a dropped and an
# added table (or column) in one seed, which could be a rename (SPEC §8: never guessed); a
# type change PostgreSQL cannot make (a column a generated column reads, 0A000; a cast that
# does not exist, 42846); a sequence made descending whose bounds leave out its current
# value (22023: cmig writes no RESTART).
# Without AUTOGEN_SEEDS / AUTOGEN_SEED0: CI's 13 fixed seeds (SEED_LIST below, about 40 s). A longer run:
#   eval "$(bash tests/pg/cluster.sh start)"
#   AUTOGEN_SEEDS=200 AUTOGEN_SEED0=100 CMIG_TEST_BACKEND=postgresql CMIG=$PWD/build/src/cmig bash tests/pg/t641-pg-autogen-property.sh
# (CMIG absolute: the test runs cmig from each seed's project directory)
# VERBOSE=1 prints each seed's outcome.
. "$(dirname "$0")/../cli/lib.sh"
[ "$CMIG_TEST_BACKEND" = postgresql ] || _die "a PostgreSQL-only test (CMIG_TEST_BACKEND=postgresql)"

GEN=$CMIG_TESTS_DIR/pg/autogen_gen_pg.py
# CI's 13 fixed seeds: together they make every edit kind of the generator and every outcome
# (a written revision, two with an enum value first, an upgrade and a downgrade failing on
# rows as marked, the removed enum value refused), picked from the long run's outcomes;
# AUTOGEN_SEEDS / AUTOGEN_SEED0 give a range instead
if [ -n "${AUTOGEN_SEEDS:-}${AUTOGEN_SEED0:-}" ]; then
	SEED_LIST=$(seq "${AUTOGEN_SEED0:-1}" $((${AUTOGEN_SEED0:-1} + ${AUTOGEN_SEEDS:-12} - 1)))
else
	SEED_LIST="6 10 37 42 225 235 236 243 254 258 496 711 851"
fi
SEEDS=$(echo $SEED_LIST | wc -w)
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

# the role the fixture's and the generator's GRANTs name: roles are cluster-wide and other
# tests run at the same time, so a name of t641's own, created when missing (a concurrent
# creator's unique_violation is the same outcome), never dropped
ROLE=cmig_t641_role
psql -X -q -v ON_ERROR_STOP=1 -d postgres >/dev/null <<EOF || _die "cannot create the role $ROLE"
DO \$\$ BEGIN CREATE ROLE $ROLE NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END \$\$;
EOF

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

CREATE TYPE post_status AS ENUM ('draft', 'published', 'archived');
ALTER TABLE posts ADD COLUMN status post_status DEFAULT 'draft' NOT NULL;
CREATE DOMAIN score AS integer CHECK (VALUE >= 0);
ALTER TABLE comments ADD COLUMN score score DEFAULT 0;
CREATE SEQUENCE ticket_seq INCREMENT BY 5 START WITH 100;
CREATE TABLE audit_log (id bigint PRIMARY KEY, ticket bigint DEFAULT nextval('ticket_seq') NOT NULL, note text);
COMMENT ON TABLE posts IS 'blog posts';
COMMENT ON COLUMN posts.title IS 'the headline';
COMMENT ON VIEW published_posts IS 'what readers see';
GRANT SELECT ON posts TO cmig_t641_role;
GRANT SELECT ON published_posts TO cmig_t641_role;

-- migrate:down
DROP TABLE audit_log;
DROP SEQUENCE ticket_seq;
ALTER TABLE comments DROP COLUMN score;
DROP DOMAIN score;
ALTER TABLE posts DROP COLUMN status;
DROP TYPE post_status;
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
UPDATE posts SET status = 'published' WHERE published_at IS NOT NULL;
UPDATE comments SET score = id * 2;
INSERT INTO audit_log (id, note) VALUES (1, 'created'), (2, NULL), (3, 'ünï');
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
# left out), one sorted line per column, constraint, index, view, trigger, function, enum
# (its values in order), domain, sequence (its parameters), comment and granted privilege
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
  SELECT 'constraint ' || CASE WHEN conrelid <> 0 THEN conrelid::regclass::text ELSE 'domain ' || contypid::regtype END
         || ' ' || conname || ' ' || pg_get_constraintdef(oid)
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
  UNION ALL
  SELECT 'enum ' || t.typname || ' ' || string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
    FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid WHERE t.typnamespace = 'public'::regnamespace
   GROUP BY t.typname
  UNION ALL
  SELECT 'domain ' || typname || ' ' || format_type(typbasetype, typtypmod)
         || CASE WHEN typnotnull THEN ' not null' ELSE '' END || coalesce(' default ' || typdefault, '')
    FROM pg_type WHERE typnamespace = 'public'::regnamespace AND typtype = 'd'
  UNION ALL
  -- an identity column's sequence by its column (its name depends on how it came to be)
  SELECT 'sequence ' || coalesce((SELECT 'identity ' || d.refobjid::regclass || '.' || a.attname
                                    FROM pg_depend d JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                                   WHERE d.classid = 'pg_class'::regclass AND d.objid = s.seqrelid AND d.deptype = 'i'),
                                  s.seqrelid::regclass::text)
         || ' ' || format_type(s.seqtypid, NULL) || ' start ' || s.seqstart || ' increment ' || s.seqincrement
         || ' min ' || s.seqmin || ' max ' || s.seqmax || ' cache ' || s.seqcache || CASE WHEN s.seqcycle THEN ' cycle' ELSE '' END
    FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid
   WHERE c.relnamespace = 'public'::regnamespace AND c.relname NOT LIKE 'cmig\_%'
  UNION ALL
  SELECT 'comment ' || c.relname || coalesce('.' || a.attname, '') || ' ' || d.description
    FROM pg_description d JOIN pg_class c ON d.classoid = 'pg_class'::regclass AND c.oid = d.objoid
    LEFT JOIN pg_attribute a ON d.objsubid > 0 AND a.attrelid = c.oid AND a.attnum = d.objsubid
   WHERE c.relnamespace = 'public'::regnamespace
  UNION ALL
  -- privileges other than the owner's: an ACL revoked back to the owner's reads as none
  SELECT 'grant ' || c.relname || ' ' || x.grantee::regrole || ' ' || x.privilege_type
         || CASE WHEN x.is_grantable THEN ' with grant option' ELSE '' END
    FROM pg_class c, aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) x
   WHERE c.relnamespace = 'public'::regnamespace AND x.grantee <> c.relowner AND c.relname NOT LIKE 'cmig\_%'
) s ORDER BY x COLLATE "C";
EOF
}
BASE_CAT=$(catalog "$BASE_DB")
assert_contains "$BASE_CAT" "trigger CREATE TRIGGER comments_touch" "the catalog query sees the fixture's trigger"
assert_contains "$BASE_CAT" "grant published_posts $ROLE SELECT" "the catalog query sees the fixture's grant"
assert_contains "$BASE_CAT" "enum post_status draft,published,archived" "the catalog query sees the fixture's enum"

# rows DB META [after] : the rows of the columns `keep` lines name (META file), one block per
# table, one psql run. A renamed table or column is `OLD:NEW` there: read under its old name,
# or its new one with `after` (the database holds the new revision)
rows() {
	local kw t cols c list
	while read -r kw t cols; do
		[ "$kw" = keep ] || continue
		echo "\\echo == ${t%%:*}"
		list=
		for c in $cols; do
			if [ "${3:-}" = after ]; then c=${c#*:}; else c=${c%%:*}; fi
			list=${list:+$list, }$c
		done
		if [ "${3:-}" = after ]; then t=${t#*:}; else t=${t%%:*}; fi
		echo "SELECT $list FROM $t ORDER BY $list;"
	done <"$2" | psql -X -At -q -d "$1" 2>&1
}

# load_direct [FILE] : schema.sql (or FILE) into the emptied direct database (psql, stop at
# the first error)
load_direct() {
	PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 -d "$DIRECT_DB" \
		-c "DROP SCHEMA public CASCADE" -c "CREATE SCHEMA public" >/dev/null || _die "cannot empty $DIRECT_DB"
	if psql -X -q -v ON_ERROR_STOP=1 -d "$DIRECT_DB" -f "${1:-schema.sql}" >"$TEST_DIR/.load" 2>&1; then
		_pass
	else
		_fail "$what: ${1:-schema.sql} loads with psql"
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

# unmarked_drops REV : the lines of REV's sections that drop a table or a column without a
# `-- cmig: drops data` line among the comment lines just above (SPEC §8: every such
# statement carries it, in up and down sections); the writer puts each on one line
unmarked_drops() {
	awk '/^-- migrate:/ { on = 1; c = ""; next }
		!on { next }
		/^-- / { c = c $0 "\n"; next }
		/^(DROP TABLE|ALTER TABLE .* DROP COLUMN)/ && c !~ /-- cmig: drops data/ { print }
		{ c = "" }' "$1"
}

# rows_failure up|down REV AT DUMP CATALOG [after] : the last upgrade/downgrade failed. Right
# only when the statement it failed on carries the rows mark (the proof ran on empty tables),
# and the database must then be as it was: still at AT, the same schema, the same rows (read
# under the new names with `after`).
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
	assert_eq "$ROWS0" "$(rows "$SEED_DB" meta "${6:-}")" "$what: a failed ${1}grade leaves the rows as they were"
	[ "${VERBOSE:-0}" = 1 ] && echo "$what: ${1}grade failed on rows, as marked"
	return 0
}

written=0 none=0 refused=0 rowfail=0 downfail=0 twofiles=0
for s in $SEED_LIST; do
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
	ls versions >"$TEST_DIR/.before"
	run_cmig revision --autogenerate --allow-drop -m "seed $s"
	# the new files in chain order: an added enum value comes in a revision of its own, first
	revs=() at=$HEAD
	while f=$(grep -l "^-- down_revision: $at\$" $(ls versions/*.sql | grep -vxF -f <(sed 's|^|versions/|' "$TEST_DIR/.before")) /dev/null 2>/dev/null | head -1) && [ -n "$f" ]; do
		revs+=("$f")
		at=$(sed -n 's/^-- revision: //p' "$f")
	done
	n_new=$(($(ls versions | wc -l) - $(wc -l <"$TEST_DIR/.before")))
	if grep -q '^expect: refused' meta; then
		# a removed enum value (SPEC §8): refused, nothing written
		assert_true "$what: an enum value removed is refused (exit 1, got $RC)" [ "$RC" = 1 ]
	fi
	if [ "$RC" = 1 ]; then
		if [ "$n_new" = 0 ] && [ -n "$ERR" ]; then
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
	if [ "$n_new" = 0 ]; then
		# nothing written: schema.sql must then really equal the head
		load_direct
		run_cmig --url "$DIRECT_URL" dump
		assert_eq "$BASE_DUMP" "$(norm_dump)" "$what: no revision written, so schema.sql is the head (dump)"
		assert_eq "$BASE_CAT" "$(catalog "$DIRECT_DB")" "$what: no revision written, so schema.sql is the head (catalog)"
		none=$((none + 1))
		[ "${VERBOSE:-0}" = 1 ] && echo "$what: no change"
		continue
	fi
	if ! assert_eq "$n_new" "${#revs[@]}" "$what: the written revisions follow the head in one chain"; then
		ls -l versions >&2
		continue
	fi
	# an enum value added (SPEC §8): first a revision of its own, transaction:false, holding
	# only ADD VALUE; a downgrade cannot take the value back, so the previous head is then
	# the start with the value (the generator's meta.down.sql, loaded directly)
	PREV_DUMP=$BASE_DUMP PREV_CAT=$BASE_CAT
	if grep -q '^enum-added:' meta; then
		f=${revs[0]}
		assert_true "$what: the added enum value comes first, in a transaction:false revision" \
			grep -q '^-- migrate:up.*transaction:false' "$f"
		assert_true "$what: the enum revision adds the value" grep -q '^ALTER TYPE .* ADD VALUE' "$f"
		assert_eq "" "$(sed -n '/^-- migrate:up/,/^-- migrate:down/p' "$f" | grep -v '^--' | grep -v '^ALTER TYPE .* ADD VALUE' | grep -v '^[[:space:]]*$')" \
			"$what: the enum revision's up section holds nothing but ADD VALUE"
		load_direct meta.down.sql
		run_cmig --url "$DIRECT_URL" dump
		PREV_DUMP=$(norm_dump)
		PREV_CAT=$(catalog "$DIRECT_DB")
	else
		assert_eq 1 "${#revs[@]}" "$what: one revision written (no enum value added)"
	fi
	[ "${#revs[@]}" = 2 ] && twofiles=$((twofiles + 1))
	rev=${revs[-1]}
	written=$((written + 1))
	assert_eq "" "$(unmarked_drops "$rev")" "$what: every DROP TABLE / DROP COLUMN is marked 'drops data'"
	run_cmig upgrade head
	if [ "$RC" != 0 ]; then
		# at the revision before the main one (the enum one, if any, is committed)
		rows_failure up "$rev" "$(sed -n 's/^-- down_revision: //p' "$rev")" "$PREV_DUMP" "$PREV_CAT" && rowfail=$((rowfail + 1))
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
	[ "$ok" = 1 ] || cat "${revs[@]}" | sed 's/^/    rev| /' >&2
	assert_eq "$ROWS0" "$(rows "$SEED_DB" meta after)" "$what: rows of unchanged columns after upgrade (renamed ones under their new names)"
	run_cmig downgrade "-${#revs[@]}"
	if [ "$RC" != 0 ]; then
		# e.g. a down section that restores a NOT NULL column without a default
		rows_failure down "$rev" "$(basename "$rev" | cut -d_ -f1)" "$GOT" "$GOT_CAT" after && downfail=$((downfail + 1))
		continue
	fi
	_pass
	assert_exit 0 dump
	assert_eq "$PREV_DUMP" "$(norm_dump)" "$what: downgrade -${#revs[@]} gives the previous head's dump"
	assert_eq "$PREV_CAT" "$(catalog "$SEED_DB")" "$what: downgrade -${#revs[@]} gives the previous head's catalog"
	assert_eq "$ROWS0" "$(rows "$SEED_DB" meta)" "$what: rows of unchanged columns after downgrade"
	[ "${VERBOSE:-0}" = 1 ] && echo "$what: written (${#revs[@]} files), upgraded, downgraded"
done
echo "# t641: $SEEDS seeds ($(echo $SEED_LIST | cut -d' ' -f1)…): $written written ($twofiles as two revisions, an enum value first; $rowfail upgrades and $downfail downgrades failed on rows, as marked), $none no change, $refused refused"
# why the refusals were refused (names masked), for the longer runs
[ -s "$TEST_DIR/refusals" ] && sed -E "s/'[^']*'/'…'/g; s/\"[^\"]*\"/\"…\"/g; s/(table|column|index|view|trigger|constraint) [a-z_0-9.]+/\1 …/g" "$TEST_DIR/refusals" | sort | uniq -c | sed 's/^/#   /'
assert_true "every seed has an outcome" [ "$((written + none + refused))" = "$SEEDS" ]
finish
