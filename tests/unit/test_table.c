/*
 * test_table.c - batch/table.c: CREATE TABLE text <-> model (SPEC §6: what the user wrote
 * survives a rebuild). Expected texts are written by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "table.h"

static void parse_ok(struct cmig_table *t, const char *sql)
{
	cmig_diags d = CMIG_DIAGS_INIT;
	int rc = cmig_table_parse(t, sql, &d);
	if (rc)
		fail_msg("parse failed: %s", d.n ? d.items[0].message : "?");
	cmig_diags_release(&d);
}

static char *print(const struct cmig_table *t, const char *name)
{
	cmig_buf b = CMIG_BUF_INIT;
	assert_int_equal(cmig_table_print(&b, t, name), 0);
	return cmig_buf_detach(&b);
}

#define ASSERT_PRINTS(t, name, expected) do { \
		char *got_ = print(t, name); \
		assert_string_equal(got_, expected); \
		free(got_); \
	} while (0)

/* An unedited model prints back byte for byte: comments, spacing, case, options */
static void test_table_round_trip(void **state)
{
	static const char *const cases[] = {
		"CREATE TABLE t (a INTEGER PRIMARY KEY AUTOINCREMENT, b TEXT NOT NULL COLLATE NOCASE DEFAULT 'x, y')",
		"CREATE TABLE \"odd \"\"name\"\"\" (\n  -- the key\n  id integer primary key, /* c */ v  numeric(10, 2) CHECK (v > 0)  ,\n  w AS (v * 2) STORED\n)",
		"CREATE TABLE kv (k TEXT, v ANY, PRIMARY KEY (k)) WITHOUT ROWID, STRICT",
		"CREATE TABLE c (id INTEGER PRIMARY KEY, p INT REFERENCES parent(id) ON DELETE SET NULL NOT DEFERRABLE, CONSTRAINT u UNIQUE (p, id) ON CONFLICT REPLACE, FOREIGN KEY (p) REFERENCES parent (id) ON DELETE CASCADE)",
		"CREATE TABLE g (a INT, b INT GENERATED ALWAYS AS (a + 1) VIRTUAL, c DEFAULT -1, d DEFAULT (random()), e NULL)",
		"CREATE TABLE t(a INTEGER PRIMARY KEY ASC ON CONFLICT FAIL, b TEXT CONSTRAINT x DEFAULT 'a' COLLATE nocase NOT NULL ON CONFLICT IGNORE, c REFERENCES p ON UPDATE CASCADE MATCH SIMPLE DEFERRABLE INITIALLY DEFERRED, d AS (a*2), e DOUBLE PRECISION NOT NULL DEFAULT -1.5e3, f UNSIGNED BIG INT DEFAULT (strftime('%s','now')), key TEXT, action, g VARYING CHARACTER(255) CHECK(g<>'') CONSTRAINT fk REFERENCES p(x) ON DELETE SET NULL NOT DEFERRABLE INITIALLY IMMEDIATE NOT NULL, FOREIGN KEY (c) REFERENCES p(x) NOT DEFERRABLE INITIALLY IMMEDIATE)",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cmig_table t;
		parse_ok(&t, cases[i]);
		ASSERT_PRINTS(&t, NULL, cases[i]);
		cmig_table_release(&t);
	}
}

/* The model: columns, types, constraints with their kinds, names and bodies; options */
static void test_table_model(void **state)
{
	struct cmig_table t;
	char *const *pk;
	(void)state;
	parse_ok(&t, "CREATE TABLE \"Posts\" (id INTEGER PRIMARY KEY AUTOINCREMENT, "
	             "title varchar(200) CONSTRAINT title_nn NOT NULL DEFAULT ('untitled') "
	             "CHECK (length(title) < 200), "
	             "body TEXT COLLATE NOCASE, author INT REFERENCES users(id) ON DELETE SET DEFAULT, "
	             "CONSTRAINT uq UNIQUE (title, body), CHECK (id > 0)) STRICT");
	assert_string_equal(t.name, "Posts");
	assert_true(t.name_quoted);
	assert_true(t.strict);
	assert_false(t.without_rowid);
	assert_int_equal(t.ncols, 4);
	assert_string_equal(t.cols[0].type, "INTEGER");
	assert_int_equal(t.cols[0].ncons, 1);
	assert_true(t.cols[0].cons[0].autoincrement);
	assert_int_equal(cmig_table_rowid_alias(&t), 0);
	assert_string_equal(t.cols[1].type, "varchar(200)");
	assert_int_equal(t.cols[1].ncons, 3);
	assert_int_equal(t.cols[1].cons[0].kind, CMIG_CONS_NOT_NULL);
	assert_string_equal(t.cols[1].cons[0].name, "title_nn");
	assert_string_equal(t.cols[1].cons[0].text, "CONSTRAINT title_nn NOT NULL");
	assert_int_equal(t.cols[1].cons[1].kind, CMIG_CONS_DEFAULT);
	assert_string_equal(t.cols[1].cons[1].body, "('untitled')");
	assert_int_equal(t.cols[1].cons[2].kind, CMIG_CONS_CHECK);
	assert_string_equal(t.cols[1].cons[2].body, "length(title) < 200");
	assert_int_equal(t.cols[2].cons[0].kind, CMIG_CONS_COLLATE);
	assert_string_equal(t.cols[2].cons[0].body, "NOCASE");
	assert_int_equal(t.cols[3].ncons, 1);
	assert_int_equal(t.cols[3].cons[0].kind, CMIG_CONS_FOREIGN);
	assert_string_equal(t.cols[3].cons[0].body, "REFERENCES users(id) ON DELETE SET DEFAULT");
	assert_int_equal(t.ntcons, 2);
	assert_int_equal(t.tcons[0].kind, CMIG_CONS_UNIQUE);
	assert_string_equal(t.tcons[0].name, "uq");
	assert_int_equal(t.tcons[0].ncols, 2);
	assert_string_equal(t.tcons[0].cols[1], "body");
	assert_int_equal(t.tcons[1].kind, CMIG_CONS_CHECK);
	assert_int_equal(cmig_table_primary_key(&t, &pk), 1);
	assert_string_equal(pk[0], "id");
	assert_int_equal(cmig_table_column(&t, "TITLE"), 1);
	assert_int_equal(cmig_table_column(&t, "nope"), -1);
	cmig_table_release(&t);
}

/* SQLite's whole column-constraint grammar splits where SQLite splits it */
static void test_table_constraint_grammar(void **state)
{
	struct cmig_table t;
	(void)state;
	parse_ok(&t, "CREATE TABLE t(b TEXT CONSTRAINT x DEFAULT 'a' COLLATE nocase NOT NULL ON CONFLICT IGNORE, "
	             "e DOUBLE PRECISION NOT NULL DEFAULT -1.5e3, "
	             "g VARYING CHARACTER(255) CHECK(g<>'') CONSTRAINT fk REFERENCES p(x) ON DELETE SET NULL "
	             "NOT DEFERRABLE INITIALLY IMMEDIATE NOT NULL, d AS (b || 'x'))");
	assert_int_equal(t.cols[0].ncons, 3);
	assert_string_equal(t.cols[0].cons[0].text, "CONSTRAINT x DEFAULT 'a'");
	assert_string_equal(t.cols[0].cons[2].text, "NOT NULL ON CONFLICT IGNORE");
	assert_string_equal(t.cols[1].type, "DOUBLE PRECISION");
	assert_string_equal(t.cols[1].cons[1].body, "-1.5e3");
	assert_string_equal(t.cols[2].type, "VARYING CHARACTER(255)");
	assert_int_equal(t.cols[2].ncons, 3);
	assert_string_equal(t.cols[2].cons[1].name, "fk");
	assert_string_equal(t.cols[2].cons[1].body,
	                    "REFERENCES p(x) ON DELETE SET NULL NOT DEFERRABLE INITIALLY IMMEDIATE");
	assert_int_equal(t.cols[2].cons[2].kind, CMIG_CONS_NOT_NULL);
	assert_true(cmig_column_generated(&t.cols[3]));
	assert_false(t.cols[3].cons[0].stored);
	cmig_table_release(&t);
}

/* Rowid aliases follow SQLite's rules: INTEGER exactly, not DESC on a column, not WITHOUT ROWID */
static void test_table_rowid_alias(void **state)
{
	static const struct { const char *sql; long alias; } cases[] = {
		{ "CREATE TABLE t (a INT PRIMARY KEY)", -1 },
		{ "CREATE TABLE t (a integer PRIMARY KEY)", 0 },
		{ "CREATE TABLE t (a INTEGER PRIMARY KEY DESC)", -1 },
		{ "CREATE TABLE t (x, a INTEGER, PRIMARY KEY (a DESC))", 1 },
		{ "CREATE TABLE t (a INTEGER PRIMARY KEY, b) WITHOUT ROWID", -1 },
		{ "CREATE TABLE t (a INTEGER, b INTEGER, PRIMARY KEY (a, b))", -1 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cmig_table t;
		parse_ok(&t, cases[i].sql);
		assert_int_equal(cmig_table_rowid_alias(&t), cases[i].alias);
		cmig_table_release(&t);
	}
}

/* Edits touch only what they edit; new elements take the last element's indentation */
static void test_table_edits(void **state)
{
	struct cmig_table t;
	struct cmig_column c;
	struct cmig_cons k;
	cmig_diags d = CMIG_DIAGS_INIT;
	(void)state;
	parse_ok(&t, "CREATE TABLE posts (\n"
	             "    id INTEGER PRIMARY KEY, -- key\n"
	             "    title text   DEFAULT 'x' /* keep */,\n"
	             "    views int\n"
	             ")");
	assert_int_equal(cmig_column_set_type(&t.cols[2], "bigint"), 0);
	assert_int_equal(cmig_column_add(&t.cols[2], "NOT NULL", &d), 0);
	ASSERT_PRINTS(&t, "_new_posts", "CREATE TABLE \"_new_posts\" (\n"
	              "    id INTEGER PRIMARY KEY, -- key\n"
	              "    title text   DEFAULT 'x' /* keep */,\n"
	              "    views bigint NOT NULL\n"
	              ")");
	assert_int_equal(cmig_table_parse_column(&c, "slug text UNIQUE", &d), 0);
	assert_int_equal(cmig_table_add_column(&t, &c), 0);
	assert_int_equal(cmig_table_parse_constraint(&k, "CONSTRAINT c1 CHECK (views >= 0)", &d), 0);
	assert_int_equal(cmig_table_add_constraint(&t, &k), 0);
	assert_int_equal(cmig_column_remove(&t.cols[1], CMIG_CONS_DEFAULT), 1);
	ASSERT_PRINTS(&t, NULL, "CREATE TABLE posts (\n"
	              "    id INTEGER PRIMARY KEY, -- key\n"
	              "    title text /* keep */,\n"
	              "    views bigint NOT NULL,\n"
	              "    slug text UNIQUE,\n"
	              "    CONSTRAINT c1 CHECK (views >= 0)\n"
	              ")");
	cmig_table_drop_constraint(&t, 0);
	cmig_table_drop_column(&t, 3);
	cmig_table_drop_column(&t, 0);
	ASSERT_PRINTS(&t, NULL, "CREATE TABLE posts (\n"
	              "    title text /* keep */,\n"
	              "    views bigint NOT NULL\n"
	              ")");
	assert_int_equal(d.errors, 0);
	cmig_table_release(&t);
	cmig_diags_release(&d);
}

/* A REFERENCES clause names its parent table and, when given, the parent's columns */
static void test_table_references(void **state)
{
	static const struct { const char *body, *table, *cols; int rc; } cases[] = {
		{ "REFERENCES p(id) ON DELETE CASCADE", "p", "id", 0 },
		{ "REFERENCES \"My P\" (a, \"b c\") DEFERRABLE INITIALLY DEFERRED", "My P", "a|b c", 0 },
		{ "REFERENCES main.p", "p", "", 0 },
		{ "REFERENCES", NULL, NULL, CMIG_ERROR },
		{ "CHECK (x)", NULL, NULL, CMIG_ERROR },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *table, **cols;
		size_t n;
		cmig_buf b = CMIG_BUF_INIT;
		assert_int_equal(cmig_table_references(&table, &cols, &n, cases[i].body), cases[i].rc);
		if (cases[i].rc)
			continue;
		assert_string_equal(table, cases[i].table);
		for (size_t k = 0; k < n; k++) {
			cmig_buf_printf(&b, "%s%s", k ? "|" : "", cols[k]);
			free(cols[k]);
		}
		assert_string_equal(b.ptr, cases[i].cols);
		free(cols);
		free(table);
		cmig_buf_release(&b);
	}
}

/* What is not a table definition is an error, never a crash */
static void test_table_rejects(void **state)
{
	static const char *const bad[] = {
		"CREATE VIEW v AS SELECT 1", "CREATE TABLE t", "CREATE TABLE t (", "CREATE TABLE t ()",
		"CREATE TABLE t (a, UNIQUE (a), b)", "CREATE TABLE t (a CHECK)", "", "CREATE TABLE t (a,,b)",
		"CREATE TABLE t (CONSTRAINT)",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct cmig_table t;
		cmig_diags d = CMIG_DIAGS_INIT;
		assert_int_not_equal(cmig_table_parse(&t, bad[i], &d), 0);
		assert_int_equal(d.errors, 1);
		cmig_diags_release(&d);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_round_trip),
		cmocka_unit_test(test_table_model),
		cmocka_unit_test(test_table_constraint_grammar),
		cmocka_unit_test(test_table_rowid_alias),
		cmocka_unit_test(test_table_edits),
		cmocka_unit_test(test_table_references),
		cmocka_unit_test(test_table_rejects),
	};
	return cmocka_run_group_tests_name("table", tests, NULL, NULL);
}
