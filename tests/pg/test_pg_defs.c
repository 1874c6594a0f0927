/*
 * test_pg_defs.c - the texts the PostgreSQL reader puts together itself for plain indexes
 * and constraints (backend/postgresql_defs.c) are, byte for byte, what the server's
 * pg_get_indexdef() and pg_get_constraintdef() give: a database holding every shape the fast
 * path must take or leave to the server (quoted and keyword names, varchar under text_ops,
 * an int column under oid_ops, explicit opclasses and collations, DESC/NULLS, INCLUDE, WITH,
 * partial, expression, hash/gin/brin, NULLS NOT DISTINCT, every FK action and match, SET NULL
 * (cols), references across schemas and to a partitioned table, NO INHERIT, NOT VALID,
 * DEFERRABLE, EXCLUDE) is read, and every index and constraint text of the model is compared
 * with the server's own. Both paths are taken: the varchar, oid_ops, collation, enum, domain,
 * array and trigram indexes and the key to the partitioned table go to the second round trip.
 * Column defaults, deparsed without their table when they reference no column, are compared
 * with pg_get_expr() given the table.
 * Needs the cluster of tests/pg/cluster.sh (PGHOST/PGPORT/PGUSER); fails when unreachable.
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

#include "backend.h"
#include "schema.h"

#include "pgdb.h"

static char dbname[64];

static const char *setup_sql =
	"CREATE EXTENSION IF NOT EXISTS pg_trgm;\n"
	"CREATE EXTENSION IF NOT EXISTS btree_gist;\n"
	"CREATE SCHEMA app;\n"
	"CREATE SCHEMA \"Other\";\n"
	"CREATE TYPE mood AS ENUM ('sad', 'ok');\n"
	"CREATE DOMAIN posint AS integer CHECK (VALUE > 0);\n"
	"CREATE TABLE plain (id integer PRIMARY KEY, a integer, b varchar(10), c text,\n"
	"  d integer[], m mood, p posint, \"order\" integer, \"Mixed Col\" text,\n"
	"  e bigint NOT NULL, f text COLLATE \"C\",\n"
	"  CONSTRAINT plain_b_key UNIQUE (b), CONSTRAINT \"Plain Check\" CHECK (a > 0),\n"
	"  CONSTRAINT plain_ni CHECK (e <> 0) NO INHERIT, UNIQUE (a, e));\n"
	"ALTER TABLE plain ADD CONSTRAINT plain_nv CHECK (a < 1000) NOT VALID;\n"
	"CREATE TABLE \"Odd Table\" (\"Key\" integer, \"select\" integer, x integer,\n"
	"  PRIMARY KEY (\"Key\", \"select\"), UNIQUE (x) DEFERRABLE INITIALLY DEFERRED);\n"
	"CREATE TABLE app.ref (id integer PRIMARY KEY, k2 integer, UNIQUE (id, k2),\n"
	"  UNIQUE NULLS NOT DISTINCT (k2), UNIQUE (k2) INCLUDE (id));\n"
	"CREATE TABLE \"Other\".tgt (id integer PRIMARY KEY);\n"
	"CREATE TABLE parted (id integer PRIMARY KEY) PARTITION BY RANGE (id);\n"
	"CREATE TABLE fks (id integer PRIMARY KEY, p integer, q integer, r integer, s integer,\n"
	"  CONSTRAINT fk_plain FOREIGN KEY (p) REFERENCES plain (id),\n"
	"  CONSTRAINT fk_app FOREIGN KEY (q) REFERENCES app.ref (id) ON UPDATE CASCADE\n"
	"    ON DELETE RESTRICT,\n"
	"  CONSTRAINT fk_multi FOREIGN KEY (q, r) REFERENCES app.ref (id, k2) MATCH FULL\n"
	"    ON DELETE SET NULL (r),\n"
	"  CONSTRAINT fk_odd FOREIGN KEY (r, s) REFERENCES \"Odd Table\" (\"Key\", \"select\")\n"
	"    ON UPDATE SET DEFAULT ON DELETE SET NULL DEFERRABLE,\n"
	"  CONSTRAINT fk_other FOREIGN KEY (s) REFERENCES \"Other\".tgt (id) ON DELETE NO ACTION\n"
	"    DEFERRABLE INITIALLY DEFERRED,\n"
	"  CONSTRAINT fk_self FOREIGN KEY (p) REFERENCES fks (id) ON DELETE CASCADE,\n"
	"  CONSTRAINT fk_parted FOREIGN KEY (q) REFERENCES parted (id));\n"
	"ALTER TABLE fks ADD CONSTRAINT fk_nv FOREIGN KEY (r) REFERENCES plain (id) NOT VALID;\n"
	"CREATE TABLE app.same (id integer PRIMARY KEY,\n"
	"  x integer REFERENCES app.ref (id), EXCLUDE USING gist (id WITH =));\n"
	"CREATE INDEX plain_a ON plain (a);\n"
	"CREATE INDEX plain_multi ON plain (a, e, c);\n"
	"CREATE UNIQUE INDEX plain_u ON plain (e);\n"
	"CREATE INDEX \"Plain Quoted\" ON plain (\"order\", \"Mixed Col\");\n"
	"CREATE INDEX plain_vc ON plain (b);\n"
	"CREATE INDEX plain_vc_pattern ON plain (b varchar_pattern_ops);\n"
	"CREATE INDEX plain_oid ON plain (a oid_ops);\n"
	"CREATE INDEX plain_coll ON plain (c COLLATE \"C\");\n"
	"CREATE INDEX plain_coll_same ON plain (f COLLATE \"C\");\n"
	"CREATE INDEX plain_f ON plain (f);\n"
	"CREATE INDEX plain_desc ON plain (a DESC, e NULLS FIRST);\n"
	"CREATE INDEX plain_incl ON plain (a) INCLUDE (c);\n"
	"CREATE INDEX plain_with ON plain (a) WITH (fillfactor = 70);\n"
	"CREATE INDEX plain_part ON plain (a) WHERE a > 5;\n"
	"CREATE INDEX plain_expr ON plain (lower(c));\n"
	"CREATE UNIQUE INDEX plain_nnd ON plain (c) NULLS NOT DISTINCT;\n"
	"CREATE INDEX plain_trgm ON plain USING gin (c gin_trgm_ops);\n"
	"CREATE INDEX plain_arr ON plain USING gin (d);\n"
	"CREATE INDEX plain_hash ON plain USING hash (c);\n"
	"CREATE INDEX plain_brin ON plain USING brin (a);\n"
	"CREATE INDEX plain_enum ON plain (m);\n"
	"CREATE INDEX plain_dom ON plain (p);\n"
	"CREATE INDEX ref_k2 ON app.ref (k2);\n"
	"CREATE INDEX \"Odd Index\" ON \"Odd Table\" (x, \"Key\");\n"
	"CREATE SEQUENCE app.seq;\n"
	"CREATE TABLE defaults (id serial, n integer DEFAULT 0, t text DEFAULT 'it''s {VAR x',\n"
	"  ts timestamptz DEFAULT now(), s bigint DEFAULT nextval('app.seq'),\n"
	"  m mood DEFAULT 'ok', arr integer[] DEFAULT '{1,2}', e numeric DEFAULT 2.5 * 4,\n"
	"  c varchar(5) DEFAULT 'x'::text, g integer GENERATED ALWAYS AS (n * 2) STORED,\n"
	"  k integer GENERATED ALWAYS AS (7) STORED, \"Q\" text DEFAULT lower('A'));\n";

static int setup(void **state)
{
	(void)state;
	return pgdb_create(dbname, "cmig_t_defs", "test_pg_defs", setup_sql);
}

static int teardown(void **state)
{
	(void)state;
	pgdb_drop(dbname);
	return 0;
}

static struct cmig_schema *read_schema(void)
{
	return pgdb_read_schema(dbname);
}

/* The server's texts, one "key\tdefinition" line each (definitions hold no tab or newline
 * here), from a psql session with the default search_path, as the reader's. */
static char *server_texts(const char *query, size_t *nlines)
{
	char cmd[4096];
	size_t cap = 1 << 16, len = 0, n;
	char *buf = malloc(cap);
	FILE *p;
	assert_non_null(buf);
	snprintf(cmd, sizeof(cmd), "psql -X -At -F '\t' -v ON_ERROR_STOP=1 -d %s -c \"%s\"", dbname,
	         query);
	p = popen(cmd, "r");
	assert_non_null(p);
	while ((n = fread(buf + len, 1, cap - len - 1, p)) > 0) {
		len += n;
		if (len + 1 == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
	}
	buf[len] = '\0';
	assert_int_equal(pclose(p), 0);
	*nlines = 0;
	for (size_t i = 0; i < len; i++)
		*nlines += buf[i] == '\n';
	return buf;
}

/* The definition of key in texts, or fail. */
static void expect_def(const char *texts, const char *key, const char *def)
{
	size_t kl = strlen(key);
	for (const char *l = texts; *l;) {
		const char *e = strchr(l, '\n');
		if (strncmp(l, key, kl) == 0 && l[kl] == '\t') {
			size_t dl = (size_t)(e - (l + kl + 1));
			if (strlen(def) != dl || strncmp(def, l + kl + 1, dl) != 0)
				fail_msg("%s: the reader says\n  %s\nthe server says\n  %.*s", key, def,
				         (int)dl, l + kl + 1);
			return;
		}
		l = e ? e + 1 : l + strlen(l);
	}
	fail_msg("%s: not among the server's texts", key);
}

static void test_pg_defs_indexes(void **state)
{
	struct cmig_schema *s = read_schema();
	size_t n;
	char key[256];
	char *texts = server_texts(
		"SELECT n.nspname || '.' || c.relname, pg_get_indexdef(c.oid) FROM pg_index i "
		"JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
		"WHERE n.nspname IN ('public', 'app', 'Other') AND NOT EXISTS (SELECT 1 FROM "
		"pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x'))",
		&n);
	(void)state;
	assert_int_equal(n, 24);
	assert_int_equal(s->indexes.n, n); /* every one of them read */
	for (size_t i = 0; i < s->indexes.n; i++) {
		const struct cmig_sch_index *x = &s->indexes.items[i];
		snprintf(key, sizeof(key), "%s.%s", x->schema, x->name);
		assert_non_null(x->definition);
		expect_def(texts, key, x->definition);
	}
	free(texts);
	cmig_schema_free(s);
}

static void test_pg_defs_constraints(void **state)
{
	struct cmig_schema *s = read_schema();
	size_t n, seen = 0;
	char key[512];
	char *texts = server_texts(
		"SELECT n.nspname || '.' || c.relname || '.' || k.conname, pg_get_constraintdef(k.oid) "
		"FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n "
		"ON n.oid = c.relnamespace WHERE n.nspname IN ('public', 'app', 'Other') "
		"AND c.relkind = 'r' AND k.contype IN ('p', 'u', 'c', 'f', 'x')", &n);
	(void)state;
	for (size_t t = 0; t < s->tables.n; t++)
		for (size_t k = 0; k < s->tables.items[t].constraints.n; k++) {
			const struct cmig_sch_table *tb = &s->tables.items[t];
			const struct cmig_sch_constraint *c = &tb->constraints.items[k];
			snprintf(key, sizeof(key), "%s.%s.%s", tb->schema, tb->name, c->name);
			assert_non_null(c->definition);
			expect_def(texts, key, c->definition);
			seen++;
		}
	assert_int_equal(n, 25);
	assert_int_equal(seen, n); /* every one of them read */
	free(texts);
	cmig_schema_free(s);
}

/* Column defaults and generated expressions: most are deparsed without their table (they
 * hold no column reference), and must read as pg_get_expr() with the table gives them. */
static void test_pg_defs_defaults(void **state)
{
	struct cmig_schema *s = read_schema();
	const struct cmig_sch_table *t = cmig_schema_table(s, "public", "defaults");
	size_t n, seen = 0;
	char key[256];
	char *texts = server_texts(
		"SELECT a.attname, pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d "
		"JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum "
		"WHERE d.adrelid = 'public.defaults'::regclass", &n);
	(void)state;
	assert_non_null(t);
	assert_int_equal(n, 12);
	for (size_t i = 0; i < t->columns.n; i++) {
		const struct cmig_sch_column *c = &t->columns.items[i];
		const char *e = c->generated ? c->generated : c->default_expr;
		snprintf(key, sizeof(key), "%s", c->name);
		if (!e)
			continue;
		expect_def(texts, key, e);
		seen++;
	}
	assert_int_equal(seen, n);
	free(texts);
	cmig_schema_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pg_defs_indexes),
		cmocka_unit_test(test_pg_defs_constraints),
		cmocka_unit_test(test_pg_defs_defaults),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
