/*
 * test_buf.c - util/buf.c: growth, the ceiling, quoting, and the sticky error (issue 11): after
 * one failed append every later append is a no-op returning the first failure, detach gives
 * NULL rather than a truncated text, and clear/release start afresh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"
#include "cmig/cmig.h"

static void test_buf_appends_grow_and_stay_terminated(void **state)
{
	cmig_buf b = CMIG_BUF_INIT;
	(void)state;
	assert_string_equal(b.ptr, "");
	for (int i = 0; i < 1000; i++)
		assert_int_equal(cmig_buf_printf(&b, "%d,", i % 10), CMIG_OK);
	assert_int_equal(b.len, 2000);
	assert_int_equal(b.ptr[b.len], '\0');
	assert_int_equal(cmig_buf_error(&b), CMIG_OK);
	cmig_buf_truncate(&b, 3);
	assert_string_equal(b.ptr, "0,1");
	cmig_buf_release(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.ptr, "");
}

static void test_buf_add_quoted_doubles_the_quote(void **state)
{
	cmig_buf b = CMIG_BUF_INIT;
	char *s;
	(void)state;
	assert_int_equal(cmig_buf_add_quoted(&b, "it's \"x\"", '\''), CMIG_OK);
	s = cmig_buf_detach(&b);
	assert_string_equal(s, "it''s \"x\"");
	free(s);
	s = cmig_buf_detach(&b);     /* an empty buffer detaches to "" */
	assert_string_equal(s, "");
	free(s);
}

static void test_buf_failure_is_sticky_until_clear(void **state)
{
	cmig_buf b;
	(void)state;
	cmig_buf_init(&b, 8);
	assert_int_equal(cmig_buf_puts(&b, "12345"), CMIG_OK);
	assert_int_equal(cmig_buf_puts(&b, "6789"), CMIG_ERROR);   /* past the ceiling */
	assert_string_equal(b.ptr, "12345");                      /* unchanged */
	assert_int_equal(cmig_buf_putc(&b, 'x'), CMIG_ERROR);      /* would fit: still refused */
	assert_int_equal(cmig_buf_printf(&b, "%s", "y"), CMIG_ERROR);
	assert_int_equal(cmig_buf_add_quoted(&b, "z", '\''), CMIG_ERROR);
	assert_string_equal(b.ptr, "12345");
	assert_int_equal(cmig_buf_error(&b), CMIG_ERROR);
	cmig_buf_clear(&b);
	assert_int_equal(cmig_buf_error(&b), CMIG_OK);
	assert_int_equal(cmig_buf_puts(&b, "ok"), CMIG_OK);
	assert_string_equal(b.ptr, "ok");
	cmig_buf_release(&b);
}

/* printf writes in one pass into the room already there, and measures, grows and writes when
 * the text does not fit: both give the same string, and a text past the ceiling (whose first
 * pass wrote into the room) leaves the string as it was. */
static void test_buf_printf_in_place_and_after_growing(void **state)
{
	cmig_buf b = CMIG_BUF_INIT;
	char big[200];
	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(cmig_buf_puts(&b, "a"), CMIG_OK);  /* 64 bytes of room now */
	assert_int_equal(cmig_buf_printf(&b, "%s=%d", "k", 7), CMIG_OK);
	assert_string_equal(b.ptr, "ak=7");
	assert_int_equal(cmig_buf_printf(&b, "[%s]", big), CMIG_OK);  /* past the room */
	assert_int_equal(b.len, 4 + 2 + 199);
	assert_int_equal(b.ptr[4], '[');
	assert_int_equal(b.ptr[b.len - 1], ']');
	assert_int_equal(b.ptr[b.len], '\0');
	cmig_buf_release(&b);

	cmig_buf_init(&b, 6);
	assert_int_equal(cmig_buf_puts(&b, "abc"), CMIG_OK);        /* room for the ceiling */
	assert_int_equal(cmig_buf_printf(&b, "%s", "defg"), CMIG_ERROR);
	assert_string_equal(b.ptr, "abc");
	assert_int_equal(b.len, 3);
	cmig_buf_release(&b);
}

static void test_buf_detach_after_a_failure_is_null(void **state)
{
	cmig_buf b;
	(void)state;
	cmig_buf_init(&b, 4);
	assert_int_equal(cmig_buf_puts(&b, "abc"), CMIG_OK);
	assert_int_not_equal(cmig_buf_puts(&b, "defg"), CMIG_OK);
	assert_null(cmig_buf_detach(&b));                          /* never a truncated "abc" */
	assert_int_equal(cmig_buf_error(&b), CMIG_OK);             /* released and reset */
	assert_int_equal(b.len, 0);
	assert_int_equal(cmig_buf_puts(&b, "ab"), CMIG_OK);
	cmig_buf_release(&b);
}

static void test_buf_strdup_and_asprintf(void **state)
{
	char *s = cmig_strndup("abcdef", 3), *t = cmig_asprintf("%s-%d", "x", 42);
	(void)state;
	assert_string_equal(s, "abc");
	assert_string_equal(t, "x-42");
	assert_null(cmig_strdup(NULL));
	free(s);
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_appends_grow_and_stay_terminated),
		cmocka_unit_test(test_buf_add_quoted_doubles_the_quote),
		cmocka_unit_test(test_buf_failure_is_sticky_until_clear),
		cmocka_unit_test(test_buf_detach_after_a_failure_is_null),
		cmocka_unit_test(test_buf_strdup_and_asprintf),
		cmocka_unit_test(test_buf_printf_in_place_and_after_growing),
	};
	return cmocka_run_group_tests_name("buf", tests, NULL, NULL);
}
