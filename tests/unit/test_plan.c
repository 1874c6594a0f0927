/*
 * test_plan.c - model/plan.c: steps between two positions, and the refusals found before
 * anything runs (SPEC §2, §5).
 *
 * Chain r1 -> r2 -> r3, built by hand with unmarked up and down sections; tests take
 * sections away or mark them for a dialect.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"
#include "plan.h"
#include "target.h"

#include "chainfix.h"

struct fixture {
	struct cmig_revfile f[3];
	cmig_section own[3][2][CMIG_REVFILE_NSECT]; /* what f[i].sections point at */
	struct cmig_revfile *p[3];
	struct cmig_chain c;
	cmig_diags d;
	cmig_step_vec steps;
};

static void set_section(struct fixture *x, int i, int dir, cmig_dialect_kind k, unsigned line)
{
	cmig_section *s = &x->own[i][dir][k];
	x->f[i].sections[dir][k] = s;
	s->present = true;
	s->direction = dir;
	s->dialect = k;
	s->transactional = true;
	s->marker_line = line;
}

static int setup(void **state)
{
	static const char *const ids[] = { "r1", "r2", "r3" };
	struct fixture *x = calloc(1, sizeof(*x));
	if (!x)
		return -1;
	chainfix_files(x->f, x->p, ids, 3, "_step.sql");
	for (int i = 0; i < 3; i++) {
		x->f[i].parsed = true;
		set_section(x, i, CMIG_UP, CMIG_DIALECT_ANY, 6);
		set_section(x, i, CMIG_DOWN, CMIG_DIALECT_ANY, 9);
	}
	if (chainfix_build(&x->c, &x->d, x->p, 3))
		return -1;
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *x = *state;
	free(x->steps.items);
	chainfix_release(&x->c, &x->d, x->f, 3);
	free(x);
	return 0;
}

static int plan(struct fixture *x, long current, long target, int dir, cmig_dialect_kind k)
{
	return cmig_plan_make(&x->steps, &x->c, current, target, dir, k, &x->d);
}

static void assert_step(const cmig_step *s, const struct cmig_revfile *rev, int dir,
                        const char *from, const char *to)
{
	assert_ptr_equal(s->rev, rev);
	assert_int_equal(s->direction, dir);
	if (from)
		assert_string_equal(s->from, from);
	else
		assert_null(s->from);
	if (to)
		assert_string_equal(s->to, to);
	else
		assert_null(s->to);
}

static void test_plan_upgrade_from_base_to_head(void **state)
{
	struct fixture *x = *state;
	assert_int_equal(plan(x, CMIG_POS_BASE, 2, CMIG_UP, CMIG_DIALECT_SQLITE), CMIG_OK);
	assert_int_equal(x->steps.n, 3);
	assert_step(&x->steps.items[0], &x->f[0], CMIG_UP, NULL, "r1");
	assert_step(&x->steps.items[1], &x->f[1], CMIG_UP, "r1", "r2");
	assert_step(&x->steps.items[2], &x->f[2], CMIG_UP, "r2", "r3");
	assert_ptr_equal(x->steps.items[1].section, x->f[1].sections[CMIG_UP][CMIG_DIALECT_ANY]);
	assert_int_equal(x->d.n, 0);
}

static void test_plan_upgrade_partial_and_empty(void **state)
{
	struct fixture *x = *state;
	assert_int_equal(plan(x, 0, 1, CMIG_UP, CMIG_DIALECT_SQLITE), CMIG_OK);
	assert_int_equal(x->steps.n, 1);
	assert_step(&x->steps.items[0], &x->f[1], CMIG_UP, "r1", "r2");
	x->steps.n = 0;
	assert_int_equal(plan(x, 2, 2, CMIG_UP, CMIG_DIALECT_SQLITE), CMIG_OK);
	assert_int_equal(x->steps.n, 0);
	assert_int_equal(plan(x, CMIG_POS_BASE, CMIG_POS_BASE, CMIG_DOWN, CMIG_DIALECT_SQLITE), CMIG_OK);
	assert_int_equal(x->steps.n, 0);
}

static void test_plan_upgrade_to_older_target_refused(void **state)
{
	struct fixture *x = *state;
	assert_int_equal(plan(x, 1, 0, CMIG_UP, CMIG_DIALECT_SQLITE), CMIG_ERROR);
	assert_int_equal(x->steps.n, 0);
	assert_string_equal(x->d.items[0].message,
	                    "target r1 is older than the current revision r2: use downgrade");
	assert_int_equal(plan(x, 1, CMIG_POS_BASE, CMIG_UP, CMIG_DIALECT_SQLITE), CMIG_ERROR);
	assert_string_equal(x->d.items[1].message,
	                    "target base is older than the current revision r2: use downgrade");
}

static void test_plan_downgrade_newest_first(void **state)
{
	struct fixture *x = *state;
	assert_int_equal(plan(x, 2, CMIG_POS_BASE, CMIG_DOWN, CMIG_DIALECT_POSTGRESQL), CMIG_OK);
	assert_int_equal(x->steps.n, 3);
	assert_step(&x->steps.items[0], &x->f[2], CMIG_DOWN, "r3", "r2");
	assert_step(&x->steps.items[1], &x->f[1], CMIG_DOWN, "r2", "r1");
	assert_step(&x->steps.items[2], &x->f[0], CMIG_DOWN, "r1", NULL);
	assert_ptr_equal(x->steps.items[0].section, x->f[2].sections[CMIG_DOWN][CMIG_DIALECT_ANY]);
}

static void test_plan_downgrade_to_newer_target_refused(void **state)
{
	struct fixture *x = *state;
	assert_int_equal(plan(x, 0, 2, CMIG_DOWN, CMIG_DIALECT_SQLITE), CMIG_ERROR);
	assert_string_equal(x->d.items[0].message,
	                    "target r3 is newer than the current revision r1: use upgrade");
	assert_int_equal(plan(x, CMIG_POS_BASE, 0, CMIG_DOWN, CMIG_DIALECT_SQLITE), CMIG_ERROR);
	assert_string_equal(x->d.items[1].message,
	                    "target r1 is newer than the current revision base: use upgrade");
}

static void test_plan_downgrade_past_missing_down_refused_before_anything(void **state)
{
	struct fixture *x = *state;
	const cmig_diag *g;
	cmig_step keep = { 0 };
	/* r2 has no down section at all. */
	memset(&x->f[1].sections[CMIG_DOWN], 0, sizeof(x->f[1].sections[CMIG_DOWN]));
	/* What the caller already had in the vector stays; nothing of this plan is added. */
	assert_int_equal(CMIG_VEC_PUSH(&x->steps, keep), 0);
	assert_int_equal(plan(x, 2, CMIG_POS_BASE, CMIG_DOWN, CMIG_DIALECT_SQLITE), CMIG_ERROR);
	assert_int_equal(x->steps.n, 1);
	assert_int_equal(x->d.errors, 1);
	g = &x->d.items[0];
	assert_string_equal(g->path, "versions/r2_step.sql");
	assert_non_null(strstr(g->message, "r2"));
	assert_non_null(strstr(g->message, "no down section"));
	/* Reverting only r3 does not cross r2. */
	assert_int_equal(plan(x, 2, 1, CMIG_DOWN, CMIG_DIALECT_SQLITE), CMIG_OK);
	assert_int_equal(x->steps.n, 2);
	/* Upgrading is unaffected. */
	assert_int_equal(plan(x, CMIG_POS_BASE, 2, CMIG_UP, CMIG_DIALECT_SQLITE), CMIG_OK);
}

static void test_plan_dialect_sections(void **state)
{
	struct fixture *x = *state;
	/* r2: an unmarked up section and a dialect:sqlite one. */
	set_section(x, 1, CMIG_UP, CMIG_DIALECT_SQLITE, 12);
	assert_int_equal(plan(x, 0, 1, CMIG_UP, CMIG_DIALECT_SQLITE), CMIG_OK);
	assert_ptr_equal(x->steps.items[0].section, x->f[1].sections[CMIG_UP][CMIG_DIALECT_SQLITE]);
	assert_int_equal(plan(x, 0, 1, CMIG_UP, CMIG_DIALECT_POSTGRESQL), CMIG_OK);
	assert_ptr_equal(x->steps.items[1].section, x->f[1].sections[CMIG_UP][CMIG_DIALECT_ANY]);
}

static void test_plan_direction_without_section_for_dialect(void **state)
{
	struct fixture *x = *state;
	const cmig_diag *g;
	/* r3's up sections are for postgresql only. */
	memset(&x->f[2].sections[CMIG_UP], 0, sizeof(x->f[2].sections[CMIG_UP]));
	set_section(x, 2, CMIG_UP, CMIG_DIALECT_POSTGRESQL, 7);
	assert_int_equal(plan(x, CMIG_POS_BASE, 2, CMIG_UP, CMIG_DIALECT_SQLITE), CMIG_ERROR);
	assert_int_equal(x->steps.n, 0);
	g = &x->d.items[0];
	assert_string_equal(g->kind, "parse");
	assert_string_equal(g->path, "versions/r3_step.sql");
	assert_int_equal(g->line, 7);
	assert_non_null(strstr(g->message, "r3"));
	assert_non_null(strstr(g->message, "sqlite"));
	/* On PostgreSQL it runs. */
	assert_int_equal(plan(x, CMIG_POS_BASE, 2, CMIG_UP, CMIG_DIALECT_POSTGRESQL), CMIG_OK);
	assert_ptr_equal(x->steps.items[2].section,
	                 x->f[2].sections[CMIG_UP][CMIG_DIALECT_POSTGRESQL]);
	/* Stopping short of r3 on SQLite is fine too. */
	x->steps.n = 0;
	assert_int_equal(plan(x, CMIG_POS_BASE, 1, CMIG_UP, CMIG_DIALECT_SQLITE), CMIG_OK);
	assert_int_equal(x->steps.n, 2);
}

static void test_plan_down_for_other_dialect_only(void **state)
{
	struct fixture *x = *state;
	memset(&x->f[0].sections[CMIG_DOWN], 0, sizeof(x->f[0].sections[CMIG_DOWN]));
	set_section(x, 0, CMIG_DOWN, CMIG_DIALECT_SQLITE, 11);
	assert_int_equal(plan(x, 2, CMIG_POS_BASE, CMIG_DOWN, CMIG_DIALECT_POSTGRESQL), CMIG_ERROR);
	assert_int_equal(x->d.items[0].line, 11);
	assert_string_equal(x->d.items[0].kind, "parse");
	assert_int_equal(x->steps.n, 0);
}

static void test_plan_single_step_ends(void **state)
{
	struct fixture *x = *state;
	cmig_step s;
	assert_int_equal(cmig_plan_step(&s, &x->c, 2, CMIG_UP, CMIG_DIALECT_SQLITE, &x->d),
	                 CMIG_ERROR);
	assert_int_equal(cmig_plan_step(&s, &x->c, CMIG_POS_BASE, CMIG_DOWN, CMIG_DIALECT_SQLITE,
	                                &x->d), CMIG_ERROR);
	assert_int_equal(cmig_plan_step(&s, &x->c, CMIG_POS_BASE, CMIG_UP, CMIG_DIALECT_SQLITE,
	                                &x->d), CMIG_OK);
	assert_step(&s, &x->f[0], CMIG_UP, NULL, "r1");
	assert_int_equal(cmig_plan_step(&s, &x->c, 0, CMIG_DOWN, CMIG_DIALECT_SQLITE, &x->d),
	                 CMIG_OK);
	assert_step(&s, &x->f[0], CMIG_DOWN, "r1", NULL);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_plan_upgrade_from_base_to_head),
		T(test_plan_upgrade_partial_and_empty),
		T(test_plan_upgrade_to_older_target_refused),
		T(test_plan_downgrade_newest_first),
		T(test_plan_downgrade_to_newer_target_refused),
		T(test_plan_downgrade_past_missing_down_refused_before_anything),
		T(test_plan_dialect_sections),
		T(test_plan_direction_without_section_for_dialect),
		T(test_plan_down_for_other_dialect_only),
		T(test_plan_single_step_ends),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
