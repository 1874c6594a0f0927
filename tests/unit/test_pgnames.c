/*
 * test_pgnames.c - batch/pgnames.c: PostgreSQL 15's default constraint names (SPEC §6).
 *
 * Every expected name below was given by a real PostgreSQL 15.18 server for the same table
 * (tests/pg/cluster.sh, `select conname from pg_constraint`), not computed by cmig. The
 * CREATE TABLE texts are the SQLite spelling of those tables (SQLite wants columns before
 * table constraints; PostgreSQL's names do not change with that order here).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "pgnames.h"
#include "table.h"

/* Names of the table's constraints, in the order pgnames lists them, joined with ' '. */
static char *names_of(const char *sql, const char *const *rel, size_t nrel)
{
	struct cmig_table t;
	cmig_diags d = CMIG_DIAGS_INIT;
	struct cmig_pgname *v;
	size_t n;
	cmig_buf b = CMIG_BUF_INIT;

	assert_int_equal(cmig_table_parse(&t, sql, &d), 0);
	assert_int_equal(cmig_pgnames_assign(&v, &n, &t, rel, nrel), 0);
	for (size_t i = 0; i < n; i++)
		cmig_buf_printf(&b, "%s%s", i ? " " : "", v[i].name);
	cmig_pgnames_free(v, n);
	cmig_table_release(&t);
	cmig_diags_release(&d);
	return cmig_buf_detach(&b);
}

#define EXPECT_NAMES(sql, expected) do { \
		char *got_ = names_of(sql, NULL, 0); \
		assert_string_equal(got_, expected); \
		free(got_); \
	} while (0)

/* SPEC §6: <table>_<column>_key, <table>_pkey, <table>_<column>_fkey, <table>_<column>_check */
static void test_pgnames_single_column_forms(void **state)
{
	(void)state;
	EXPECT_NAMES("CREATE TABLE posts (id int PRIMARY KEY, slug text UNIQUE, "
	             "title text CHECK (length(title) > 0), author_id int REFERENCES users(id))",
	             "posts_pkey posts_slug_key posts_title_check posts_author_id_fkey");
	EXPECT_NAMES("CREATE TABLE users (id int primary key)", "users_pkey");
}

/* SPEC §6: multi-column forms such as t_a_b_key; t_check for a CHECK over several columns */
static void test_pgnames_multi_column(void **state)
{
	(void)state;
	EXPECT_NAMES("CREATE TABLE t2 (a int, b int, unique (a, b), check (a < b), "
	             "foreign key (a, b) references p2 (x, y))",
	             "t2_a_b_key t2_check t2_a_b_fkey");
	EXPECT_NAMES("CREATE TABLE p2 (x int, y int, primary key (x, y))", "p2_pkey");
}

/* SPEC §6: numeric suffixes on collisions among the table's own constraints */
static void test_pgnames_suffixes(void **state)
{
	(void)state;
	EXPECT_NAMES("CREATE TABLE t3 (a int check (a > 0), b int check (b > a), c int check (true), "
	             "check (a < 10))",
	             "t3_a_check t3_check t3_check1 t3_a_check1");
	/* created as (a CHECK, b), then ALTER … ADD CHECK (a > 1), ADD UNIQUE (b) twice,
	 * ADD PRIMARY KEY (a) */
	EXPECT_NAMES("CREATE TABLE t5 (a int check (a > 0), b int, CHECK (a > 1), UNIQUE (b), "
	             "UNIQUE (b), PRIMARY KEY (a))",
	             "t5_a_check t5_a_check1 t5_b_key t5_b_key1 t5_pkey");
	EXPECT_NAMES("CREATE TABLE t7 (a int, b int references t7(a), unique(a))",
	             "t7_b_fkey t7_a_key");
	/* a function named like a column is not a use of the column */
	EXPECT_NAMES("CREATE TABLE tl (length int, title text check (length(title) > 0), "
	             "lower text check (lower = lower(lower)))",
	             "tl_title_check tl_lower_check");
	/* an explicit name takes precedence: the primary key moves to t8_pkey1 */
	EXPECT_NAMES("CREATE TABLE t8 (id int, constraint t8_pkey check (id > 0), primary key (id))",
	             "t8_pkey t8_pkey1");
}

/* SPEC §6: numeric suffixes on collisions with the schema's indexes and tables (key names
 * are index names in PostgreSQL) */
static void test_pgnames_relation_collision(void **state)
{
	static const char *const rel[] = { "t4_b_key", "t4" };
	char *got;
	(void)state;
	got = names_of("CREATE TABLE t4 (b int unique)", rel, 2);
	assert_string_equal(got, "t4_b_key1");
	free(got);
}

/* SPEC §6: truncation to 63 bytes, the longer part first, never inside a UTF-8 character */
static void test_pgnames_truncation(void **state)
{
	(void)state;
	EXPECT_NAMES("CREATE TABLE abcdefghijabcdefghijabcdefghijabcdefghij ("
	             "klmnopqrstklmnopqrstklmnopqrstklmnopqrst int unique, other int check (other > 0))",
	             "abcdefghijabcdefghijabcdefghi_klmnopqrstklmnopqrstklmnopqrs_key "
	             "abcdefghijabcdefghijabcdefghijabcdefghij_other_check");
	EXPECT_NAMES("CREATE TABLE shortt "
	             "(klmnopqrstklmnopqrstklmnopqrstklmnopqrstklmnopqrstklmnopqrstxyz int unique)",
	             "shortt_klmnopqrstklmnopqrstklmnopqrstklmnopqrstklmnopqrstkl_key");
	EXPECT_NAMES("CREATE TABLE t6 (aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa int, "
	             "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb int, cccccccccccccccccccccc int, "
	             "unique (aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa, bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb, "
	             "cccccccccccccccccccccc))",
	             "t6_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbb_key");
	EXPECT_NAMES("CREATE TABLE \"ééééééééééééééééééééééééééééééé\" (\"ççççççççççççççççç\" int unique)",
	             "éééééééééééééé_çççççççççççççç_key");
}

/* PostgreSQL folds unquoted identifiers to lower case and keeps quoted ones */
static void test_pgnames_folding(void **state)
{
	(void)state;
	EXPECT_NAMES("CREATE TABLE Mixed (Col int unique)", "mixed_col_key");
	EXPECT_NAMES("CREATE TABLE \"Mixed2\" (\"Col\" int unique)", "Mixed2_Col_key");
}

static void test_pgnames_make_edges(void **state)
{
	char *s;
	(void)state;
	s = cmig_pgnames_make("t", NULL, "pkey");
	assert_string_equal(s, "t_pkey");
	free(s);
	s = cmig_pgnames_make("t", "a", NULL);
	assert_string_equal(s, "t_a");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pgnames_single_column_forms),
		cmocka_unit_test(test_pgnames_multi_column),
		cmocka_unit_test(test_pgnames_suffixes),
		cmocka_unit_test(test_pgnames_relation_collision),
		cmocka_unit_test(test_pgnames_truncation),
		cmocka_unit_test(test_pgnames_folding),
		cmocka_unit_test(test_pgnames_make_edges),
	};
	return cmocka_run_group_tests_name("pgnames", tests, NULL, NULL);
}
