# failing_k.sh - the "statement of migration k fails" fixture that cli/t110 and pg/t400 share
# (SPEC §4). Sourced after lib.sh; the tests give the failing statements and check the
# database's own words in $ERR.

# write_k STATEMENT : versions/c3_x.sql whose up section fails in the middle. Layout:
#  5 -- migrate:up
#  6 CREATE TABLE k_first (id INTEGER PRIMARY KEY, v TEXT NOT NULL);
#  7 INSERT INTO k_first (id, v) VALUES (1, 'one');
#  8 (blank)
#  9 <the failing statement, first line>
# ...
#    CREATE TABLE k_after (id INTEGER);
write_k() {
	{
		printf -- '-- revision: c3\n-- down_revision: b2\n-- message: fails\n\n-- migrate:up\n'
		printf "CREATE TABLE k_first (id INTEGER PRIMARY KEY, v TEXT NOT NULL);\nINSERT INTO k_first (id, v) VALUES (1, 'one');\n\n"
		printf '%s\n' "$1"
		printf "CREATE TABLE k_after (id INTEGER);\n\n-- migrate:down\nDROP TABLE k_after;\nDROP TABLE k_first;\n"
	} >versions/c3_x.sql
}

# run_failing_k DIR LABEL STATEMENT : a fresh database and project DIR with a1 <- b2 <- c3 <- d4,
# c3 failing at STATEMENT, upgraded to head: exit 1, the database at b2 with nothing of c3 or
# d4 applied, a1 and b2 kept with their history rows only, progress up to c3 and no further.
run_failing_k() {
	new_db
	new_project "$1"
	chain a1 b2
	write_k "$3"
	write_rev d4 c3
	assert_exit 1 upgrade head
	assert_backend_db
	assert_db_version b2 "$2: database at k-1"
	assert_false "$2: nothing of k applied (k_first)" db_has_table k_first
	assert_false "$2: nothing of k applied (k_after)" db_has_table k_after
	assert_false "$2: nothing after k (t_d4)" db_has_table t_d4
	assert_true "$2: earlier migrations stay (t_a1)" db_has_table t_a1
	assert_true "$2: earlier migrations stay (t_b2)" db_has_table t_b2
	assert_eq "$(printf 'a1|up\nb2|up')" "$(db_query "SELECT revision, direction FROM cmig_history ORDER BY id")" "$2: no history row for k"
	assert_contains "$ERR" "Running upgrade b2 -> c3, fails" "$2: progress up to k"
	assert_not_contains "$ERR" "Running upgrade c3 -> d4" "$2: stops at k"
}
