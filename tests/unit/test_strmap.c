/*
 * test_strmap.c - util/strmap.c: keys compared by length and bytes (not NUL), first insert
 * wins, lookups of absent keys, and growth: every one of many keys is still found after the
 * table has been rehashed several times, or after one reserve and no rehash.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "strmap.h"

static void test_strmap_put_get_existing(void **state)
{
	cmig_strmap m = CMIG_STRMAP_INIT;
	int one = 1, two = 2;
	void *old = NULL;
	(void)state;
	assert_null(cmig_strmap_get(&m, "a", 1));           /* empty map */
	assert_int_equal(cmig_strmap_put(&m, "abc", 3, &one, NULL), 0);
	assert_ptr_equal(cmig_strmap_get(&m, "abc", 3), &one);
	assert_int_equal(cmig_strmap_put(&m, "abc", 3, &two, &old), 1);
	assert_ptr_equal(old, &one);
	assert_ptr_equal(cmig_strmap_get(&m, "abc", 3), &one); /* the first value stays */
	assert_int_equal(m.n, 1);
	/* the length is part of the key: a prefix is another key */
	assert_null(cmig_strmap_get(&m, "abcd", 2));
	assert_ptr_equal(cmig_strmap_get(&m, "abcd", 3), &one);
	assert_int_equal(cmig_strmap_put(&m, "abcd", 2, &two, NULL), 0);
	assert_ptr_equal(cmig_strmap_get(&m, "ab", 2), &two);
	assert_int_equal(m.n, 2);
	cmig_strmap_release(&m);
	assert_null(cmig_strmap_get(&m, "abc", 3));
}

static void test_strmap_grows_and_keeps_every_key(void **state)
{
	enum { N = 20000 };
	cmig_strmap m = CMIG_STRMAP_INIT;
	char (*keys)[16] = malloc(N * sizeof(*keys));
	(void)state;
	assert_non_null(keys);
	for (size_t i = 0; i < N; i++) {
		int len = snprintf(keys[i], sizeof(keys[i]), "rev%zx", i * 7919);
		assert_int_equal(cmig_strmap_put(&m, keys[i], (size_t)len, keys[i], NULL), 0);
	}
	assert_int_equal(m.n, N);
	assert_true(m.cap > N);
	for (size_t i = 0; i < N; i++)
		assert_ptr_equal(cmig_strmap_get(&m, keys[i], strlen(keys[i])), keys[i]);
	assert_null(cmig_strmap_get(&m, "rev", 3));
	assert_null(cmig_strmap_get(&m, "nope", 4));
	cmig_strmap_release(&m);
	free(keys);
}

/* reserve sizes the table once: n puts then never rehash (the chain of 100,000 revisions
 * never holds an old and a new table at once), and a smaller reserve changes nothing */
static void test_strmap_reserve_then_no_growth(void **state)
{
	enum { N = 5000 };
	cmig_strmap m = CMIG_STRMAP_INIT;
	char (*keys)[16] = malloc(N * sizeof(*keys));
	cmig_strmap_slot *slots;
	size_t cap;
	(void)state;
	assert_non_null(keys);
	assert_int_equal(cmig_strmap_reserve(&m, N), 0);
	slots = m.slots;
	cap = m.cap;
	assert_true(cap >= 2 * (N + 1));
	assert_true(cap < 4 * (N + 1));
	for (size_t i = 0; i < N; i++) {
		int len = snprintf(keys[i], sizeof(keys[i]), "k%zu", i);
		assert_int_equal(cmig_strmap_put(&m, keys[i], (size_t)len, keys[i], NULL), 0);
	}
	assert_ptr_equal(m.slots, slots);
	assert_int_equal(m.cap, cap);
	assert_int_equal(cmig_strmap_reserve(&m, 10), 0);
	assert_ptr_equal(m.slots, slots);
	for (size_t i = 0; i < N; i++)
		assert_ptr_equal(cmig_strmap_get(&m, keys[i], strlen(keys[i])), keys[i]);
	cmig_strmap_release(&m);
	free(keys);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strmap_put_get_existing),
		cmocka_unit_test(test_strmap_grows_and_keeps_every_key),
		cmocka_unit_test(test_strmap_reserve_then_no_growth),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
