/*
 * test_alter.c - batch/alter.c: the ALTER TABLE parser (SPEC §6).
 *
 * Data-driven (tests/data/alter/NNN-name.sql → NNN-name.expected): each .sql holds one
 * statement, split by model/sqlsplit as a migration's would be; .expected is the canonical
 * description (cmig_alter_describe) or "error: LINE: MESSAGE". Expected files are written by
 * hand from SPEC §6 and PostgreSQL's ALTER TABLE grammar.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "alter.h"
#include "buf.h"
#include "fs.h"
#include "sqlsplit.h"

#include "datacase.h"

/* A case holds one statement, split as a migration's would be. */
static void alter_case(struct datacase *c, void *payload)
{
	cmig_diags d = CMIG_DIAGS_INIT;
	cmig_stmt_vec v = CMIG_VEC_INIT;
	struct cmig_alter a;
	(void)payload;
	assert_int_equal(cmig_sqlsplit(&v, c->text, 0, c->len, 1), 0);
	assert_int_equal(v.n, 1);
	if (cmig_alter_parse(&a, c->text, v.items[0].start, v.items[0].end, "f.sql",
	                     v.items[0].line, &d) == 0) {
		cmig_alter_describe(&c->got, &a);
		cmig_alter_release(&a);
	} else {
		const cmig_diag *e = cmig_diags_last_error(&d);
		assert_non_null(e);
		cmig_buf_printf(&c->got, "error: %u: %s\n", e->line, e->message);
	}
	free(v.items);
	cmig_diags_release(&d);
}

/* SPEC §6: every listed form parses, over the shared tokenizer */
static void test_alter_data_cases(void **state)
{
	(void)state;
	assert_true(datacase_run(CMIG_TEST_DATA "/alter", ".sql", alter_case, NULL) >= 30);
}

/* SPEC §6: RENAME TABLE and RENAME COLUMN always run natively */
static void test_alter_is_rename(void **state)
{
	static const char *yes[] = { "ALTER TABLE a RENAME TO b", "alter table a rename column x to y",
	                             "ALTER TABLE a RENAME x TO y" };
	static const char *no[] = { "ALTER TABLE a ADD COLUMN x int", "ALTER TABLE a DROP x" };
	cmig_diags d = CMIG_DIAGS_INIT;
	struct cmig_alter a;
	(void)state;
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(cmig_alter_parse(&a, yes[i], 0, strlen(yes[i]), NULL, 1, &d), 0);
		assert_true(cmig_alter_is_rename(&a));
		cmig_alter_release(&a);
	}
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(cmig_alter_parse(&a, no[i], 0, strlen(no[i]), NULL, 1, &d), 0);
		assert_false(cmig_alter_is_rename(&a));
		cmig_alter_release(&a);
	}
	assert_int_equal(d.errors, 0);
	cmig_diags_release(&d);
}

/* Unbalanced or truncated input never crashes and always reports */
static void test_alter_garbage_reports(void **state)
{
	static const char *bad[] = { "ALTER", "ALTER TABLE", "ALTER TABLE t", "ALTER TABLE t ADD",
	                             "ALTER TABLE t ADD CONSTRAINT", "ALTER TABLE t ALTER c SET",
	                             "ALTER TABLE t ADD c int)", "ALTER TABLE t ADD CONSTRAINT x y",
	                             "ALTER TABLE t DROP CONSTRAINT", "ALTER TABLE t RENAME c",
	                             "ALTER TABLE t.", "ALTER TABLE t ADD c int,", "UPDATE t SET a=1",
	                             "ALTER TABLE t ALTER c TYPE int USING" };
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cmig_diags d = CMIG_DIAGS_INIT;
		struct cmig_alter a;
		assert_int_not_equal(cmig_alter_parse(&a, bad[i], 0, strlen(bad[i]), "x.sql", 4, &d), 0);
		assert_int_equal(d.errors, 1);
		assert_int_equal(d.items[0].line, 4);
		assert_null(a.table);
		cmig_diags_release(&d);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alter_data_cases),
		cmocka_unit_test(test_alter_is_rename),
		cmocka_unit_test(test_alter_garbage_reports),
	};
	return cmocka_run_group_tests_name("alter", tests, NULL, NULL);
}
