/*
 * test_diag.c - util/diag.h: a list owns copies of every string it is given, counts errors
 * and warnings (a warning counts and is delivered as an error under strict), hands each record
 * to its callback as it is added and keeps it unless told not to, and every reporter returns
 * the code it was given, so `return cmig_diag_error(d, ...)` passes the status up.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "diag.h"

struct seen {
	size_t n;
	cmig_severity last_sev;
	char last_msg[128];
};

static void on_diag(const cmig_diag *d, void *payload)
{
	struct seen *s = payload;
	s->n++;
	s->last_sev = d->severity;
	snprintf(s->last_msg, sizeof(s->last_msg), "%s", d->message);
}

static void test_diag_push_copies_strings(void **state)
{
	cmig_diags d = CMIG_DIAGS_INIT;
	char path[] = "versions/a.sql", msg[] = "bad thing", kind[] = "parse";
	cmig_diag rec = { 0 };
	(void)state;
	rec.severity = CMIG_DIAG_ERROR;
	rec.code = CMIG_ECHAIN;
	rec.path = path;
	rec.line = 7;
	rec.message = msg;
	rec.kind = kind;
	assert_int_equal(cmig_diags_push(&d, &rec), CMIG_ECHAIN);
	path[0] = msg[0] = kind[0] = 'X';   /* the list's copies do not change */
	assert_int_equal(d.n, 1);
	assert_int_equal(d.errors, 1);
	assert_string_equal(d.items[0].path, "versions/a.sql");
	assert_string_equal(d.items[0].message, "bad thing");
	assert_string_equal(d.items[0].kind, "parse");
	assert_int_equal(d.items[0].line, 7);
	assert_null(d.items[0].detail);
	assert_null(d.items[0].hint);
	/* a record without a message is kept with an empty one */
	rec.message = NULL;
	rec.path = NULL;
	rec.kind = NULL;
	rec.severity = CMIG_DIAG_WARNING;
	assert_int_equal(cmig_diags_push(&d, &rec), CMIG_ECHAIN);
	assert_string_equal(d.items[1].message, "");
	assert_null(d.items[1].path);
	assert_int_equal(d.warnings, 1);
	cmig_diags_release(&d);
	assert_int_equal(d.n, 0);
	assert_int_equal(d.errors + d.warnings, 0);
	assert_null(d.items);
}

static void test_diag_reporters_return_code_and_format(void **state)
{
	cmig_diags d = CMIG_DIAGS_INIT;
	(void)state;
	assert_int_equal(cmig_diag_error(&d, "f.sql", 3, CMIG_ENOTFOUND, "db-unknown",
	                                 "revision %s at %d", "zz", 42), CMIG_ENOTFOUND);
	assert_int_equal(cmig_diag_warning(&d, NULL, 0, "no-down", "no %s section", "down"), CMIG_OK);
	cmig_diag_note(&d, "f.sql", 1, "a note %c", '!');
	assert_int_equal(cmig_diag_full(&d, CMIG_DIAG_ERROR, CMIG_ESQL, NULL, "g.sql", 2, 5,
	                                "the detail", "the hint", "full %s", "form"), CMIG_ESQL);
	assert_int_equal(d.n, 4);
	assert_int_equal(d.errors, 2);
	assert_int_equal(d.warnings, 1);       /* a note counts as neither */
	assert_string_equal(d.items[0].message, "revision zz at 42");
	assert_string_equal(d.items[0].kind, "db-unknown");
	assert_int_equal(d.items[0].code, CMIG_ENOTFOUND);
	assert_int_equal(d.items[1].severity, CMIG_DIAG_WARNING);
	assert_string_equal(d.items[1].message, "no down section");
	assert_int_equal(d.items[2].severity, CMIG_DIAG_NOTE);
	assert_string_equal(d.items[2].message, "a note !");
	assert_int_equal(d.items[3].column, 5);
	assert_string_equal(d.items[3].detail, "the detail");
	assert_string_equal(d.items[3].hint, "the hint");
	assert_string_equal(d.items[3].message, "full form");
	/* the last error is the newest error record, not the newest record */
	cmig_diag_warning(&d, NULL, 0, NULL, "later warning");
	assert_ptr_equal(cmig_diags_last_error(&d), &d.items[3]);
	cmig_diags_release(&d);
	assert_null(cmig_diags_last_error(&d));
	/* no list: the code still comes back, nothing is recorded anywhere */
	assert_int_equal(cmig_diag_error(NULL, NULL, 0, CMIG_EUSAGE, NULL, "x"), CMIG_EUSAGE);
}

static void test_diag_oom_is_one_record(void **state)
{
	cmig_diags d = CMIG_DIAGS_INIT;
	(void)state;
	assert_int_equal(cmig_diag_oom(&d), CMIG_ENOMEM);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.errors, 1);
	assert_int_equal(d.items[0].code, CMIG_ENOMEM);
	assert_string_equal(d.items[0].message, "out of memory");
	assert_null(d.items[0].path);
	cmig_diags_release(&d);
}

static void test_diag_strict_and_callback(void **state)
{
	cmig_diags d;
	struct seen s = { 0 };
	(void)state;
	cmig_diags_init(&d, on_diag, &s);
	d.strict = true;
	cmig_diag_warning(&d, "a.sql", 1, "no-down", "warned");
	assert_int_equal(s.n, 1);
	assert_int_equal(s.last_sev, CMIG_DIAG_ERROR);   /* delivered as an error */
	assert_string_equal(s.last_msg, "warned");
	assert_int_equal(d.errors, 1);
	assert_int_equal(d.warnings, 0);
	assert_int_equal(d.items[0].severity, CMIG_DIAG_ERROR);
	cmig_diag_note(&d, NULL, 0, "a note");
	assert_int_equal(d.errors, 1);
	assert_int_equal(s.n, 2);
	cmig_diags_release(&d);

	/* keep = false: the callback sees each record, the list keeps none but still counts */
	cmig_diags_init(&d, on_diag, &s);
	d.keep = false;
	for (int i = 0; i < 20; i++)
		cmig_diag_error(&d, NULL, 0, CMIG_ERROR, NULL, "error %d", i);
	assert_int_equal(s.n, 22);
	assert_string_equal(s.last_msg, "error 19");
	assert_int_equal(d.n, 0);
	assert_int_equal(d.errors, 20);
	assert_null(d.items);
	cmig_diags_release(&d);
}

static void test_diag_append_and_growth(void **state)
{
	cmig_diags a = CMIG_DIAGS_INIT, b;
	struct seen s = { 0 };
	(void)state;
	for (int i = 0; i < 1000; i++)
		cmig_diag_error(&a, "x.sql", (unsigned)i + 1, CMIG_ERROR, NULL, "n%d", i);
	assert_int_equal(a.n, 1000);
	cmig_diags_init(&b, on_diag, &s);
	cmig_diags_append(&b, &a);
	assert_int_equal(s.n, 1000);                 /* through b's callback */
	assert_int_equal(b.n, 1000);
	assert_int_equal(b.errors, 1000);
	assert_string_equal(b.items[999].message, "n999");
	assert_int_equal(b.items[999].line, 1000);
	assert_ptr_not_equal(b.items[0].message, a.items[0].message);   /* copies */
	cmig_diags_release(&a);
	assert_string_equal(b.items[0].message, "n0");
	cmig_diags_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diag_push_copies_strings),
		cmocka_unit_test(test_diag_reporters_return_code_and_format),
		cmocka_unit_test(test_diag_oom_is_one_record),
		cmocka_unit_test(test_diag_strict_and_callback),
		cmocka_unit_test(test_diag_append_and_growth),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
