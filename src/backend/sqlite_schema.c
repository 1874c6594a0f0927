/*
 * sqlite_schema.c - the SQLite reader: a live database → the schema model (schema/schema.h).
 *
 * Sources: sqlite_master for the objects and their stored text; PRAGMA table_xinfo for
 * columns (declared type, nullability, default, primary-key place, hidden/generated); and
 * the stored CREATE text, parsed (batch/table.c, sqltext.c), for everything else: constraint
 * names, CHECK expressions, foreign keys with their actions and DEFERRABLE, collations,
 * generated expressions, AUTOINCREMENT, STRICT/WITHOUT ROWID, index keys, WHERE and UNIQUE.
 * One PRAGMA a table, not four: a prepared PRAGMA costs about as much as reading the table
 * (bench/bench_schema.sh, `cmig dump` against `sqlite3 .schema`).
 *
 * Left out (SPEC §8): sqlite_* internal objects, cmig's own tables (settings->tables), the
 * shadow tables of a virtual table (PRAGMA table_list says "shadow"), and the indexes SQLite
 * makes for PRIMARY KEY/UNIQUE (sqlite_autoindex_*, which have no sql).
 * Everything is read inside one read transaction, so the model is one consistent picture.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "schema.h"
#include "sqlite_int.h"
#include "sqltext.h"
#include "pgnames.h"
#include "table.h"

struct reader {
	struct sqlite_backend *be;
	struct cmig_schema *s;
	cmig_diags *d;
	bool oom;
};

#define STR(r, x) cmig_schema_str((r)->s, (x), &(r)->oom)

static int rd_fail(struct reader *r, const char *what)
{
	return cmig_diag_error(r->d, NULL, 0, CMIG_ESQL, NULL, "reading the schema (%s): %s", what,
	                       sqlite3_errmsg(r->be->db));
}

static const char *col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* Prepare "PRAGMA main.<pragma>(<quoted arg>)". */
static int pragma(struct reader *r, sqlite3_stmt **out, const char *pragma_name, const char *arg)
{
	cmig_buf q = CMIG_BUF_INIT;
	int rc = cmig_buf_printf(&q, "PRAGMA main.%s(", pragma_name);
	if (!rc)
		rc = cmig_sqltext_quote(&q, arg);
	if (!rc)
		rc = cmig_buf_putc(&q, ')');
	if (rc) {
		cmig_buf_release(&q);
		return cmig_diag_error(r->d, NULL, 0, CMIG_ENOMEM, NULL, "out of memory");
	}
	rc = sqlite3_prepare_v2(r->be->db, q.ptr, -1, out, NULL);
	cmig_buf_release(&q);
	return rc == SQLITE_OK ? CMIG_OK : rd_fail(r, pragma_name);
}

static bool is_cmig_table(const struct reader *r, const char *name)
{
	const struct cmig_table_names *t = &r->be->base.settings->tables;
	return (t->version && strcmp(name, t->version) == 0) ||
	       (t->history && strcmp(name, t->history) == 0);
}

/* ---- foreign-key text: actions and deferrability as written ----------------------------- */

/* The action at token i ("SET NULL", "SET DEFAULT", "CASCADE", "RESTRICT", "NO ACTION"), spelled
 * as PRAGMA foreign_key_list spells it; NULL for anything else. */
static const char *fk_action(const cmig_stoks *tk, size_t i)
{
	if (cmig_stoks_is(tk, i, "SET"))
		return cmig_stoks_is(tk, i + 1, "NULL")      ? "SET NULL"
		       : cmig_stoks_is(tk, i + 1, "DEFAULT") ? "SET DEFAULT"
		                                             : NULL;
	if (cmig_stoks_is(tk, i, "NO"))
		return cmig_stoks_is(tk, i + 1, "ACTION") ? "NO ACTION" : NULL;
	return cmig_stoks_is(tk, i, "CASCADE")    ? "CASCADE"
	       : cmig_stoks_is(tk, i, "RESTRICT") ? "RESTRICT"
	                                          : NULL;
}

/* ON DELETE/ON UPDATE actions (the last of each wins, as in SQLite) and deferrability, from
 * the text after REFERENCES: what PRAGMA foreign_key_list would report, without a statement
 * prepared per table. Quoted names are not words, so a table called "on" cannot mislead it. */
static void fk_text_options(struct cmig_sch_constraint *c, const char *body)
{
	cmig_stoks tk = CMIG_STOKS_INIT;
	if (!body || cmig_stoks_build(&tk, body, 0, strlen(body)))
		return;
	for (size_t i = 0; i < tk.n; i++) {
		if (cmig_stoks_is(&tk, i, "ON") &&
		    (cmig_stoks_is(&tk, i + 1, "DELETE") || cmig_stoks_is(&tk, i + 1, "UPDATE"))) {
			const char *a = fk_action(&tk, i + 2);
			if (a && cmig_stoks_is(&tk, i + 1, "DELETE"))
				c->on_delete = a;
			else if (a)
				c->on_update = a;
		} else if (cmig_stoks_is(&tk, i, "NOT") && cmig_stoks_is(&tk, i + 1, "DEFERRABLE")) {
			c->deferrable = false;
			i++;
		} else if (cmig_stoks_is(&tk, i, "DEFERRABLE")) {
			c->deferrable = true;
		} else if (cmig_stoks_is(&tk, i, "INITIALLY") && cmig_stoks_is(&tk, i + 1, "DEFERRED")) {
			c->initially_deferred = true;
		}
	}
	cmig_stoks_release(&tk);
	/* SQLite: NOT DEFERRABLE INITIALLY DEFERRED is still not deferred */
	if (!c->deferrable)
		c->initially_deferred = false;
}

/* ---- one table ------------------------------------------------------------------------ */

static int add_cons_from_parse(struct reader *r, struct cmig_sch_table *t,
                               const struct cmig_cons *pc, const char *colname)
{
	struct cmig_sch_constraint c;
	memset(&c, 0, sizeof(c));
	switch (pc->kind) {
	case CMIG_CONS_PRIMARY: c.kind = CMIG_SCH_PRIMARY; break;
	case CMIG_CONS_UNIQUE: c.kind = CMIG_SCH_UNIQUE; break;
	case CMIG_CONS_CHECK: c.kind = CMIG_SCH_CHECK; break;
	case CMIG_CONS_FOREIGN: c.kind = CMIG_SCH_FOREIGN; break;
	default: return CMIG_OK;
	}
	c.name = STR(r, pc->name);
	c.validated = true;
	c.column_level = colname != NULL;
	/* the constraint as written, without its "CONSTRAINT name" prefix */
	{
		const char *def = pc->text;
		if (pc->name && strncasecmp(def, "CONSTRAINT", 10) == 0) {
			cmig_stoks tk = CMIG_STOKS_INIT;
			if (!cmig_stoks_build(&tk, def, 0, strlen(def)) && tk.n > 2)
				def += tk.items[2].start;
			c.definition = STR(r, def);
			cmig_stoks_release(&tk);
		} else {
			c.definition = STR(r, def);
		}
	}
	if (colname) {
		if (c.kind != CMIG_SCH_CHECK && cmig_schema_name_push(r->s, &c.cols, colname))
			goto oom;
	} else if (c.kind != CMIG_SCH_CHECK) {
		for (size_t i = 0; i < pc->ncols; i++)
			if (cmig_schema_name_push(r->s, &c.cols, pc->cols[i]))
				goto oom;
	}
	if (c.kind == CMIG_SCH_CHECK)
		c.expr = STR(r, pc->body);
	if (c.kind == CMIG_SCH_FOREIGN) {
		char *ref = NULL, **rc = NULL;
		size_t nrc = 0;
		if (cmig_table_references(&ref, &rc, &nrc, pc->body) == CMIG_OK) {
			c.ref_table = STR(r, ref);
			for (size_t i = 0; i < nrc; i++) {
				if (!r->oom && cmig_schema_name_push(r->s, &c.ref_cols, rc[i]))
					r->oom = true;
				free(rc[i]);
			}
			free(rc);
			free(ref);
		}
		c.on_delete = "NO ACTION";
		c.on_update = "NO ACTION";
		fk_text_options(&c, pc->body);
	}
	if (r->oom || CMIG_VEC_PUSH(&t->constraints, c))
		goto oom;
	return CMIG_OK;
oom:
	free(c.cols.items);
	free(c.ref_cols.items);
	return cmig_diag_error(r->d, NULL, 0, CMIG_ENOMEM, NULL, "out of memory");
}

/* ---- columns ------------------------------------------------------------------------------
 * PRAGMA table_xinfo is the authority, but preparing it costs as much again as everything else
 * read for a table. For a table whose text leaves nothing to SQLite's own conventions the
 * parsed text gives the same row, field by field: name (unquoted), declared type (the span as
 * written, a standard name upper-cased), NOT NULL, DEFAULT (the span after the keyword, "(…)" unwrapped), primary-key
 * place. Anything else goes to the PRAGMA: WITHOUT ROWID (its key columns are NOT NULL
 * unwritten), generated columns (hidden, and SQLite trims "GENERATED ALWAYS" off the type),
 * a quoted type (SQLite dequotes it), a column with two DEFAULTs, a key column not found.
 * test_schema_read_columns_from_text holds both paths equal on columns written every way. */

static long pk_place(const struct cmig_table *p, size_t col)
{
	char *const *keys;
	size_t n = cmig_table_primary_key(p, &keys);
	for (size_t i = 0; i < n; i++)
		if (cmig_table_column(p, keys[i]) == (long)col)
			return (long)i + 1;
	return 0;
}

static bool text_gives_columns(const struct cmig_table *p)
{
	char *const *keys;
	size_t nkeys = cmig_table_primary_key(p, &keys);
	if (p->without_rowid)
		return false;
	for (size_t i = 0; i < nkeys; i++)
		if (cmig_table_column(p, keys[i]) < 0)
			return false;
	for (size_t i = 0; i < p->ncols; i++) {
		const struct cmig_column *c = &p->cols[i];
		size_t defaults = 0;
		if (strpbrk(c->type, "\"'`[") || cmig_column_generated(c))
			return false;
		for (size_t k = 0; k < c->ncons; k++)
			defaults += c->cons[k].kind == CMIG_CONS_DEFAULT;
		if (defaults > 1)
			return false;
	}
	return true;
}

/* The declared type as SQLite keeps it: since 3.37 (STRICT tables) a type that is one of the
 * standard names, in any case, is stored as that name in upper case. */
static const char *type_text(struct reader *r, const char *type)
{
	static const char *const std[] = { "ANY", "BLOB", "INT", "INTEGER", "REAL", "TEXT" };
	if (sqlite3_libversion_number() >= 3037000)
		for (size_t i = 0; i < sizeof(std) / sizeof(std[0]); i++)
			if (strcasecmp(type, std[i]) == 0)
				return std[i];
	return STR(r, type);
}

/* DEFAULT's value as SQLite keeps it: "(expr)" loses its parentheses and the spaces inside
 * them (the span between, trimmed); any other value is the span as written. */
static const char *default_text(struct reader *r, const char *body)
{
	size_t a = 1, b = strlen(body);
	if (body[0] != '(' || b < 2)
		return STR(r, body);
	b--; /* the matching ')' ends the span: the parser took one parenthesised group */
	while (a < b && strchr(" \t\n\f\r", body[a]))
		a++;
	while (b > a && strchr(" \t\n\f\r", body[b - 1]))
		b--;
	return cmig_schema_strn(r->s, body + a, b - a, &r->oom);
}

static int columns_from_text(struct reader *r, struct cmig_sch_table *t,
                             const struct cmig_table *p)
{
	for (size_t i = 0; i < p->ncols; i++) {
		const struct cmig_column *pc = &p->cols[i];
		struct cmig_sch_column c;
		long k = cmig_column_find(pc, CMIG_CONS_DEFAULT);
		memset(&c, 0, sizeof(c));
		c.name = STR(r, pc->name);
		c.decl_type = type_text(r, pc->type);
		c.type = c.decl_type;
		c.affinity = cmig_schema_affinity(c.decl_type ? c.decl_type : "");
		c.not_null = cmig_column_find(pc, CMIG_CONS_NOT_NULL) >= 0;
		c.default_expr = k >= 0 ? default_text(r, pc->cons[k].body) : NULL;
		c.pk_position = (int)pk_place(p, i);
		c.position = (int)i + 1;
		if (r->oom || CMIG_VEC_PUSH(&t->columns, c))
			return cmig_diag_oom(r->d);
	}
	return CMIG_OK;
}

static int columns_from_pragma(struct reader *r, struct cmig_sch_table *t, const char *name)
{
	sqlite3_stmt *st;
	int step, rc = pragma(r, &st, "table_xinfo", name);
	if (rc)
		return rc;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct cmig_sch_column c;
		memset(&c, 0, sizeof(c));
		c.name = STR(r, col_text(st, 1));
		c.decl_type = STR(r, col_text(st, 2) ? col_text(st, 2) : "");
		c.type = c.decl_type;
		c.affinity = cmig_schema_affinity(c.decl_type ? c.decl_type : "");
		c.not_null = sqlite3_column_int(st, 3) != 0;
		c.default_expr = STR(r, col_text(st, 4));
		c.pk_position = sqlite3_column_int(st, 5);
		c.hidden = sqlite3_column_int(st, 6) == 1;
		c.position = (int)t->columns.n + 1;
		if (r->oom || CMIG_VEC_PUSH(&t->columns, c)) {
			r->oom = true;
			break;
		}
	}
	sqlite3_finalize(st);
	if (r->oom)
		return cmig_diag_oom(r->d);
	return step == SQLITE_DONE ? CMIG_OK : rd_fail(r, "table_xinfo");
}

/* What only the text says of a column: collation, generated expression, AUTOINCREMENT, rowid
 * alias. */
static void column_extras(struct cmig_sch_table *t, const struct cmig_table *p, struct reader *r)
{
	long alias = cmig_table_rowid_alias(p);
	for (size_t i = 0; i < t->columns.n; i++) {
		struct cmig_sch_column *c = &t->columns.items[i];
		long ci = c->name ? cmig_table_column(p, c->name) : -1, k;
		if (ci < 0)
			continue;
		const struct cmig_column *pc = &p->cols[ci];
		if ((k = cmig_column_find(pc, CMIG_CONS_COLLATE)) >= 0)
			c->collation = STR(r, pc->cons[k].body);
		if ((k = cmig_column_find(pc, CMIG_CONS_GENERATED)) >= 0) {
			c->generated = STR(r, pc->cons[k].body);
			c->generated_stored = pc->cons[k].stored;
		}
		k = cmig_column_find(pc, CMIG_CONS_PRIMARY);
		if (k >= 0 && pc->cons[k].autoincrement)
			t->autoincrement = true;
		c->rowid_alias = ci == alias;
	}
}

static int read_table(struct reader *r, const char *name, const char *sql, bool is_virtual)
{
	struct cmig_sch_table t;
	struct cmig_table parsed;
	bool have_parse = false;
	int rc;

	memset(&t, 0, sizeof(t));
	memset(&parsed, 0, sizeof(parsed));
	t.name = STR(r, name);
	t.sql = STR(r, sql);
	t.owned = true;
	t.is_virtual = is_virtual;
	if (!is_virtual) {
		cmig_diags pd = CMIG_DIAGS_INIT;
		if (cmig_table_parse(&parsed, sql, &pd) == CMIG_OK)
			have_parse = true;
		else
			cmig_diag_error(r->d, NULL, 0, CMIG_ERROR, NULL,
			                "reading the schema: cannot parse the CREATE TABLE text of \"%s\"",
			                name);
		cmig_diags_release(&pd);
		if (!have_parse)
			return CMIG_ERROR;
		t.without_rowid = parsed.without_rowid;
		t.strict = parsed.strict;
	}

	rc = have_parse && text_gives_columns(&parsed) ? columns_from_text(r, &t, &parsed)
	                                               : columns_from_pragma(r, &t, name);
	if (rc)
		goto out;
	if (have_parse)
		column_extras(&t, &parsed, r);

	if (have_parse) {
		struct cmig_pgname *names = NULL;
		size_t nnames = 0;
		if (cmig_pgnames_assign(&names, &nnames, &parsed, NULL, 0)) {
			rc = cmig_diag_oom(r->d);
			goto out;
		}
		for (long i = -1; i < (long)parsed.ncols && !rc; i++) {
			size_t ncons = i < 0 ? parsed.ntcons : parsed.cols[i].ncons;
			for (size_t k = 0; k < ncons && !rc; k++) {
				size_t before = t.constraints.n;
				rc = i < 0 ? add_cons_from_parse(r, &t, &parsed.tcons[k], NULL)
				           : add_cons_from_parse(r, &t, &parsed.cols[i].cons[k],
				                                 parsed.cols[i].name);
				if (rc || t.constraints.n == before)
					continue;
				/* the name batch mode and PostgreSQL know it by */
				for (size_t q = 0; q < nnames; q++)
					if (names[q].col == i && names[q].idx == k)
						t.constraints.items[before].pg_name = STR(r, names[q].name);
			}
		}
		cmig_pgnames_free(names, nnames);
	}
	if (!rc && t.autoincrement) {
		struct cmig_sch_sequence q;
		struct cmig_sch_seq_feed f = { NULL, t.name, NULL, CMIG_SEQ_AUTOINCREMENT };
		memset(&q, 0, sizeof(q));
		for (size_t i = 0; i < t.columns.n; i++)
			if (t.columns.items[i].rowid_alias)
				f.column = t.columns.items[i].name;
		q.name = t.name;
		q.owned = true;
		q.start = 1;
		q.increment = 1;
		q.min = 1;
		q.max = 9223372036854775807LL;
		q.owned_by_table = t.name;
		q.owned_by_column = f.column;
		if (!f.column || CMIG_VEC_PUSH(&q.feeds, f) || CMIG_VEC_PUSH(&r->s->sequences, q)) {
			free(q.feeds.items);
			if (f.column)
				rc = cmig_diag_error(r->d, NULL, 0, CMIG_ENOMEM, NULL, "out of memory");
		}
	}
	if (!rc && CMIG_VEC_PUSH(&r->s->tables, t))
		rc = cmig_diag_error(r->d, NULL, 0, CMIG_ENOMEM, NULL, "out of memory");
	else if (!rc)
		memset(&t, 0, sizeof(t)); /* moved into the schema */
out:
	if (have_parse)
		cmig_table_release(&parsed);
	for (size_t i = 0; i < t.constraints.n; i++) {
		free(t.constraints.items[i].cols.items);
		free(t.constraints.items[i].ref_cols.items);
	}
	free(t.columns.items);
	free(t.constraints.items);
	return rc;
}

/* ---- indexes ---------------------------------------------------------------------------- */

/* Keys and WHERE from "CREATE [UNIQUE] INDEX [IF NOT EXISTS] n ON t (k, …) [WHERE e]". */
static int index_text(struct reader *r, struct cmig_sch_index *ix, const char *sql)
{
	cmig_stoks tk = CMIG_STOKS_INIT;
	size_t i, open = 0;
	if (cmig_stoks_build(&tk, sql, 0, strlen(sql)))
		return CMIG_ENOMEM;
	for (i = 0; i < tk.n; i++)
		if (cmig_stoks_punct(&tk, i, '(')) {
			open = i;
			break;
		}
	/* "CREATE UNIQUE INDEX": what PRAGMA index_list's "unique" says for an index with text */
	ix->unique = cmig_stoks_is(&tk, 1, "UNIQUE");
	if (i == tk.n || tk.items[open].match >= tk.n) {
		cmig_stoks_release(&tk);
		return cmig_diag_error(r->d, NULL, 0, CMIG_ERROR, NULL,
		                       "reading the schema: cannot parse index \"%s\"", ix->name);
	}
	size_t close = tk.items[open].match;
	for (size_t a = open + 1; a < close;) {
		size_t e = cmig_stoks_element_end(&tk, a);
		char *k = cmig_stoks_span(&tk, a, e - 1);
		if (!k || cmig_schema_name_push(r->s, &ix->keys, k))
			r->oom = true;
		free(k);
		a = e + 1;
	}
	if (close + 1 < tk.n && cmig_stoks_is(&tk, close + 1, "WHERE") && close + 2 < tk.n) {
		char *w = cmig_stoks_span(&tk, close + 2, tk.n - 1);
		ix->where = STR(r, w);
		if (!w)
			r->oom = true;
		free(w);
	}
	cmig_stoks_release(&tk);
	return r->oom ? CMIG_ENOMEM : CMIG_OK;
}

static int read_index(struct reader *r, const char *name, const char *table, const char *sql)
{
	struct cmig_sch_index ix;
	int rc;

	memset(&ix, 0, sizeof(ix));
	ix.name = STR(r, name);
	ix.table = STR(r, table);
	ix.definition = STR(r, sql);
	if ((rc = index_text(r, &ix, sql)) == CMIG_OK && !r->oom &&
	    CMIG_VEC_PUSH(&r->s->indexes, ix) == 0)
		return CMIG_OK;
	free(ix.keys.items);
	return rc ? rc : cmig_diag_error(r->d, NULL, 0, CMIG_ENOMEM, NULL, "out of memory");
}

/* ---- the whole database ----------------------------------------------------------------- */

/* Names PRAGMA table_list calls "shadow" (virtual tables' storage), as one list. */
static int shadow_tables(struct reader *r, cmig_sch_names *out)
{
	sqlite3_stmt *st;
	int step;
	/* table_list builds a row for every table: ask it only when a virtual table exists */
	if (sqlite3_prepare_v2(r->be->db,
	                       "SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND "
	                       "sql LIKE 'CREATE VIRTUAL%' LIMIT 1", -1, &st, NULL) != SQLITE_OK)
		return rd_fail(r, "sqlite_master");
	step = sqlite3_step(st);
	sqlite3_finalize(st);
	if (step != SQLITE_ROW)
		return step == SQLITE_DONE ? CMIG_OK : rd_fail(r, "sqlite_master");
	if (sqlite3_prepare_v2(r->be->db,
	                       "SELECT name FROM pragma_table_list WHERE schema = 'main' "
	                       "AND type = 'shadow'", -1, &st, NULL) != SQLITE_OK)
		return CMIG_OK; /* SQLite before 3.37: no shadow tables to tell apart */
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		if (cmig_schema_name_push(r->s, out, col_text(st, 0)))
			r->oom = true;
	sqlite3_finalize(st);
	return step == SQLITE_DONE ? CMIG_OK : rd_fail(r, "table_list");
}

static bool in_list(const cmig_sch_names *v, const char *name)
{
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->items[i], name) == 0)
			return true;
	return false;
}

static int read_all(struct reader *r)
{
	sqlite3_stmt *st;
	cmig_sch_names shadows = CMIG_VEC_INIT;
	int rc, step;

	if ((rc = shadow_tables(r, &shadows)))
		goto out;
	/* Tables first (indexes and triggers refer to them), each kind by name. */
	if (sqlite3_prepare_v2(r->be->db,
	                       "SELECT type, name, tbl_name, sql FROM main.sqlite_master "
	                       "WHERE sql IS NOT NULL ORDER BY "
	                       "CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 "
	                       "WHEN 'view' THEN 2 ELSE 3 END, name",
	                       -1, &st, NULL) != SQLITE_OK) {
		rc = rd_fail(r, "sqlite_master");
		goto out;
	}
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *type = col_text(st, 0), *name = col_text(st, 1);
		const char *tbl = col_text(st, 2), *sql = col_text(st, 3);
		if (!type || !name || !sql || cmig_schema_sqlite_internal(name) ||
		    is_cmig_table(r, tbl ? tbl : name) || in_list(&shadows, tbl ? tbl : name))
			continue;
		if (strcmp(type, "table") == 0) {
			bool virt = strncasecmp(sql, "CREATE VIRTUAL", 14) == 0;
			rc = read_table(r, name, sql, virt);
		} else if (strcmp(type, "index") == 0) {
			rc = read_index(r, name, tbl, sql);
		} else if (strcmp(type, "view") == 0) {
			struct cmig_sch_view v = { NULL, STR(r, name), STR(r, sql), NULL, NULL,
			                           CMIG_VEC_INIT };
			if (CMIG_VEC_PUSH(&r->s->views, v))
				r->oom = true;
		} else if (strcmp(type, "trigger") == 0) {
			struct cmig_sch_trigger g = { NULL, STR(r, name), STR(r, tbl), STR(r, sql), true,
			                              NULL };
			if (CMIG_VEC_PUSH(&r->s->triggers, g))
				r->oom = true;
		}
		if (!rc && r->oom)
			rc = cmig_diag_error(r->d, NULL, 0, CMIG_ENOMEM, NULL, "out of memory");
	}
	if (!rc && step != SQLITE_DONE)
		rc = rd_fail(r, "sqlite_master");
	sqlite3_finalize(st);
out:
	free(shadows.items);
	return rc;
}

/* "REFERENCES parent" without columns means the parent's primary key: name it, so users of the
 * model (copy's ordering, the differ) never resolve it themselves. */
static void resolve_implicit_parents(struct reader *r)
{
	for (size_t i = 0; i < r->s->tables.n; i++) {
		struct cmig_sch_table *t = &r->s->tables.items[i];
		for (size_t k = 0; k < t->constraints.n; k++) {
			struct cmig_sch_constraint *c = &t->constraints.items[k];
			const struct cmig_sch_constraint *pk = NULL;
			if (c->kind != CMIG_SCH_FOREIGN || c->ref_cols.n || !c->ref_table)
				continue;
			for (size_t p = 0; p < r->s->tables.n && !pk; p++)
				if (cmig_sqltext_name_eq(r->s->tables.items[p].name, c->ref_table))
					pk = cmig_schema_primary_key(&r->s->tables.items[p]);
			for (size_t a = 0; pk && a < pk->cols.n; a++)
				if (CMIG_VEC_PUSH(&c->ref_cols, pk->cols.items[a]))
					r->oom = true;
		}
	}
}

int cmig_sqlite_schema_read(struct cmig_backend *base, struct cmig_schema **out, cmig_diags *d)
{
	struct sqlite_backend *be = (struct sqlite_backend *)base;
	struct reader r = { be, NULL, d, false };
	bool began = false;
	int rc = CMIG_OK;

	*out = NULL;
	r.s = cmig_schema_new(CMIG_SCH_SQLITE);
	if (!r.s)
		return cmig_diag_error(d, NULL, 0, CMIG_ENOMEM, NULL, "out of memory");
	r.s->server_version = sqlite3_libversion_number();
	if (be->db) { /* NULL: a readonly open of a missing file, an empty schema */
		if (!be->in_txn) {
			if (sqlite3_exec(be->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
				rc = rd_fail(&r, "begin");
				goto out;
			}
			began = true;
		}
		rc = read_all(&r);
		if (!rc)
			resolve_implicit_parents(&r);
		if (!rc && r.oom)
			rc = cmig_diag_error(d, NULL, 0, CMIG_ENOMEM, NULL, "out of memory");
		if (began)
			sqlite3_exec(be->db, "COMMIT", NULL, NULL, NULL);
	}
out:
	if (rc) {
		cmig_schema_free(r.s);
		return rc;
	}
	*out = r.s;
	return CMIG_OK;
}
