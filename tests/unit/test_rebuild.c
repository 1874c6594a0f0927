/*
 * test_rebuild.c - batch/rebuild.c: the rebuild planner (SPEC §6).
 *
 * Data-driven (tests/data/alter/rebuild/NNN-name.txt): a "-- schema" part run in an in-memory
 * SQLite database (only to fill the schema lookup as sqlite_schema would), an "-- alter" part
 * whose statements form one group on one table, and an "-- expected" part with the plan's
 * statements (cmig_rebuild_plan_print) or "error: MESSAGE". Expected plans are written by hand
 * from lang_altertable.html §7 and SPEC §6.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "alter.h"
#include "buf.h"
#include "fs.h"
#include "rebuild.h"
#include "sqlsplit.h"

#include "datacase.h"

struct schema_rows {
	struct cmig_schema_obj objs[64];
	size_t n;
};

static char *dupcol(sqlite3_stmt *q, int i)
{
	const unsigned char *t = sqlite3_column_text(q, i);
	return t ? cmig_strdup((const char *)t) : NULL;
}

static void load_schema(struct schema_rows *out, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *q;
	char *err = NULL;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("schema: %s", err);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT type, name, tbl_name, sql FROM sqlite_schema "
	                                    "ORDER BY rowid", -1, &q, NULL), SQLITE_OK);
	out->n = 0;
	while (sqlite3_step(q) == SQLITE_ROW && out->n < 64) {
		struct cmig_schema_obj *o = &out->objs[out->n++];
		o->type = dupcol(q, 0);
		o->name = dupcol(q, 1);
		o->tbl_name = dupcol(q, 2);
		o->sql = dupcol(q, 3);
	}
	sqlite3_finalize(q);
	sqlite3_close(db);
}

static void free_schema(struct schema_rows *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free((char *)s->objs[i].type);
		free((char *)s->objs[i].name);
		free((char *)s->objs[i].tbl_name);
		free((char *)s->objs[i].sql);
	}
}

/* Plan `alter_sql` (statements of one group) against the schema; the plan text or error. */
static char *plan_text(const char *schema_sql, const char *alter_sql)
{
	struct schema_rows rows;
	struct cmig_schema s;
	cmig_stmt_vec v = CMIG_VEC_INIT;
	struct cmig_alter a[8];
	const struct cmig_alter *ap[8];
	struct cmig_rebuild_plan p;
	struct cmig_rebuild_where w = { "f.sql", 1 };
	cmig_diags d = CMIG_DIAGS_INIT;
	cmig_buf out = CMIG_BUF_INIT;

	load_schema(&rows, schema_sql);
	s.objs = rows.objs;
	s.n = rows.n;
	assert_int_equal(cmig_sqlsplit(&v, alter_sql, 0, strlen(alter_sql), 1), 0);
	assert_true(v.n >= 1 && v.n <= 8);
	for (size_t i = 0; i < v.n; i++) {
		if (cmig_alter_parse(&a[i], alter_sql, v.items[i].start, v.items[i].end, "f.sql",
		                     v.items[i].line, &d))
			fail_msg("alter: %s", d.items[0].message);
		ap[i] = &a[i];
	}
	if (cmig_rebuild_plan_make(&p, ap, v.n, &s, &w, &d) == 0) {
		cmig_rebuild_plan_print(&out, &p);
		cmig_rebuild_plan_release(&p);
	} else {
		cmig_buf_printf(&out, "error: %s\n", cmig_diags_last_error(&d)->message);
	}
	for (size_t i = 0; i < v.n; i++)
		cmig_alter_release(&a[i]);
	free(v.items);
	free_schema(&rows);
	cmig_diags_release(&d);
	return cmig_buf_detach(&out);
}

static char *part(const char *text, const char *marker, const char *next)
{
	const char *a = strstr(text, marker), *b;
	assert_non_null(a);
	a += strlen(marker);
	if (*a == '\n')
		a++;
	b = next ? strstr(a, next) : a + strlen(a);
	assert_non_null(b);
	return cmig_strndup(a, (size_t)(b - a));
}

/* A case file holds its schema, its ALTER TABLE statements and the plan expected. */
static void rebuild_case(struct datacase *c, void *payload)
{
	char *schema = part(c->text, "-- schema", "-- alter");
	char *alter = part(c->text, "-- alter", "-- expected");
	char *got = plan_text(schema, alter);
	(void)payload;
	free(c->want);
	c->want = part(c->text, "-- expected", NULL);
	assert_int_equal(cmig_buf_puts(&c->got, got), 0);
	free(schema);
	free(alter);
	free(got);
}

/* SPEC §6 forms, planned as lang_altertable.html §7 prescribes */
static void test_rebuild_data_cases(void **state)
{
	(void)state;
	assert_true(datacase_run(CMIG_TEST_DATA "/alter/rebuild", ".txt", rebuild_case, NULL) >= 15);
}

static void parse(struct cmig_alter *a, const char *sql)
{
	cmig_diags d = CMIG_DIAGS_INIT;
	assert_int_equal(cmig_alter_parse(a, sql, 0, strlen(sql), NULL, 1, &d), 0);
	cmig_diags_release(&d);
}

/* SPEC §6: renames run natively; ADD/DROP COLUMN are tried natively; the rest is rebuilt */
static void test_rebuild_decide(void **state)
{
	static const struct { const char *sql; cmig_batch_mode mode; } cases[] = {
		{ "ALTER TABLE t RENAME TO u", CMIG_BATCH_NATIVE },
		{ "ALTER TABLE t RENAME COLUMN a TO b", CMIG_BATCH_NATIVE },
		{ "ALTER TABLE t ADD COLUMN c INT", CMIG_BATCH_TRY_NATIVE },
		{ "ALTER TABLE t DROP COLUMN c", CMIG_BATCH_TRY_NATIVE },
		{ "ALTER TABLE t ADD c INT, DROP d", CMIG_BATCH_TRY_NATIVE },
		{ "ALTER TABLE t ADD c INT, ALTER d SET NOT NULL", CMIG_BATCH_REBUILD },
		{ "ALTER TABLE t ALTER c TYPE text", CMIG_BATCH_REBUILD },
		{ "ALTER TABLE t ADD UNIQUE (c)", CMIG_BATCH_REBUILD },
		{ "ALTER TABLE t DROP CONSTRAINT x", CMIG_BATCH_REBUILD },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cmig_alter a;
		const struct cmig_alter *ap = &a;
		parse(&a, cases[i].sql);
		assert_int_equal(cmig_rebuild_decide(&ap, 1), cases[i].mode);
		cmig_alter_release(&a);
	}
}

/* The native spelling is SQLite's, and IF [NOT] EXISTS is decided against the schema */
static void test_rebuild_native_spelling(void **state)
{
	static const struct { const char *sql, *expected; } cases[] = {
		{ "ALTER TABLE ONLY public.t RENAME TO \"u v\"", "ALTER TABLE \"t\" RENAME TO \"u v\";\n" },
		{ "ALTER TABLE t RENAME a TO b", "ALTER TABLE \"t\" RENAME COLUMN \"a\" TO \"b\";\n" },
		{ "ALTER TABLE t ADD c INT DEFAULT 1, DROP COLUMN IF EXISTS a CASCADE",
		  "ALTER TABLE \"t\" ADD COLUMN c INT DEFAULT 1;\nALTER TABLE \"t\" DROP COLUMN \"a\";\n" },
		{ "ALTER TABLE t ADD COLUMN IF NOT EXISTS a INT", "" },
		{ "ALTER TABLE t DROP IF EXISTS zz", "" },
		{ "ALTER TABLE IF EXISTS nosuch ADD c INT", "" },
	};
	struct schema_rows rows;
	struct cmig_schema s;
	(void)state;
	load_schema(&rows, "CREATE TABLE t (a INT, b INT)");
	s.objs = rows.objs;
	s.n = rows.n;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cmig_alter a;
		cmig_buf out = CMIG_BUF_INIT;
		cmig_diags d = CMIG_DIAGS_INIT;
		parse(&a, cases[i].sql);
		assert_int_equal(cmig_rebuild_native(&out, &a, &s, NULL, &d), 0);
		assert_string_equal(out.ptr, cases[i].expected);
		cmig_buf_release(&out);
		cmig_alter_release(&a);
		cmig_diags_release(&d);
	}
	free_schema(&rows);
}

/* Probes name the constraint the copy would break: NOT NULL, UNIQUE, CHECK */
static void test_rebuild_probes(void **state)
{
	struct schema_rows rows;
	struct cmig_schema s;
	struct cmig_alter a;
	const struct cmig_alter *ap = &a;
	struct cmig_rebuild_plan p;
	cmig_diags d = CMIG_DIAGS_INIT;
	(void)state;
	load_schema(&rows, "CREATE TABLE t (a INT, b TEXT)");
	s.objs = rows.objs;
	s.n = rows.n;
	parse(&a, "ALTER TABLE t ALTER a SET NOT NULL, ADD UNIQUE (b), ADD CHECK (a > 0)");
	assert_int_equal(cmig_rebuild_plan_make(&p, &ap, 1, &s, NULL, &d), 0);
	assert_int_equal(p.nprobes, 3);
	assert_string_equal(p.probes[0].message, "table \"t\": existing rows violate NOT NULL on column \"a\"");
	assert_string_equal(p.probes[1].message, "table \"t\": existing rows violate UNIQUE constraint "
	                    "\"t_b_key\" (duplicate values)");
	assert_string_equal(p.probes[2].message, "table \"t\": existing rows violate CHECK constraint "
	                    "\"t_a_check\"");
	assert_string_equal(p.identity, "rowid");
	cmig_rebuild_plan_release(&p);
	cmig_alter_release(&a);
	cmig_diags_release(&d);
	free_schema(&rows);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rebuild_data_cases),
		cmocka_unit_test(test_rebuild_decide),
		cmocka_unit_test(test_rebuild_native_spelling),
		cmocka_unit_test(test_rebuild_probes),
	};
	return cmocka_run_group_tests_name("rebuild", tests, NULL, NULL);
}
