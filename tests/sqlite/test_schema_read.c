/*
 * test_schema_read.c - the SQLite schema reader (backend/sqlite_schema.c) on a real file:
 * every field copy (SPEC §9) and dump (SPEC §8) rely on, and what must be left out (cmig's
 * tables, sqlite_sequence, a virtual table's shadow tables, autoindexes).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "backend.h"
#include "schema.h"

#include "schemaread.h"

#ifndef CMIG_SOURCE_DIR
#define CMIG_SOURCE_DIR "."
#endif

static char path[256];

static const char *setup_sql =
	"CREATE TABLE parent (id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"  name TEXT NOT NULL COLLATE NOCASE UNIQUE, price REAL DEFAULT 1.5, note);\n"
	"CREATE TABLE child (id int PRIMARY KEY,\n"
	"  parent_id INTEGER CONSTRAINT fk_parent REFERENCES parent ON DELETE CASCADE\n"
	"    DEFERRABLE INITIALLY DEFERRED,\n"
	"  qty INTEGER CONSTRAINT qty_pos CHECK (qty > 0),\n"
	"  total INTEGER GENERATED ALWAYS AS (qty * 2) STORED,\n"
	"  CONSTRAINT uq UNIQUE (parent_id, qty),\n"
	"  FOREIGN KEY (qty) REFERENCES parent (id) ON UPDATE SET NULL);\n"
	"CREATE INDEX child_qty ON child (qty) WHERE qty > 10;\n"
	"CREATE UNIQUE INDEX child_expr ON child (lower(parent_id), qty DESC);\n"
	"CREATE VIEW v AS SELECT * FROM parent;\n"
	"CREATE TRIGGER trg AFTER INSERT ON parent BEGIN SELECT 1; END;\n"
	"CREATE VIRTUAL TABLE ft USING fts5(body);\n"
	"CREATE TABLE cmig_version (version_num TEXT);\n"
	"CREATE TABLE s (a TEXT, b ANY) STRICT;\n"
	"INSERT INTO parent (name) VALUES ('x');\n";

static struct cmig_schema *read_schema(void)
{
	char u[300];
	snprintf(u, sizeof(u), "sqlite:///%s", path);
	return schemaread(&cmig_backend_sqlite, u);
}

static int setup(void **state)
{
	sqlite3 *db;
	(void)state;
	snprintf(path, sizeof(path), "/tmp/cmig_test_schema_%d.db", (int)getpid());
	unlink(path);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		return -1;
	if (sqlite3_exec(db, setup_sql, NULL, NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "setup: %s\n", sqlite3_errmsg(db));
		sqlite3_close(db);
		return -1;
	}
	sqlite3_close(db);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	return 0;
}

static const struct cmig_sch_constraint *cons(const struct cmig_sch_table *t, char kind,
                                              const char *name)
{
	for (size_t i = 0; i < t->constraints.n; i++) {
		const struct cmig_sch_constraint *c = &t->constraints.items[i];
		if ((char)c->kind == kind &&
		    ((!name && !c->name) || (name && c->name && strcmp(name, c->name) == 0)))
			return c;
	}
	return NULL;
}

static void test_schema_read_tables_and_exclusions(void **state)
{
	struct cmig_schema *s = read_schema();
	(void)state;
	assert_int_equal(s->dialect, CMIG_SCH_SQLITE);
	/* tables by name: child, ft (virtual), parent, s; never cmig_version, sqlite_sequence
	 * or fts5's ft_data/ft_idx/ft_content/ft_docsize/ft_config */
	assert_int_equal(s->tables.n, 4);
	assert_string_equal(s->tables.items[0].name, "child");
	assert_string_equal(s->tables.items[1].name, "ft");
	assert_true(s->tables.items[1].is_virtual);
	assert_string_equal(s->tables.items[2].name, "parent");
	assert_string_equal(s->tables.items[3].name, "s");
	assert_true(s->tables.items[3].strict);
	assert_null(cmig_schema_table(s, NULL, "cmig_version"));
	/* autoindexes of UNIQUE/PRIMARY KEY are not indexes of the model */
	assert_int_equal(s->indexes.n, 2);
	assert_int_equal(s->views.n, 1);
	assert_string_equal(s->views.items[0].name, "v");
	assert_int_equal(s->triggers.n, 1);
	assert_string_equal(s->triggers.items[0].table, "parent");
	assert_true(s->triggers.items[0].enabled);
	cmig_schema_free(s);
}

static void test_schema_read_columns(void **state)
{
	struct cmig_schema *s = read_schema();
	const struct cmig_sch_table *p = cmig_schema_table(s, NULL, "parent");
	const struct cmig_sch_table *c = cmig_schema_table(s, NULL, "child");
	const struct cmig_sch_column *col;
	(void)state;
	assert_non_null(p);
	assert_int_equal(p->columns.n, 4);
	col = cmig_schema_column(p, "id");
	assert_true(col->rowid_alias);
	assert_int_equal(col->pk_position, 1);
	assert_int_equal(col->affinity, CMIG_AFF_INTEGER);
	assert_true(p->autoincrement);
	col = cmig_schema_column(p, "name");
	assert_true(col->not_null);
	assert_string_equal(col->collation, "NOCASE");
	assert_int_equal(col->affinity, CMIG_AFF_TEXT);
	col = cmig_schema_column(p, "price");
	assert_string_equal(col->default_expr, "1.5");
	assert_int_equal(col->affinity, CMIG_AFF_REAL);
	assert_false(col->not_null);
	col = cmig_schema_column(p, "note");
	assert_string_equal(col->decl_type, "");
	assert_int_equal(col->affinity, CMIG_AFF_BLOB);
	assert_int_equal(col->position, 4);

	col = cmig_schema_column(c, "id");
	assert_false(col->rowid_alias); /* "int PRIMARY KEY" is not a rowid alias */
	assert_int_equal(col->pk_position, 1);
	col = cmig_schema_column(c, "total");
	assert_string_equal(col->generated, "qty * 2");
	assert_true(col->generated_stored);
	cmig_schema_free(s);
}

static void test_schema_read_constraints(void **state)
{
	struct cmig_schema *s = read_schema();
	const struct cmig_sch_table *c = cmig_schema_table(s, NULL, "child");
	const struct cmig_sch_constraint *k;
	(void)state;
	k = cons(c, 'f', "fk_parent");
	assert_non_null(k);
	assert_int_equal(k->cols.n, 1);
	assert_string_equal(k->cols.items[0], "parent_id");
	assert_string_equal(k->ref_table, "parent");
	assert_int_equal(k->ref_cols.n, 1); /* SQLite resolved the parent's primary key */
	assert_string_equal(k->ref_cols.items[0], "id");
	assert_string_equal(k->on_delete, "CASCADE");
	assert_string_equal(k->on_update, "NO ACTION");
	assert_true(k->deferrable);
	assert_true(k->initially_deferred);
	assert_true(k->column_level);

	k = cons(c, 'f', NULL);
	assert_non_null(k);
	assert_string_equal(k->cols.items[0], "qty");
	assert_string_equal(k->on_update, "SET NULL");
	assert_false(k->deferrable);
	assert_false(k->column_level);

	k = cons(c, 'c', "qty_pos");
	assert_non_null(k);
	assert_string_equal(k->expr, "qty > 0");
	assert_string_equal(k->definition, "CHECK (qty > 0)");
	k = cons(c, 'u', "uq");
	assert_non_null(k);
	assert_int_equal(k->cols.n, 2);
	assert_string_equal(k->cols.items[1], "qty");
	k = cmig_schema_primary_key(c);
	assert_non_null(k);
	assert_string_equal(k->cols.items[0], "id");
	cmig_schema_free(s);
}

static void test_schema_read_indexes_and_sequences(void **state)
{
	struct cmig_schema *s = read_schema();
	const struct cmig_sch_index *a, *b;
	const struct cmig_sch_sequence *q[2];
	(void)state;
	a = &s->indexes.items[0];
	b = &s->indexes.items[1];
	assert_string_equal(a->name, "child_expr");
	assert_true(a->unique);
	assert_int_equal(a->keys.n, 2);
	assert_string_equal(a->keys.items[0], "lower(parent_id)");
	assert_string_equal(a->keys.items[1], "qty DESC");
	assert_null(a->where);
	assert_string_equal(b->name, "child_qty");
	assert_false(b->unique);
	assert_string_equal(b->where, "qty > 10");

	/* AUTOINCREMENT: a sequence feeding parent.id */
	assert_int_equal(cmig_schema_column_sequences(q, 2, s, NULL, "parent", "id"), 1);
	assert_int_equal(q[0]->feeds.items[0].how, CMIG_SEQ_AUTOINCREMENT);
	assert_int_equal(cmig_schema_column_sequences(q, 2, s, NULL, "child", "id"), 0);
	cmig_schema_free(s);
}

/* The reader takes foreign-key actions and index uniqueness from the stored text, not from
 * PRAGMA foreign_key_list/index_list: on text written every way SQLite accepts (lower case,
 * a clause given twice, MATCH, NOT DEFERRABLE, a table called "on"), the model must say what
 * those PRAGMAs say. */
static const char *actions_sql =
	"CREATE TABLE p (id INTEGER PRIMARY KEY, a TEXT UNIQUE, b INT, UNIQUE (a, b));\n"
	"CREATE TABLE c1 (id INT REFERENCES p ON DELETE CASCADE ON UPDATE SET NULL,\n"
	"  x INT REFERENCES p(id) on delete set default DEFERRABLE INITIALLY DEFERRED,\n"
	"  w INT REFERENCES p on update restrict);\n"
	"CREATE TABLE c2 (a TEXT, b INT, y INT, FOREIGN KEY (a, b) REFERENCES p (a, b)\n"
	"  ON UPDATE RESTRICT ON DELETE NO ACTION MATCH FULL NOT DEFERRABLE,\n"
	"  CONSTRAINT fk2 FOREIGN KEY (y) REFERENCES \"p\" ON DELETE CASCADE ON DELETE SET NULL);\n"
	"CREATE TABLE \"on\" (id INTEGER PRIMARY KEY);\n"
	"CREATE TABLE c3 (z INT REFERENCES \"on\" (id) ON\n  UPDATE\tCASCADE);\n"
	"CREATE UNIQUE INDEX c2_ab ON c2 (a, b) WHERE a IS NOT NULL;\n"
	"create unique index \"c2 y\" on c2(y DESC);\n"
	"CREATE INDEX c2_lower ON c2 (lower(a));\n"
	"CREATE INDEX IF NOT EXISTS \"unique\" ON c3 (z);\n";

static void test_schema_read_text_agrees_with_pragmas(void **state)
{
	char u[300];
	sqlite3 *db;
	sqlite3_stmt *st;
	struct cmig_schema *s;
	size_t fks = 0, ixs = 0;
	(void)state;
	unlink(path);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, actions_sql, NULL, NULL, NULL), SQLITE_OK);
	snprintf(u, sizeof(u), "sqlite:///%s", path);
	s = schemaread(&cmig_backend_sqlite, u);

	/* one row per foreign-key column; seq 0 carries the key's first child column */
	assert_int_equal(sqlite3_prepare_v2(db,
	                 "SELECT m.name, f.\"from\", f.on_update, f.on_delete FROM sqlite_master m, "
	                 "pragma_foreign_key_list(m.name) f WHERE m.type = 'table' AND f.seq = 0",
	                 -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *tname = (const char *)sqlite3_column_text(st, 0);
		const char *from = (const char *)sqlite3_column_text(st, 1);
		const struct cmig_sch_table *t = cmig_schema_table(s, NULL, tname);
		const struct cmig_sch_constraint *k = NULL;
		assert_non_null(t);
		for (size_t i = 0; i < t->constraints.n && !k; i++)
			if (t->constraints.items[i].kind == CMIG_SCH_FOREIGN &&
			    strcmp(t->constraints.items[i].cols.items[0], from) == 0)
				k = &t->constraints.items[i];
		assert_non_null(k);
		assert_string_equal(k->on_update, (const char *)sqlite3_column_text(st, 2));
		assert_string_equal(k->on_delete, (const char *)sqlite3_column_text(st, 3));
		fks++;
	}
	sqlite3_finalize(st);
	assert_int_equal(fks, 6);

	assert_int_equal(sqlite3_prepare_v2(db,
	                 "SELECT i.name, i.\"unique\" FROM sqlite_master m, pragma_index_list(m.name) i "
	                 "WHERE m.type = 'table' AND i.origin = 'c'", -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *iname = (const char *)sqlite3_column_text(st, 0);
		const struct cmig_sch_index *ix = NULL;
		for (size_t i = 0; i < s->indexes.n && !ix; i++)
			if (strcmp(s->indexes.items[i].name, iname) == 0)
				ix = &s->indexes.items[i];
		assert_non_null(ix);
		assert_int_equal(ix->unique, sqlite3_column_int(st, 1) != 0);
		ixs++;
	}
	sqlite3_finalize(st);
	assert_int_equal(ixs, 4);
	sqlite3_close(db);
	cmig_schema_free(s);
}

/* The reader builds a plain table's columns from its text and asks PRAGMA table_xinfo only
 * for the rest (sqlite_schema.c, "columns"): on columns written every way SQLite accepts, each
 * field of the model must be what the PRAGMA says. */
static const char *columns_sql =
	"CREATE TABLE a (id INTEGER PRIMARY KEY, b VARCHAR ( 10 ), c DECIMAL(10, 2) NOT NULL,\n"
	"  d UNSIGNED BIG INT DEFAULT -1, e TEXT DEFAULT 'it''s', f DEFAULT (1 +  2), g,\n"
	"  h REAL DEFAULT + 1.5 NOT NULL ON CONFLICT IGNORE, i TEXT NULL DEFAULT CURRENT_TIMESTAMP,\n"
	"  j INT /* note */ DEFAULT /* x */ 3 /* y */, \"k l\" text collate nocase DEFAULT \"x\",\n"
	"  [m] BLOB, `n` NUMERIC(3) CHECK (n > 0) DEFAULT x'00', o int default true);\n"
	"CREATE TABLE b (x INT, y TEXT NOT NULL, z INT, PRIMARY KEY (y, \"X\"));\n"
	"CREATE TABLE c (p INTEGER PRIMARY KEY DESC, q \"quoted type\", r 'also' DEFAULT 1,\n"
	"  s INT DEFAULT 1 DEFAULT 2);\n"
	"CREATE TABLE d (k TEXT PRIMARY KEY, v INT) WITHOUT ROWID;\n"
	"CREATE TABLE e (a INT, b INT GENERATED ALWAYS AS (a * 2) VIRTUAL,\n"
	"  c INT AS (a + 1) STORED, d generated always as (a));\n"
	"CREATE TABLE f (\"Id\" INTEGER, \"a\"\"b\" INT NOT NULL,\n"
	"  CONSTRAINT pk PRIMARY KEY (\"id\" DESC));\n"
	"CREATE TABLE g (u INTEGER CONSTRAINT pk PRIMARY KEY AUTOINCREMENT NOT NULL);\n";

/* Every column of every table of the database at path: the model's fields against PRAGMA
 * table_xinfo's. Returns the number of columns compared. */
static size_t columns_agree(const char *dbpath)
{
	char u[600];
	sqlite3 *db;
	sqlite3_stmt *st;
	struct cmig_schema *s;
	size_t rows = 0;
	snprintf(u, sizeof(u), "sqlite:///%s", dbpath);
	s = schemaread(&cmig_backend_sqlite, u);
	assert_int_equal(sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
	                 "SELECT m.name, x.cid, x.name, x.type, x.\"notnull\", x.dflt_value, x.pk, "
	                 "x.hidden FROM sqlite_master m, pragma_table_xinfo(m.name) x "
	                 "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite%' "
	                 "AND m.sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY 1, 2", -1, &st, NULL),
	                 SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *tname = (const char *)sqlite3_column_text(st, 0);
		const struct cmig_sch_table *t = cmig_schema_table(s, NULL, tname);
		const struct cmig_sch_column *c;
		int cid = sqlite3_column_int(st, 1);
		const char *dflt = (const char *)sqlite3_column_text(st, 5);
		if (!t) /* a virtual table's shadow table: left out of the model */
			continue;
		assert_true((size_t)cid < t->columns.n);
		c = &t->columns.items[cid];
		assert_string_equal(c->name, (const char *)sqlite3_column_text(st, 2));
		assert_string_equal(c->decl_type, (const char *)sqlite3_column_text(st, 3));
		assert_int_equal(c->not_null, sqlite3_column_int(st, 4) != 0);
		if (dflt)
			assert_string_equal(c->default_expr, dflt);
		else
			assert_null(c->default_expr);
		assert_int_equal(c->pk_position, sqlite3_column_int(st, 6));
		assert_int_equal(c->hidden, sqlite3_column_int(st, 7) == 1);
		assert_int_equal(c->position, cid + 1);
		rows++;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	cmig_schema_free(s);
	return rows;
}

static void test_schema_read_columns_from_text(void **state)
{
	sqlite3 *db;
	(void)state;
	unlink(path);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, columns_sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(columns_agree(path), 30);
}

/* The same over every schema of the autogenerate corpus (tests/schema-corpus) that SQLite
 * loads: a few hundred tables written by hand for other purposes. */
static void test_schema_read_columns_corpus(void **state)
{
	char cmd[1200], file[1024];
	size_t schemas = 0, cols = 0;
	FILE *list;
	(void)state;
	snprintf(cmd, sizeof(cmd), "ls %s/tests/schema-corpus/*/*.sql", CMIG_SOURCE_DIR);
	assert_non_null(list = popen(cmd, "r"));
	while (fgets(file, sizeof(file), list)) {
		char *text = NULL;
		size_t len = 0;
		FILE *f;
		sqlite3 *db;
		file[strcspn(file, "\n")] = '\0';
		assert_non_null(f = fopen(file, "r"));
		if (getdelim(&text, &len, '\0', f) < 0) { /* an empty file: nothing to compare */
			fclose(f);
			free(text);
			continue;
		}
		fclose(f);
		unlink(path);
		assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
		int ok = sqlite3_exec(db, text, NULL, NULL, NULL) == SQLITE_OK;
		sqlite3_close(db);
		free(text);
		if (!ok) /* PostgreSQL's dialect */
			continue;
		cols += columns_agree(path);
		schemas++;
	}
	pclose(list);
	assert_true(schemas >= 100);
	assert_true(cols >= 300);
}

static void test_schema_read_missing_file_is_empty(void **state)
{
	(void)state;
	unlink(path);
	struct cmig_schema *s = read_schema();
	assert_int_equal(s->tables.n, 0);
	assert_int_equal(access(path, F_OK), -1); /* readonly: nothing created */
	cmig_schema_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_schema_read_tables_and_exclusions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_schema_read_columns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_schema_read_constraints, setup, teardown),
		cmocka_unit_test_setup_teardown(test_schema_read_indexes_and_sequences, setup, teardown),
		cmocka_unit_test_setup_teardown(test_schema_read_text_agrees_with_pragmas, setup, teardown),
		cmocka_unit_test_setup_teardown(test_schema_read_columns_from_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_schema_read_columns_corpus, setup, teardown),
		cmocka_unit_test_setup_teardown(test_schema_read_missing_file_is_empty, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
