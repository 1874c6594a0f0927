/*
 * test_order.c - schema/order.c, the order inside one kind of `cmig dump` (SPEC §8): among the
 * objects whose dependencies are written, the smallest name next; a cycle broken at its
 * smallest name; repeated edges; and names sorted byte-wise with NULL schemas first and
 * equal names kept in model order.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "order.h"

struct names {
	const char *const *schema, *const *name;
};

static void name_of(const void *ctx, size_t i, const char **schema, const char **name)
{
	const struct names *n = ctx;
	*schema = n->schema ? n->schema[i] : NULL;
	*name = n->name[i];
}

static void test_order_smallest_ready_first(void **state)
{
	/* 0 "d", 1 "a" waits for 0, 2 "c", 3 "b" waits for 1: d waits for nothing, but "a" is
	 * not ready until "d" is written, so: c, d, a, b */
	size_t byname[] = { 1, 3, 2, 0 }, order[4];
	struct cmig_sch_dep deps[] = { { 1, 0 }, { 3, 1 } };
	(void)state;
	assert_int_equal(cmig_sch_order(order, 4, byname, deps, 2), 0);
	size_t want[] = { 2, 0, 1, 3 };
	assert_memory_equal(order, want, sizeof(want));
}

static void test_order_cycle_and_repeated_edges(void **state)
{
	/* 0 "a" <-> 1 "b" (a cycle, the edge a->b twice), 2 "c" waits for 1: nothing is ready,
	 * so the smallest name, "a", breaks the cycle; then "b" (its one edge is written), "c" */
	size_t byname[] = { 0, 1, 2 }, order[3];
	struct cmig_sch_dep deps[] = { { 0, 1 }, { 0, 1 }, { 1, 0 }, { 2, 1 } };
	(void)state;
	assert_int_equal(cmig_sch_order(order, 3, byname, deps, 4), 0);
	size_t want[] = { 0, 1, 2 };
	assert_memory_equal(order, want, sizeof(want));
}

static void test_order_empty(void **state)
{
	size_t order[1] = { 99 };
	(void)state;
	assert_int_equal(cmig_sch_order(order, 0, NULL, NULL, 0), 0);
	assert_int_equal(order[0], 99);
}

static void test_sort_names(void **state)
{
	const char *schema[] = { "s2", NULL, "s1", "s1", "s1" };
	const char *name[] = { "a", "z", "b", "B", "b" };
	struct names n = { schema, name };
	size_t idx[] = { 0, 1, 2, 3, 4 };
	(void)state;
	cmig_sch_sort_names(idx, 5, name_of, &n);
	/* NULL schema first, then s1.B < s1.b (bytes), the two s1.b in model order, then s2.a */
	size_t want[] = { 1, 3, 2, 4, 0 };
	assert_memory_equal(idx, want, sizeof(want));
}

static void test_many_in_a_chain(void **state)
{
	/* a chain of 2,000 where each waits for the next: written from the last */
	enum { N = 2000 };
	size_t *byname = malloc(N * sizeof(size_t)), *order = malloc(N * sizeof(size_t));
	struct cmig_sch_dep *deps = malloc(N * sizeof(*deps));
	(void)state;
	assert_non_null(byname);
	assert_non_null(order);
	assert_non_null(deps);
	for (size_t i = 0; i < N; i++)
		byname[i] = i;
	for (size_t i = 0; i + 1 < N; i++)
		deps[i] = (struct cmig_sch_dep){ i, i + 1 };
	assert_int_equal(cmig_sch_order(order, N, byname, deps, N - 1), 0);
	for (size_t i = 0; i < N; i++)
		assert_int_equal(order[i], N - 1 - i);
	free(byname);
	free(order);
	free(deps);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_smallest_ready_first),
		cmocka_unit_test(test_order_cycle_and_repeated_edges),
		cmocka_unit_test(test_order_empty),
		cmocka_unit_test(test_sort_names),
		cmocka_unit_test(test_many_in_a_chain),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
