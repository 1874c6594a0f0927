/* test_sqlsplit.c - the statement splitter (src/model/sqlsplit.c).
 *
 * Data-driven: every tests/data/sqlsplit/NNN-name.sql is split whole (first line 1) and
 * compared with NNN-name.expected, one line per statement:
 *     line<TAB>flags<TAB>text
 * flags in decimal (1 TXN_CONTROL, 2 ALTER_TABLE, 4 PRAGMA_FK, plus 256 times the
 * cmig_no_txn kind: 256 VACUUM … 2304 REINDEX CONCURRENTLY), text with newline, carriage
 * return and backslash shown as \n, \r and \\. The expected files are written by hand from
 * the rules in sqlsplit.h, never captured from this program. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "sqlsplit.h"

#include "datacase.h"

#define DATA_DIR CMIG_TEST_DATA "/sqlsplit"

static void render(cmig_buf *out, const char *text, const cmig_stmt_vec *v)
{
	for (size_t i = 0; i < v->n; i++) {
		const cmig_stmt *s = &v->items[i];
		cmig_buf_printf(out, "%u\t%u\t", s->line, s->flags);
		for (size_t j = s->start; j < s->end; j++) {
			char c = text[j];
			if (c == '\n')
				cmig_buf_puts(out, "\\n");
			else if (c == '\r')
				cmig_buf_puts(out, "\\r");
			else if (c == '\\')
				cmig_buf_puts(out, "\\\\");
			else
				cmig_buf_putc(out, c);
		}
		cmig_buf_putc(out, '\n');
	}
}

static void split_case(struct datacase *c, void *payload)
{
	cmig_stmt_vec v = CMIG_VEC_INIT;
	(void)payload;
	assert_int_equal(cmig_sqlsplit(&v, c->text, 0, c->len, 1), 0);
	render(&c->got, c->text, &v);
	free(v.items);
}

/* SPEC §2/§4: statements, their lines and flags, for every case in tests/data/sqlsplit */
static void test_sqlsplit_data_cases(void **state)
{
	(void)state;
	assert_true(datacase_run(DATA_DIR, ".sql", split_case, NULL) >= 15);
}

/* Offsets are into the whole text and lines count from first_line; out is appended to. */
static void test_sqlsplit_sub_range_and_first_line(void **state)
{
	const char *text = "-- migrate:up\nSELECT 1;\n\n  SELECT 2 ;\n-- migrate:down\nDROP;";
	size_t start = strlen("-- migrate:up\n");
	size_t end = strstr(text, "-- migrate:down") - text;
	cmig_stmt_vec v = CMIG_VEC_INIT;
	cmig_stmt first = { 1, 2, 3, 4 };

	(void)state;
	assert_int_equal(CMIG_VEC_PUSH(&v, first), 0);
	assert_int_equal(cmig_sqlsplit(&v, text, start, end, 2), 0);
	assert_int_equal(v.n, 3);
	assert_int_equal(v.items[0].line, 3);   /* untouched */
	assert_int_equal(v.items[1].start, start);
	assert_int_equal(v.items[1].end, start + strlen("SELECT 1"));
	assert_int_equal(v.items[1].line, 2);
	assert_memory_equal(text + v.items[2].start, "SELECT 2", 8);
	assert_int_equal(v.items[2].end - v.items[2].start, 8);
	assert_int_equal(v.items[2].line, 4);
	free(v.items);
}

/* A section cut off in the middle of a string stays inside the section. */
static void test_sqlsplit_unterminated_stays_in_range(void **state)
{
	const char *text = "SELECT 'x;\nDROP TABLE t;";
	cmig_stmt_vec v = CMIG_VEC_INIT;

	(void)state;
	assert_int_equal(cmig_sqlsplit(&v, text, 0, 10, 7), 0);
	assert_int_equal(v.n, 1);
	assert_int_equal(v.items[0].end, 10);
	assert_int_equal(v.items[0].line, 7);
	free(v.items);
}

static void test_sqlsplit_empty_range(void **state)
{
	cmig_stmt_vec v = CMIG_VEC_INIT;

	(void)state;
	assert_int_equal(cmig_sqlsplit(&v, "SELECT 1;", 3, 3, 1), 0);
	assert_int_equal(v.n, 0);
	assert_int_equal(cmig_sqlsplit(&v, "  \n -- x\n", 0, 9, 1), 0);
	assert_int_equal(v.n, 0);
	free(v.items);
}

/* A trigger body with no END swallows the rest of the section, as the database would. */
static void test_sqlsplit_unclosed_trigger_body(void **state)
{
	const char *text = "CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT 1; SELECT 2;";
	cmig_stmt_vec v = CMIG_VEC_INIT;

	(void)state;
	assert_int_equal(cmig_sqlsplit(&v, text, 0, strlen(text), 1), 0);
	assert_int_equal(v.n, 1);
	assert_int_equal(v.items[0].end, strlen(text));
	free(v.items);
}

/* Many statements over many lines: lines are counted incrementally (linear). */
static void test_sqlsplit_many_statements(void **state)
{
	cmig_buf b = CMIG_BUF_INIT;
	cmig_stmt_vec v = CMIG_VEC_INIT;

	(void)state;
	for (int i = 0; i < 100000; i++)
		assert_int_equal(cmig_buf_printf(&b, "INSERT INTO t VALUES (%d);\n\n", i), 0);
	assert_int_equal(cmig_sqlsplit(&v, b.ptr, 0, b.len, 1), 0);
	assert_int_equal(v.n, 100000);
	assert_int_equal(v.items[99999].line, 2 * 99999 + 1);
	free(v.items);
	cmig_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sqlsplit_data_cases),
		cmocka_unit_test(test_sqlsplit_sub_range_and_first_line),
		cmocka_unit_test(test_sqlsplit_unterminated_stays_in_range),
		cmocka_unit_test(test_sqlsplit_empty_range),
		cmocka_unit_test(test_sqlsplit_unclosed_trigger_body),
		cmocka_unit_test(test_sqlsplit_many_statements),
	};
	return cmocka_run_group_tests_name("sqlsplit", tests, NULL, NULL);
}
