/*
 * test_text.c - util/text.c: byte offsets to lines (the map and the one-off count agree),
 * SPEC §5 slugs, SPEC §2 revision ids and reserved words, ASCII case folding, the ISO-8601
 * shapes the created: header accepts, and the clock and random-id formats.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "text.h"

static void test_text_lines(void **state)
{
	static const char t[] = "a\nbc\n\nd";   /* lines start at 0, 2, 5, 6 */
	static const unsigned want[] = { 1, 1, 2, 2, 2, 3, 4, 4 };
	cmig_linemap m;
	(void)state;
	assert_int_equal(cmig_linemap_build(&m, t, strlen(t)), 0);
	assert_int_equal(m.n, 4);
	for (size_t off = 0; off <= strlen(t); off++) {
		assert_int_equal(cmig_linemap_line(&m, off), want[off]);
		assert_int_equal(cmig_text_line_of(t, off), want[off]);
	}
	cmig_linemap_release(&m);
	assert_null(m.starts);
	assert_int_equal(cmig_linemap_build(&m, "", 0), 0);
	assert_int_equal(cmig_linemap_line(&m, 0), 1);
	cmig_linemap_release(&m);
}

static void test_text_slug(void **state)
{
	static const struct { const char *msg, *slug; } cases[] = {
		{ "Add users table", "add_users_table" },
		{ "  --Drop: old  index!! ", "drop_old_index" },
		{ "café 2026", "caf_2026" },
		{ "!!!", "" },
		{ "", "" },
		{ "abcdefghij abcdefghij abcdefghij abcdefghij more", "abcdefghij_abcdefghij_abcdefghij_abcdefg" },
		{ "abcdefghij abcdefghij abcdefghij abcdef! x", "abcdefghij_abcdefghij_abcdefghij_abcdef" },
	};
	char out[41];
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cmig_text_slug(out, cases[i].msg);
		assert_string_equal(out, cases[i].slug);
		assert_true(strlen(out) <= 40);
	}
}

static void test_text_ids(void **state)
{
	char id[66];
	(void)state;
	assert_true(cmig_text_valid_id("a1B_2", 5));
	assert_false(cmig_text_valid_id("", 0));
	assert_false(cmig_text_valid_id("a-b", 3));
	assert_false(cmig_text_valid_id("a b", 3));
	assert_false(cmig_text_valid_id("é", strlen("é")));
	memset(id, 'x', 65);
	assert_true(cmig_text_valid_id(id, 64));
	assert_false(cmig_text_valid_id(id, 65));
	/* SPEC §2: the reserved words in any case, and only whole */
	assert_false(cmig_text_valid_id("HEAD", 4));
	assert_false(cmig_text_valid_id("Base", 4));
	assert_false(cmig_text_valid_id("none", 4));
	assert_false(cmig_text_valid_id("cUrrent", 7));
	assert_true(cmig_text_valid_id("heads", 5));
	assert_true(cmig_text_valid_id("head", 3));        /* "hea" */
	assert_true(cmig_text_reserved_word("current", 7));
	assert_false(cmig_text_reserved_word("curren", 6));
}

static void test_text_case_folding(void **state)
{
	(void)state;
	assert_true(cmig_text_ieq("BEGIN", "begin"));
	assert_true(cmig_text_ieq("", ""));
	assert_false(cmig_text_ieq("BEGIN", "begins"));
	assert_false(cmig_text_ieq("BEGINS", "begin"));
	assert_true(cmig_text_ieqn("AlterX", 5, "alter"));
	assert_false(cmig_text_ieqn("Alter", 5, "alteR "));
	assert_false(cmig_text_ieq("[", "{"));          /* only letters fold: '[' + 32 is '{' */
}

static void test_text_iso8601(void **state)
{
	static const char *yes[] = { "2026-11-22", "2026-11-22T10:15:00Z", "2026-11-22T10:15:00+01:00",
	                             "2026-11-22T10:15:00-0130", "2026-11-22T10:15:00" };
	static const char *no[] = { "", "2026-11", "2026/11/22", "22-11-2026", "2026-11-22T10:15Zx",
	                            "2026-11-22T10:15:00+1", "yesterday" };
	(void)state;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		assert_true(cmig_text_is_iso8601(yes[i]));
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_false(cmig_text_is_iso8601(no[i]));
}

static void test_text_clock_and_random_id(void **state)
{
	char now[32], ms[32], a[13], b[13];
	(void)state;
	cmig_text_now_iso(now, sizeof(now), false);
	cmig_text_now_iso(ms, sizeof(ms), true);
	assert_int_equal(strlen(now), 20);
	assert_int_equal(strlen(ms), 24);
	assert_true(cmig_text_is_iso8601(now));
	assert_true(cmig_text_is_iso8601(ms));
	assert_int_equal(now[10], 'T');
	assert_int_equal(ms[19], '.');
	cmig_text_random_id(a);
	cmig_text_random_id(b);
	assert_int_equal(strlen(a), 12);
	assert_int_equal(strspn(a, "0123456789abcdef"), 12);
	assert_true(cmig_text_valid_id(a, 12));
	assert_string_not_equal(a, b);                   /* 48 random bits */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_lines),
		cmocka_unit_test(test_text_slug),
		cmocka_unit_test(test_text_ids),
		cmocka_unit_test(test_text_case_folding),
		cmocka_unit_test(test_text_iso8601),
		cmocka_unit_test(test_text_clock_and_random_id),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
