#!/bin/bash
# t630: `cmig dump` is a fixpoint on the bundled example (issue 13, SPEC §8): the repository's
# versions/ upgraded to head on this backend, dumped; the dump loaded into an empty database
# (sqlite3 / psql, not cmig) and dumped again gives the same bytes after the first line (the
# first names the revision, which a database loaded by hand does not have); and the dump used
# as schema.sql gives no difference with the chain (`cmig diff` exit 0).
. "$(dirname "$0")/lib.sh"

new_db
SECOND=$DB_URL
new_db
MAIN=$DB_URL
new_project
cp "$CMIG_SOURCE_DIR"/versions/*.sql versions/
if [ "$CMIG_TEST_BACKEND" = postgresql ]; then
	printf "dev_url: 'postgresql:///postgres?host=%s&port=%s'\n" "$PGHOST" "$PGPORT" >>cmig.yaml
fi
assert_exit 0 upgrade head
assert_exit 0 dump
assert_match "$(printf '%s\n' "$OUT" | head -1)" "0007a9c4e2b8" "the first line names the head"
D1=$(printf '%s\n' "$OUT" | tail -n +2)
# the dump has the example's objects (a fixpoint of an empty text would prove nothing)
for obj in comments posts posts_tags tags comments_post_id_idx posts_tags_post_tag_uniq \
	posts_slug_lowercase comments_body_not_blank; do
	assert_contains "$D1" "$obj" "the dump names $obj"
done
assert_dump_loads "$D1" "$SECOND"
# and the dump, as schema.sql, declares the schema the chain builds: `diff` finds nothing
printf '%s\n' "$D1" >schema.sql
assert_exit 0 diff
finish
