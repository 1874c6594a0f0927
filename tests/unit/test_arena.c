/*
 * test_arena.c - util/arena.c: copies are NUL-terminated and independent of their source,
 * earlier pointers stay valid as chunks are added (small strings and one larger than a chunk),
 * strdup(NULL) is NULL, and release leaves a reusable, empty arena.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arena.h"

static void test_arena_pointers_stay_valid(void **state)
{
	enum { N = 2000 };
	cmig_arena a = CMIG_ARENA_INIT;
	char *copies[N], src[32], *big, *bigsrc;
	(void)state;
	for (int i = 0; i < N; i++) {
		snprintf(src, sizeof(src), "rev_%d", i);
		copies[i] = cmig_arena_strdup(&a, src);
		assert_non_null(copies[i]);
		memset(src, 'X', sizeof(src));         /* the copy does not depend on its source */
	}
	bigsrc = malloc(5000);
	assert_non_null(bigsrc);
	memset(bigsrc, 'b', 5000);
	big = cmig_arena_strndup(&a, bigsrc, 4999);  /* larger than a chunk: a chunk of its own */
	assert_non_null(big);
	assert_int_equal(strlen(big), 4999);
	for (int i = 0; i < N; i++) {
		snprintf(src, sizeof(src), "rev_%d", i);
		assert_string_equal(copies[i], src);
	}
	assert_string_equal(cmig_arena_strndup(&a, "abcdef", 3), "abc");
	assert_string_equal(cmig_arena_strndup(&a, NULL, 0), "");
	assert_null(cmig_arena_strdup(&a, NULL));
	free(bigsrc);
	cmig_arena_release(&a);
	assert_null(a.head);
	assert_string_equal(cmig_arena_strdup(&a, "again"), "again");   /* reusable */
	cmig_arena_release(&a);
	cmig_arena_release(&a);                                         /* twice is harmless */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arena_pointers_stay_valid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
