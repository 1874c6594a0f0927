/*
 * test_target.c - model/target.c: TARGET strings -> chain positions (SPEC §5).
 *
 * The chain is ab -> abc -> abd1 -> f00 (positions 0..3), built by hand: "ab" is both an
 * id and a prefix of two others, so the exact-id rule is visible.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"
#include "target.h"

#include "chainfix.h"

#define ALL_FORMS (CMIG_TARGET_RELATIVE | CMIG_TARGET_CURRENT)

struct fixture {
	struct cmig_revfile f[4];
	struct cmig_revfile *p[4];
	struct cmig_chain c;
	cmig_diags d;
};

static int setup(void **state)
{
	static const char *const ids[] = { "ab", "abc", "abd1", "f00" };
	struct fixture *x = calloc(1, sizeof(*x));
	if (!x)
		return -1;
	chainfix_files(x->f, x->p, ids, 4, ".sql");
	if (chainfix_build(&x->c, &x->d, x->p, 4))
		return -1;
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *x = *state;
	chainfix_release(&x->c, &x->d, x->f, 4);
	free(x);
	return 0;
}

/* Resolve with both relative and current allowed. */
static int res(struct fixture *x, const char *t, long current, long *out)
{
	return cmig_target_resolve(out, &x->c, t, current, ALL_FORMS, &x->d);
}

static const char *last_message(const struct fixture *x)
{
	assert_true(x->d.n > 0);
	return x->d.items[x->d.n - 1].message;
}

static void test_target_head_and_base_any_case(void **state)
{
	struct fixture *x = *state;
	long pos = 99;
	assert_int_equal(res(x, "head", -1, &pos), CMIG_OK);
	assert_int_equal(pos, 3);
	assert_int_equal(res(x, "HEAD", -1, &pos), CMIG_OK);
	assert_int_equal(pos, 3);
	assert_int_equal(res(x, "Head", 2, &pos), CMIG_OK);
	assert_int_equal(pos, 3);
	assert_int_equal(res(x, "base", 2, &pos), CMIG_OK);
	assert_int_equal(pos, CMIG_POS_BASE);
	assert_int_equal(res(x, "BASE", 2, &pos), CMIG_OK);
	assert_int_equal(pos, CMIG_POS_BASE);
	assert_int_equal(x->d.n, 0);
}

static void test_target_exact_id_wins_over_prefix(void **state)
{
	struct fixture *x = *state;
	long pos = 99;
	/* "ab" is a prefix of abc and abd1 too: the exact id wins. */
	assert_int_equal(res(x, "ab", -1, &pos), CMIG_OK);
	assert_int_equal(pos, 0);
	assert_int_equal(res(x, "abc", -1, &pos), CMIG_OK);
	assert_int_equal(pos, 1);
	assert_int_equal(res(x, "f00", -1, &pos), CMIG_OK);
	assert_int_equal(pos, 3);
}

static void test_target_unique_prefix(void **state)
{
	struct fixture *x = *state;
	long pos = 99;
	assert_int_equal(res(x, "abd", -1, &pos), CMIG_OK);
	assert_int_equal(pos, 2);
	assert_int_equal(res(x, "f", -1, &pos), CMIG_OK);
	assert_int_equal(pos, 3);
}

static void test_target_ambiguous_prefix_lists_candidates(void **state)
{
	struct fixture *x = *state;
	long pos = 99;
	assert_int_equal(res(x, "a", -1, &pos), CMIG_EAMBIGUOUS);
	assert_string_equal(last_message(x), "target \"a\" is ambiguous: it is a prefix of ab, abc, abd1");
	assert_int_equal(x->d.items[x->d.n - 1].code, CMIG_EAMBIGUOUS);
}

static void test_target_unknown(void **state)
{
	struct fixture *x = *state;
	long pos = 99;
	assert_int_equal(res(x, "zz", -1, &pos), CMIG_ENOTFOUND);
	assert_string_equal(last_message(x), "unknown target \"zz\": no revision has that id or prefix");
	/* A longer string than any id is no prefix either. */
	assert_int_equal(res(x, "abd1x", -1, &pos), CMIG_ENOTFOUND);
	/* "none" is a reserved word but not a target. */
	assert_int_equal(res(x, "none", -1, &pos), CMIG_ENOTFOUND);
	assert_int_equal(res(x, "", -1, &pos), CMIG_EUSAGE);
}

static void test_target_relative_steps(void **state)
{
	struct fixture *x = *state;
	long pos = 99;
	assert_int_equal(res(x, "+1", 1, &pos), CMIG_OK);
	assert_int_equal(pos, 2);
	assert_int_equal(res(x, "+2", 1, &pos), CMIG_OK);
	assert_int_equal(pos, 3);
	assert_int_equal(res(x, "+1", CMIG_POS_BASE, &pos), CMIG_OK);
	assert_int_equal(pos, 0);
	assert_int_equal(res(x, "-1", 1, &pos), CMIG_OK);
	assert_int_equal(pos, 0);
	assert_int_equal(res(x, "-2", 1, &pos), CMIG_OK);
	assert_int_equal(pos, CMIG_POS_BASE);
	assert_int_equal(res(x, "+0", 2, &pos), CMIG_OK);
	assert_int_equal(pos, 2);
	assert_int_equal(x->d.n, 0);
}

static void test_target_relative_past_the_ends(void **state)
{
	struct fixture *x = *state;
	long pos = 99;
	assert_int_equal(res(x, "+3", 1, &pos), CMIG_ERROR);
	assert_string_equal(last_message(x), "target \"+3\" steps past head: only 2 revisions after abc");
	assert_int_equal(res(x, "+2", 2, &pos), CMIG_ERROR);
	assert_string_equal(last_message(x), "target \"+2\" steps past head: only 1 revision after abd1");
	assert_int_equal(res(x, "+1", 3, &pos), CMIG_ERROR);
	assert_string_equal(last_message(x), "target \"+1\" steps past head: f00 is the head");
	assert_int_equal(res(x, "-3", 1, &pos), CMIG_ERROR);
	assert_string_equal(last_message(x), "target \"-3\" steps past base: only 2 revisions up to abc");
	assert_int_equal(res(x, "-2", 0, &pos), CMIG_ERROR);
	assert_string_equal(last_message(x), "target \"-2\" steps past base: only 1 revision up to ab");
	assert_int_equal(res(x, "-1", CMIG_POS_BASE, &pos), CMIG_ERROR);
	assert_string_equal(last_message(x), "target \"-1\" steps past base: the current revision is base");
	assert_int_equal(res(x, "+99999999999999999999", 1, &pos), CMIG_ERROR);
}

static void test_target_forms_a_command_does_not_take(void **state)
{
	struct fixture *x = *state;
	long pos = 99;
	assert_int_equal(cmig_target_resolve(&pos, &x->c, "+1", 0, CMIG_TARGET_CURRENT, &x->d), CMIG_ERROR);
	assert_non_null(strstr(last_message(x), "\"+1\""));
	assert_int_equal(cmig_target_resolve(&pos, &x->c, "current", 0, CMIG_TARGET_RELATIVE, &x->d),
	                 CMIG_ERROR);
	assert_non_null(strstr(last_message(x), "\"current\""));
	assert_int_equal(cmig_target_resolve(&pos, &x->c, "CURRENT", 2, CMIG_TARGET_CURRENT, &x->d), CMIG_OK);
	assert_int_equal(pos, 2);
	assert_int_equal(cmig_target_resolve(&pos, &x->c, "current", CMIG_POS_BASE, CMIG_TARGET_CURRENT,
	                                     &x->d), CMIG_OK);
	assert_int_equal(pos, CMIG_POS_BASE);
}

static void test_target_empty_chain(void **state)
{
	struct cmig_chain c;
	cmig_diags d;
	long pos = 99;
	(void)state;
	cmig_diags_init(&d, NULL, NULL);
	assert_int_equal(cmig_chain_build(&c, NULL, 0, &d), CMIG_OK);
	assert_int_equal(cmig_target_resolve(&pos, &c, "head", CMIG_POS_BASE, ALL_FORMS, &d), CMIG_OK);
	assert_int_equal(pos, CMIG_POS_BASE);
	assert_int_equal(cmig_target_resolve(&pos, &c, "ab", CMIG_POS_BASE, ALL_FORMS, &d),
	                 CMIG_ENOTFOUND);
	assert_int_equal(cmig_target_resolve(&pos, &c, "+1", CMIG_POS_BASE, ALL_FORMS, &d),
	                 CMIG_ERROR);
	cmig_chain_release(&c);
	cmig_diags_release(&d);
}

static void test_target_split_range(void **state)
{
	char *from, *to;
	(void)state;
	assert_true(cmig_target_split_range("1a2b:head", &from, &to));
	assert_string_equal(from, "1a2b");
	assert_string_equal(to, "head");
	free(from);
	free(to);
	assert_true(cmig_target_split_range(":head", &from, &to));
	assert_null(from);
	assert_string_equal(to, "head");
	free(to);
	assert_true(cmig_target_split_range("current:", &from, &to));
	assert_string_equal(from, "current");
	assert_null(to);
	free(from);
	assert_true(cmig_target_split_range(":", &from, &to));
	assert_null(from);
	assert_null(to);
	assert_false(cmig_target_split_range("head", &from, &to));
	assert_null(from);
	assert_null(to);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_target_head_and_base_any_case, setup, teardown),
		cmocka_unit_test_setup_teardown(test_target_exact_id_wins_over_prefix, setup, teardown),
		cmocka_unit_test_setup_teardown(test_target_unique_prefix, setup, teardown),
		cmocka_unit_test_setup_teardown(test_target_ambiguous_prefix_lists_candidates, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_target_unknown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_target_relative_steps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_target_relative_past_the_ends, setup, teardown),
		cmocka_unit_test_setup_teardown(test_target_forms_a_command_does_not_take, setup,
		                                teardown),
		cmocka_unit_test(test_target_empty_chain),
		cmocka_unit_test(test_target_split_range),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
