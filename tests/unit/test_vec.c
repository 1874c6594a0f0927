/*
 * test_vec.c - util/vec.h: PUSH evaluates to 0 and keeps every item in order as the array
 * grows (capacity from 8, doubling), RESERVE never shrinks and is a no-op when there is room,
 * and items of any size (a struct) are copied whole.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vec.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vec_push_keeps_order),
		cmocka_unit_test(test_vec_reserve),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
