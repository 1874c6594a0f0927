#!/bin/bash
# t150: the bundled example project at the repository root (cmig.yaml + versions/): the blog
# schema builds on both backends (the full-text-search revision by dialect sections), ends at
# the same version row, works as a blog schema, and `downgrade base` leaves no example table.
. "$(dirname "$0")/lib.sh"
HEAD=0007a9c4e2b8
mkdir -p "$TEST_DIR/example"
cp "$CMIG_SOURCE_DIR/cmig.yaml" "$TEST_DIR/example/"
cp -r "$CMIG_SOURCE_DIR/versions" "$TEST_DIR/example/"
cd "$TEST_DIR/example"
PROJ=$(pwd -P)
case $CMIG_TEST_BACKEND in
sqlite)
	# the example's own URL: sqlite:///cmig.db beside cmig.yaml
	db_select "sqlite:///$PROJ/cmig.db"
	URLOPT=()
	;;
postgresql)
	new_db
	URLOPT=(--url "$DB_URL")
	;;
esac

assert_exit 0 check
assert_eq "0 errors, 0 warnings" "$(printf '%s\n' "$ERR" | tail -n 1)" "the example checks clean"
assert_exit 0 heads
assert_eq "$HEAD" "$OUT" "the example's head"
assert_exit 0 history
assert_eq 7 "$(printf '%s\n' "$OUT" | wc -l)" "seven revisions"
assert_eq "<base> -> 0001a7e3c9d2, initial schema" "$(printf '%s\n' "$OUT" | tail -n 1)" "root in history"
assert_eq "0006f3a2d8e4 -> $HEAD (head), check slugs and comments" "$(printf '%s\n' "$OUT" | head -n 1)" "head in history"

# offline SQL carries this backend's form of full-text search
assert_exit 0 "${URLOPT[@]}" upgrade --sql
case $CMIG_TEST_BACKEND in
sqlite) assert_contains "$OUT" "USING fts5" "--sql: FTS5 on SQLite"; assert_not_contains "$OUT" "tsvector" "--sql: no tsvector on SQLite" ;;
postgresql) assert_contains "$OUT" "tsvector" "--sql: tsvector on PostgreSQL"; assert_not_contains "$OUT" "fts5" "--sql: no FTS5 on PostgreSQL" ;;
esac

round() { # one upgrade + use + downgrade round
	assert_exit 0 "${URLOPT[@]}" upgrade head
	assert_backend_db
	assert_db_version "$HEAD" "the example at head (same version row on both backends)"
	assert_eq 7 "$(printf '%s\n' "$ERR" | grep -c '^Running upgrade')" "seven migrations ran"
	assert_contains "$ERR" "Running upgrade base -> 0001a7e3c9d2, initial schema" "first progress line"
	assert_contains "$ERR" "Running upgrade 0006f3a2d8e4 -> $HEAD, check slugs and comments" "last progress line (batch mode on SQLite)"
	for t in posts tags posts_tags comments; do assert_true "table $t" db_has_table $t; done
	if [ "$CMIG_TEST_BACKEND" = sqlite ]; then assert_true "FTS5 table" db_has_table posts_fts; fi

	# the schema works as the blog uses it (ids assigned by the database on both backends)
	db_query "INSERT INTO posts (slug, title, body) VALUES ('hello', 'Hello world', 'Migrations with cmig are painless');
	          INSERT INTO posts (slug, title, body) VALUES ('second', 'Second post', 'Nothing to see');
	          INSERT INTO tags (name) VALUES ('meta');
	          INSERT INTO posts_tags (post_id, tag_id) VALUES (1, 1);
	          INSERT INTO comments (post_id, author, body) VALUES (1, 'bob', 'nice');" >/dev/null
	assert_eq "1|2" "$(db_query "SELECT min(id), max(id) FROM posts" | tr -d ' ')" "posts get ids"
	assert_false "unique post tags (revision 2)" db_query "INSERT INTO posts_tags (post_id, tag_id) VALUES (1, 1)" 2>/dev/null
	case $CMIG_TEST_BACKEND in
	sqlite)
		assert_eq 1 "$(db_query "SELECT rowid FROM posts_fts WHERE posts_fts MATCH 'painless'")" "FTS5 finds the post"
		db_query "UPDATE posts SET body = 'rewritten' WHERE id = 1" >/dev/null
		assert_eq 0 "$(db_query "SELECT count(*) FROM posts_fts WHERE posts_fts MATCH 'painless'")" "triggers keep FTS5 in sync"
		assert_eq 1 "$(db_query "SELECT count(*) FROM posts_fts WHERE posts_fts MATCH 'rewritten'")" "FTS5 sees the update"
		assert_eq 0 "$(db_query "SELECT is_admin FROM comments")" "is_admin defaults to false"
		;;
	postgresql)
		assert_eq 1 "$(db_query "SELECT id FROM posts WHERE search @@ to_tsquery('english', 'painless')")" "tsvector finds the post"
		db_query "UPDATE posts SET body = 'rewritten' WHERE id = 1" >/dev/null
		assert_eq 0 "$(db_query "SELECT count(*) FROM posts WHERE search @@ to_tsquery('english', 'painless')")" "generated column follows the update"
		assert_eq 1 "$(db_query "SELECT count(*) FROM pg_indexes WHERE indexname = 'posts_search_idx'")" "GIN index"
		assert_eq f "$(db_query "SELECT is_admin FROM comments")" "is_admin defaults to false"
		;;
	esac
	assert_eq "" "$(db_query "SELECT published_at FROM posts WHERE id = 2")" "published_at added (NULL for a new post)"
	if [ "$CMIG_TEST_BACKEND" = sqlite ]; then
		db_query "PRAGMA foreign_keys = ON; DELETE FROM posts WHERE id = 1" >/dev/null
	else
		db_query "DELETE FROM posts WHERE id = 1" >/dev/null
	fi
	assert_eq 0 "$(db_query "SELECT count(*) FROM comments")" "comments cascade with their post"

	assert_exit 0 "${URLOPT[@]}" downgrade base
	assert_eq 7 "$(printf '%s\n' "$ERR" | grep -c '^Running downgrade')" "seven downgrades"
	assert_contains "$ERR" "Running downgrade 0001a7e3c9d2 -> base, initial schema" "last downgrade line"
	assert_db_version "" "at base"
	assert_eq "$(printf 'cmig_history\ncmig_version')" "$(db_tables)" "no example table left, only cmig's"
	assert_eq "" "$(db_schema)" "no index, trigger or view of the example left"
}
round
# and again: the round trip is repeatable
round
assert_eq "$(printf 'up\ndown\nup\ndown' )" "$(db_query "SELECT direction FROM cmig_history WHERE revision = '0001a7e3c9d2' ORDER BY id")" "history of both rounds"

# stamp: an existing database at PRAGMA user_version 6 is adopted with `stamp head`
assert_exit 0 "${URLOPT[@]}" upgrade head
assert_exit 0 "${URLOPT[@]}" stamp base
assert_exit 0 "${URLOPT[@]}" stamp "$HEAD"
assert_exit 0 "${URLOPT[@]}" current
assert_eq "$HEAD (head)" "$OUT" "stamped at head"
