/*
 * test_diff_match.c - schema/diff_match.c: pairing by definition prefers an equal name (a
 * second object with an existing one's definition is the new one: t640 seed 142), then pairs
 * what is left by definition alone in list order; NULL keys never pair; the name index folds
 * case only when asked, keeps the first position and tells a NULL schema from "".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "diff_match.h"

#define NONE ((size_t)-1)

struct names {
	const char *const *a, *const *b;
};

static bool same_name_ok(void *ctx, size_t ia, size_t ib, bool by_name)
{
	const struct names *n = ctx;
	return !by_name || strcmp(n->a[ia], n->b[ib]) == 0;
}

static void test_equal_name_wins(void **state)
{
	/* before: posts_tags_tag_id_idx (tag_id); declared: ix (tag_id) and the same one */
	char *ka[] = { "t|0|tag_id" }, *kb[] = { "t|0|tag_id", "t|0|tag_id" };
	const char *na[] = { "posts_tags_tag_id_idx" }, *nb[] = { "ix", "posts_tags_tag_id_idx" };
	struct names n = { na, nb };
	size_t to[2];
	(void)state;
	assert_int_equal(cmig_match_by_key(to, ka, 1, kb, 2, same_name_ok, &n), 0);
	assert_true(to[0] == NONE);    /* ix is new */
	assert_int_equal(to[1], 0);    /* the existing one is itself */
}

static void test_then_by_definition_in_order(void **state)
{
	/* x, y before; y, z declared, one definition: y stays y, z takes x (a rename) */
	char *ka[] = { "K", "K", "L" }, *kb[] = { "K", "K", "M", NULL };
	const char *na[] = { "x", "y", "l" }, *nb[] = { "y", "z", "m", "n" };
	struct names n = { na, nb };
	size_t to[4];
	(void)state;
	assert_int_equal(cmig_match_by_key(to, ka, 3, kb, 4, same_name_ok, &n), 0);
	assert_int_equal(to[0], 1);
	assert_int_equal(to[1], 0);
	assert_true(to[2] == NONE);    /* another definition */
	assert_true(to[3] == NONE);    /* a NULL key never pairs */
	/* names differ everywhere: pairs by definition, each b the first free a */
	const char *nb2[] = { "p", "q", "r", "s" };
	struct names n2 = { na, nb2 };
	assert_int_equal(cmig_match_by_key(to, ka, 3, kb, 4, same_name_ok, &n2), 0);
	assert_int_equal(to[0], 0);
	assert_int_equal(to[1], 1);
}

static bool refuse_all(void *ctx, size_t ia, size_t ib, bool by_name)
{
	(void)ctx, (void)ia, (void)ib, (void)by_name;
	return false;
}

static void test_ok_can_refuse_and_many(void **state)
{
	enum { N = 5000 };
	char **ka = calloc(N, sizeof(char *)), **kb = calloc(N, sizeof(char *));
	const char **na = calloc(N, sizeof(char *)), **nb = calloc(N, sizeof(char *));
	size_t *to = calloc(N, sizeof(size_t));
	(void)state;
	assert_non_null(to);
	for (size_t i = 0; i < N; i++) {
		ka[i] = malloc(16);
		kb[i] = malloc(16);
		snprintf(ka[i], 16, "k%zu", i);
		snprintf(kb[i], 16, "k%zu", N - 1 - i);
		na[i] = nb[i] = "same";
	}
	struct names n = { na, nb };
	assert_int_equal(cmig_match_by_key(to, ka, N, kb, N, same_name_ok, &n), 0);
	for (size_t i = 0; i < N; i++)
		assert_int_equal(to[i], N - 1 - i);
	assert_int_equal(cmig_match_by_key(to, ka, N, kb, N, refuse_all, NULL), 0);
	for (size_t i = 0; i < N; i++)
		assert_true(to[i] == NONE);
	for (size_t i = 0; i < N; i++) {
		free(ka[i]);
		free(kb[i]);
	}
	free(ka);
	free(kb);
	free(na);
	free(nb);
	free(to);
}

static void test_nameidx(void **state)
{
	struct cmig_nameidx ci = { CMIG_STRMAP_INIT, CMIG_ARENA_INIT, true };
	struct cmig_nameidx cs = { CMIG_STRMAP_INIT, CMIG_ARENA_INIT, false };
	(void)state;
	assert_int_equal(cmig_nameidx_find(&ci, NULL, NULL, "users"), -1); /* empty */
	assert_int_equal(cmig_nameidx_add(&ci, NULL, NULL, "Users", 3), 0);
	assert_int_equal(cmig_nameidx_add(&ci, NULL, NULL, "USERS", 7), 0);
	assert_int_equal(cmig_nameidx_find(&ci, NULL, NULL, "users"), 3); /* folded, first kept */
	assert_int_equal(cmig_nameidx_find(&ci, "", NULL, "users"), -1);  /* NULL schema != "" */
	assert_int_equal(cmig_nameidx_add(&ci, "main", "t", "trg", 0), 0);
	assert_int_equal(cmig_nameidx_find(&ci, "main", "T", "TRG"), 0);
	assert_int_equal(cmig_nameidx_find(&ci, "main", NULL, "trg"), -1);
	assert_int_equal(cmig_nameidx_add(&cs, "public", NULL, "Users", 1), 0);
	assert_int_equal(cmig_nameidx_find(&cs, "public", NULL, "users"), -1); /* case kept */
	assert_int_equal(cmig_nameidx_find(&cs, "public", NULL, "Users"), 1);
	cmig_nameidx_release(&ci);
	cmig_nameidx_release(&cs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_equal_name_wins),
		cmocka_unit_test(test_then_by_definition_in_order),
		cmocka_unit_test(test_ok_can_refuse_and_many),
		cmocka_unit_test(test_nameidx),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
