# tests/sqlite/batch_lib.sh - helpers for the batch-mode black-box tests (SPEC §6).
# Sourced by tests/sqlite/t5NN-batch-*.sh. Each test runs the built `cmig` ($CMIG) on a real
# SQLite file in a fresh temporary project, and checks the database with the sqlite3 CLI.
# Expected schemas are written by hand in the tests, never captured from cmig's output.
set -u

: "${CMIG:?set CMIG to the cmig binary}"
command -v sqlite3 >/dev/null || { echo "batch_lib: the sqlite3 CLI is needed" >&2; exit 1; }

T_NAME=$(basename "$0" .sh)
T_DIR=$(mktemp -d "${TMPDIR:-/tmp}/cmig-$T_NAME.XXXXXX")
T_FAILS=0
trap 'rm -rf "$T_DIR"' EXIT
cd "$T_DIR" || exit 1
mkdir versions
printf 'database_url: sqlite:///t.db\n' >cmig.yaml

# rev ID DOWN : write versions/ID_x.sql; the up section from stdin up to a line "-- down",
# the rest is the down section (none when no such line)
rev() {
	local id=$1 down=$2 body
	body=$(cat)
	{
		printf -- '-- revision: %s\n-- down_revision: %s\n-- message: %s\n\n-- migrate:up\n' \
			"$id" "$down" "$id"
		printf '%s\n' "$body" | sed '/^-- down$/,$d'
		if printf '%s\n' "$body" | grep -q '^-- down$'; then
			printf -- '-- migrate:down\n'
			printf '%s\n' "$body" | sed '1,/^-- down$/d'
		fi
	} >"versions/${id}_x.sql"
}

# q SQL... : run SQL on t.db, print the result
q() {
	sqlite3 -batch t.db "$@"
}

# cm ARGS... : run cmig; stdout in $T_DIR/out, stderr in $T_DIR/err, status in $RC
cm() {
	"$CMIG" "$@" >"$T_DIR/out" 2>"$T_DIR/err"
	RC=$?
}

fail() {
	echo "FAIL [$T_NAME]: $*" >&2
	T_FAILS=$((T_FAILS + 1))
}

ok() {
	echo "ok - $*"
}

# expect_eq WHAT ACTUAL EXPECTED
expect_eq() {
	if [ "$2" != "$3" ]; then
		fail "$1"
		printf -- '--- expected\n%s\n--- actual\n%s\n' "$3" "$2" >&2
	else
		ok "$1"
	fi
}

# expect_rc WHAT N : the last cm exited N
expect_rc() {
	if [ "$RC" != "$2" ]; then
		fail "$1: exit $RC, expected $2"
		sed 's/^/  stderr: /' "$T_DIR/err" >&2
	else
		ok "$1"
	fi
}

# expect_err_match WHAT ERE : the last cm's stderr matches
expect_err_match() {
	if grep -Eq -- "$2" "$T_DIR/err"; then
		ok "$1"
	else
		fail "$1: stderr does not match /$2/"
		sed 's/^/  stderr: /' "$T_DIR/err" >&2
	fi
}

# snapshot FILE : everything a failed migration must leave untouched
snapshot() {
	{
		sqlite3 -batch t.db ".dump --preserve-rowids"
		echo "-- sqlite_sequence"
		sqlite3 -batch t.db "SELECT name, seq FROM sqlite_sequence ORDER BY name" 2>/dev/null
		echo "-- user_version"
		sqlite3 -batch t.db "PRAGMA user_version"
	} >"$1"
}

# expect_unchanged WHAT BEFORE : the database equals the snapshot BEFORE
expect_unchanged() {
	snapshot "$T_DIR/after.snap"
	if cmp -s "$2" "$T_DIR/after.snap"; then
		ok "$1"
	else
		fail "$1: the database changed"
		diff "$2" "$T_DIR/after.snap" | head -20 >&2
	fi
}

# expect_clean : integrity_check ok, foreign_key_check empty (with enforcement semantics)
expect_clean() {
	expect_eq "integrity_check" "$(q 'PRAGMA integrity_check')" "ok"
	expect_eq "foreign_key_check" "$(q 'PRAGMA foreign_key_check')" ""
}

# rows TABLE : every row with its rowid (or key order for WITHOUT ROWID)
rows() {
	q "SELECT rowid, * FROM \"$1\" ORDER BY rowid" 2>/dev/null || q "SELECT * FROM \"$1\" ORDER BY 1"
}

# xinfo TABLE : PRAGMA table_xinfo as "cid|name|type|notnull|dflt|pk|hidden" lines
xinfo() {
	q "SELECT cid, name, type, \"notnull\", ifnull(dflt_value, 'NULL'), pk, hidden FROM pragma_table_xinfo('$1')"
}

# indexes TABLE : PRAGMA index_list as "name|unique|origin|partial", by name
indexes() {
	q "SELECT name, \"unique\", origin, partial FROM pragma_index_list('$1') ORDER BY name"
}

# fks TABLE : PRAGMA foreign_key_list as "table|from|to|on_update|on_delete"
fks() {
	q "SELECT \"table\", \"from\", ifnull(\"to\", 'NULL'), on_update, on_delete FROM pragma_foreign_key_list('$1') ORDER BY id, seq"
}

# objsql NAME : the sql of a schema object
objsql() {
	q "SELECT sql FROM sqlite_schema WHERE name = '$1'"
}

# The shared fixture (SPEC §6's list of what a rebuild keeps): unique, partial and
# expression indexes, triggers on and elsewhere, a view, foreign keys in and out with
# ON DELETE CASCADE, CHECK, COLLATE, DEFAULT, AUTOINCREMENT, a generated column, a
# WITHOUT ROWID STRICT table; deleted rows (the highest included) so rowids have gaps and
# sqlite_sequence is above max(rowid).
fixture() {
	rev a1 none <<'EOF'
CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL COLLATE NOCASE UNIQUE);
CREATE TABLE posts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    author_id INTEGER REFERENCES authors(id) ON DELETE CASCADE,
    slug TEXT NOT NULL,
    title TEXT COLLATE NOCASE,
    views int DEFAULT 0 CHECK (views >= 0),
    score REAL GENERATED ALWAYS AS (views * 1.5) VIRTUAL,
    created TEXT DEFAULT '2026-01-01'
);
CREATE UNIQUE INDEX posts_slug ON posts (slug);
CREATE INDEX posts_popular ON posts (views) WHERE views > 10;
CREATE INDEX posts_lower_title ON posts (lower(title));
CREATE TABLE comments (
    id INTEGER PRIMARY KEY,
    post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    body TEXT
);
CREATE TABLE audit (msg TEXT);
CREATE TRIGGER posts_au AFTER UPDATE OF title ON posts BEGIN INSERT INTO audit VALUES ('title ' || new.id); END;
CREATE TRIGGER comments_ai AFTER INSERT ON comments BEGIN UPDATE posts SET views = views + 1 WHERE id = new.post_id; END;
CREATE VIEW popular AS SELECT id, title, views FROM posts WHERE views > 10;
CREATE TABLE kv (k TEXT PRIMARY KEY, v ANY, n INT) WITHOUT ROWID, STRICT;
INSERT INTO authors (id, name) VALUES (1, 'ann'), (2, 'bob'), (3, 'cy');
INSERT INTO posts (author_id, slug, title, views) VALUES
    (1, 'p1', 'One', 5), (1, 'p2', 'Two', 20), (2, 'p3', 'Three', 0), (2, 'p4', NULL, 12),
    (3, 'p5', 'Five', 1), (3, 'p6', 'd1', 30), (1, 'p7', 'Seven', 2), (1, 'p8', 'Eight', 3);
DELETE FROM posts WHERE id IN (3, 8);
INSERT INTO comments (id, post_id, body) VALUES (10, 1, 'a'), (11, 2, 'b'), (13, 2, 'c'), (14, 7, 'd');
INSERT INTO kv VALUES ('a', 1, 1), ('b', 'x', 2), ('c', NULL, NULL);
PRAGMA user_version = 7;
EOF
}

# upgrade_fixture : upgrade to the fixture (a1), which must succeed, and save its data
upgrade_fixture() {
	cm upgrade a1
	expect_rc "upgrade to the fixture" 0
	save_data
}

# The fixture's data as it must stay (rows and rowids), for comparing after a migration.
save_data() {
	for t in authors posts comments audit kv; do
		echo "== $t"
		rows "$t"
	done >"$T_DIR/data.before"
	q "SELECT name, seq FROM sqlite_sequence WHERE name <> 'cmig_history' ORDER BY name" >"$T_DIR/seq.before"
}

expect_data_kept() {
	for t in authors posts comments audit kv; do
		echo "== $t"
		rows "$t"
	done >"$T_DIR/data.after"
	if cmp -s "$T_DIR/data.before" "$T_DIR/data.after"; then
		ok "rows and rowids kept"
	else
		fail "rows or rowids changed"
		diff "$T_DIR/data.before" "$T_DIR/data.after" | head -20 >&2
	fi
	expect_eq "sqlite_sequence kept" \
		"$(q "SELECT name, seq FROM sqlite_sequence WHERE name <> 'cmig_history' ORDER BY name")" \
		"$(cat "$T_DIR/seq.before")"
}

# The fixture's dependents, as written in a1 (their sql must survive every rebuild).
expect_dependents_kept() {
	expect_eq "posts_slug index sql" "$(objsql posts_slug)" "CREATE UNIQUE INDEX posts_slug ON posts (slug)"
	expect_eq "posts_popular index sql" "$(objsql posts_popular)" "CREATE INDEX posts_popular ON posts (views) WHERE views > 10"
	expect_eq "posts_lower_title index sql" "$(objsql posts_lower_title)" "CREATE INDEX posts_lower_title ON posts (lower(title))"
	expect_eq "posts_au trigger sql" "$(objsql posts_au)" "CREATE TRIGGER posts_au AFTER UPDATE OF title ON posts BEGIN INSERT INTO audit VALUES ('title ' || new.id); END"
	expect_eq "comments_ai trigger sql" "$(objsql comments_ai)" "CREATE TRIGGER comments_ai AFTER INSERT ON comments BEGIN UPDATE posts SET views = views + 1 WHERE id = new.post_id; END"
	expect_eq "popular view sql" "$(objsql popular)" "CREATE VIEW popular AS SELECT id, title, views FROM posts WHERE views > 10"
	expect_eq "posts foreign keys" "$(fks posts)" "authors|author_id|id|NO ACTION|CASCADE"
	expect_eq "comments foreign keys" "$(fks comments)" "posts|post_id|id|NO ACTION|CASCADE"
}

finish() {
	if [ "$T_FAILS" -ne 0 ]; then
		echo "$T_NAME: $T_FAILS failure(s)" >&2
		exit 1
	fi
	echo "$T_NAME: all passed"
	exit 0
}
