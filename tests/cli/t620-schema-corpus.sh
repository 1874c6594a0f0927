#!/bin/bash
# t620: the schema-pair corpus (tests/schema-corpus/NNN-name/{before,after}.sql + meta) on
# this backend. For each pair: a chain whose one revision is before.sql, schema.sql =
# after.sql, then `revision --autogenerate` (with the pair's args):
#   expect ok:      it writes a revision (two for added enum values) whose proof passed;
#                   `upgrade head` runs it on a real database; `diff --from-db` then reports
#                   no difference (exit 0); `dump` of that database loaded into an empty one
#                   dumps to the same bytes (fixpoint)
#   expect none:    no difference: exit 0 and nothing written
#   expect refused: exit 1 and nothing written
# CORPUS_ONLY=NNN runs one pair; CORPUS_SHARD=K/N (ctest on PostgreSQL: four shards) a quarter.
. "$(dirname "$0")/lib.sh"

CORPUS=$CMIG_TESTS_DIR/schema-corpus
# db_reset, and on PostgreSQL every other schema a pair created too
reset_all() {
	if [ "$CMIG_TEST_BACKEND" = postgresql ]; then
		for s in $(db_query "SELECT nspname FROM pg_namespace WHERE nspname NOT IN ('public', 'information_schema') AND nspname NOT LIKE 'pg\_%'"); do
			db_query "DROP SCHEMA \"$s\" CASCADE" >/dev/null
		done
	fi
	db_reset
}
new_db
SECOND=$DB_URL
new_db
MAIN=$DB_URL
new_project
if [ "$CMIG_TEST_BACKEND" = postgresql ]; then
	printf "dev_url: 'postgresql:///postgres?host=%s&port=%s'\n" "$PGHOST" "$PGPORT" >>cmig.yaml
fi
ran=0
for dir in "$CORPUS"/*/; do
	name=$(basename "$dir")
	[ -n "${CORPUS_ONLY:-}" ] && [ "${name%%-*}" != "$CORPUS_ONLY" ] && continue
	backend=$(sed -n 's/^backend: //p' "$dir/meta")
	expect=$(sed -n 's/^expect: //p' "$dir/meta")
	args=$(sed -n 's/^args: //p' "$dir/meta")
	[ "$backend" = both ] || [ "$backend" = "$CMIG_TEST_BACKEND" ] || continue
	# CORPUS_SHARD=K/N: only the pairs whose place among this backend's pairs is K mod N
	idx=$((${idx:--1} + 1))
	if [ -n "${CORPUS_SHARD:-}" ] && [ $((idx % ${CORPUS_SHARD#*/})) -ne "${CORPUS_SHARD%/*}" ]; then
		continue
	fi
	ran=$((ran + 1))
	db_select "$MAIN"
	reset_all
	rm -rf versions
	mkdir versions
	if [ -s "$dir/before.sql" ]; then
		write_rev a1 "" "$(cat "$dir/before.sql")" ""
	fi
	before=$(ls versions | wc -l)
	cp "$dir/after.sql" schema.sql
	# shellcheck disable=SC2086
	run_cmig revision --autogenerate -m corpus $args
	after=$(ls versions | wc -l)
	case $expect in
	ok)
		if [ "$RC" != 0 ] || [ "$after" -le "$before" ]; then
			_fail "$name: autogenerate should write a proven revision (exit $RC)"
			_show_last_run
			continue
		fi
		_pass
		assert_exit 0 upgrade head
		run_cmig diff --from-db
		if [ "$RC" != 0 ]; then
			_fail "$name: after upgrade the database should equal schema.sql (diff exit $RC)"
			_show_last_run
			continue
		fi
		_pass
		assert_exit 0 dump
		D1=$(printf '%s\n' "$OUT" | tail -n +2)
		[ -n "$D1" ] || continue # an empty schema: nothing to load
		db_select "$SECOND"
		reset_all
		printf '%s\n' "$D1" >"$TEST_DIR/load.sql"
		db_script "$TEST_DIR/load.sql" >/dev/null 2>&1 || _fail "$name: the dump loads"
		assert_exit 0 --url "$SECOND" dump
		assert_eq "$D1" "$(printf '%s\n' "$OUT" | tail -n +2)" "$name: dump fixpoint"
		;;
	none)
		assert_eq "0 $before" "$RC $after" "$name: no difference, nothing written"
		;;
	refused)
		assert_eq "1 $before" "$RC $after" "$name: refused with nothing written"
		;;
	esac
done
[ "$ran" -gt 0 ] || _fail "no corpus pair ran"
finish
