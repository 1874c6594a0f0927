/*
 * test_vec.c - util/vec.h: PUSH evaluates to 0 and keeps every item in order as the array
 * grows (capacity from 8, doubling), RESERVE never shrinks and is a no-op when there is room,
 * and items of any size (a struct) are copied whole. An absurd size (its bytes past
 * PTRDIFF_MAX, need * elem wrapping round, a doubling past SIZE_MAX) is CMIG_ENOMEM with the
 * array untouched, never an endless loop or a wrapped-round allocation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vec.h"
#include "cmig/cmig.h"

struct pair {
	int a;
	char name[20];
};

static void test_vec_push_keeps_order(void **state)
{
	CMIG_VEC(int) v = CMIG_VEC_INIT;
	(void)state;
	for (int i = 0; i < 10000; i++) {
		assert_int_equal(CMIG_VEC_PUSH(&v, i * 3), 0);
		if (i == 0)
			assert_int_equal(v.cap, 8);
	}
	assert_int_equal(v.n, 10000);
	assert_int_equal(v.cap, 16384);        /* 8 doubled: amortised O(1) pushes */
	for (int i = 0; i < 10000; i++)
		assert_int_equal(v.items[i], i * 3);
	free(v.items);
}

static void test_vec_reserve(void **state)
{
	CMIG_VEC(struct pair) v = CMIG_VEC_INIT;
	struct pair p = { 7, "seven" };
	struct pair *before;
	(void)state;
	assert_int_equal(CMIG_VEC_RESERVE(&v, 100), 0);
	assert_int_equal(v.cap, 128);
	assert_int_equal(v.n, 0);
	before = v.items;
	assert_int_equal(CMIG_VEC_RESERVE(&v, 50), 0);   /* room: nothing moves or shrinks */
	assert_ptr_equal(v.items, before);
	assert_int_equal(v.cap, 128);
	assert_int_equal(CMIG_VEC_PUSH(&v, p), 0);
	p.a = 8;
	strcpy(p.name, "changed");
	assert_int_equal(v.items[0].a, 7);
	assert_string_equal(v.items[0].name, "seven");
	free(v.items);
}

static void test_vec_absurd_sizes_fail_cleanly(void **state)
{
	CMIG_VEC(struct pair) v = CMIG_VEC_INIT;
	CMIG_VEC(char) c = CMIG_VEC_INIT;
	struct pair *before;
	size_t max = (size_t)PTRDIFF_MAX / sizeof(struct pair);
	(void)state;
	assert_int_equal(CMIG_VEC_PUSH(&v, ((struct pair){ 1, "one" })), 0);
	before = v.items;
	/* one item more than PTRDIFF_MAX bytes can hold; and a count whose bytes wrap round */
	assert_int_equal(CMIG_VEC_RESERVE(&v, max + 1), CMIG_ENOMEM);
	assert_int_equal(CMIG_VEC_RESERVE(&v, SIZE_MAX / 2 + 2), CMIG_ENOMEM);
	assert_int_equal(CMIG_VEC_RESERVE(&v, SIZE_MAX), CMIG_ENOMEM);
	assert_ptr_equal(v.items, before);
	assert_int_equal(v.cap, 8);
	assert_int_equal(v.n, 1);
	assert_string_equal(v.items[0].name, "one");
	/* a push onto an array whose count cannot grow fails, leaving it as it was */
	c.cap = c.n = (size_t)PTRDIFF_MAX;
	assert_int_equal(CMIG_VEC_PUSH(&c, 'x'), CMIG_ENOMEM);
	assert_null(c.items);
	assert_int_equal(c.n, (size_t)PTRDIFF_MAX);
	free(v.items);
}

static void test_vec_next_cap(void **state)
{
	(void)state;
	assert_int_equal(cmig_vec_next_cap_(0, 1, 4), 8);
	assert_int_equal(cmig_vec_next_cap_(8, 9, 4), 16);
	assert_int_equal(cmig_vec_next_cap_(8, 1000, 1), 1024);
	/* doubling would pass the limit: the limit itself, not a wrapped-round 0 */
	assert_int_equal(cmig_vec_next_cap_((size_t)1 << 62, ((size_t)1 << 62) + 1, 1),
	                 (size_t)PTRDIFF_MAX);
	assert_int_equal(cmig_vec_next_cap_(((size_t)PTRDIFF_MAX / 16) - 3,
	                                    ((size_t)PTRDIFF_MAX / 16) - 1, 16),
	                 (size_t)PTRDIFF_MAX / 16);
	/* the old loop never ended here: 2^63 doubled is 0 */
	assert_int_equal(cmig_vec_next_cap_((size_t)1 << 63, ((size_t)1 << 63) + 1, 1), 0);
	assert_int_equal(cmig_vec_next_cap_(8, SIZE_MAX, 1), 0);
	assert_int_equal(cmig_vec_next_cap_(8, SIZE_MAX / 3, 4), 0);   /* need * elem wraps */
	assert_int_equal(cmig_vec_next_cap_(8, 9, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vec_push_keeps_order),
		cmocka_unit_test(test_vec_reserve),
		cmocka_unit_test(test_vec_absurd_sizes_fail_cleanly),
		cmocka_unit_test(test_vec_next_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
