/*
 * write.c - changes → SQL, one writer for both dialects (SPEC §8): what it writes is
 * PostgreSQL-syntax ALTER, which SQLite's batch mode (SPEC §6) runs, so the two dialects only
 * part where the objects themselves do: on SQLite a table, index, view or trigger is created
 * from the declared schema's own text and a column is added as written; on PostgreSQL they
 * are written from the model (the server's deparsed definitions).
 *
 * Every statement ends in ";\n"; a statement that drops data is preceded by
 * "-- cmig: drops data", one the proofs (on empty tables) cannot vouch for by
 * "-- cmig: fails if the table has rows that …".
 */
#include "diff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqltext.h"
#include "table.h"

struct writer {
	cmig_buf *b;
	const struct cmig_changes *c;
	bool sqlite;
	int rc;
};

static void put(struct writer *w, const char *s)
{
	if (!w->rc && s)
		w->rc = cmig_buf_puts(w->b, s);
}

static void putq(struct writer *w, const char *name)
{
	if (!w->rc)
		w->rc = w->sqlite ? cmig_schema_quote_sqlite(w->b, name) : cmig_schema_quote(w->b, name);
}

/* Names outside public are qualified on PostgreSQL; SQLite has one schema. */
static void qname(struct writer *w, const char *schema, const char *name)
{
	if (!w->sqlite && schema && strcmp(schema, "public") != 0) {
		putq(w, schema);
		put(w, ".");
	}
	putq(w, name);
}

static void literal(struct writer *w, const char *text)
{
	put(w, "'");
	if (!w->rc)
		w->rc = cmig_buf_add_quoted(w->b, text, '\'');
	put(w, "'");
}

static void stmt_text(struct writer *w, const char *text)
{
	size_t n = strlen(text);
	while (n && (text[n - 1] == ' ' || text[n - 1] == '\n' || text[n - 1] == ';' ||
	             text[n - 1] == '\t'))
		n--;
	if (!w->rc)
		w->rc = cmig_buf_add(w->b, text, n);
}

static void alter_table(struct writer *w, const struct cmig_sch_table *t)
{
	put(w, "ALTER TABLE ");
	qname(w, t->schema, t->name);
	put(w, " ");
}

/* SQLite: the column's definition as written in the declared CREATE TABLE. */
static void sqlite_column_text(struct writer *w, const struct cmig_sch_table *t,
                               const struct cmig_sch_column *col)
{
	struct cmig_table parsed;
	cmig_diags d = CMIG_DIAGS_INIT;
	if (t->sql && cmig_table_parse(&parsed, t->sql, &d) == CMIG_OK) {
		long i = cmig_table_column(&parsed, col->name);
		if (i >= 0)
			put(w, parsed.cols[i].text);
		cmig_table_release(&parsed);
		if (i >= 0) {
			cmig_diags_release(&d);
			return;
		}
	}
	cmig_diags_release(&d);
	/* not parseable: print it from its parts */
	putq(w, col->name);
	if (col->decl_type && *col->decl_type) {
		put(w, " ");
		put(w, col->decl_type);
	}
	if (col->not_null)
		put(w, " NOT NULL");
	if (col->default_expr) {
		put(w, " DEFAULT ");
		put(w, col->default_expr);
	}
}

/* A constraint as a table constraint ("FOREIGN KEY (c) REFERENCES …" for one written on a
 * column). */
static void constraint_def(struct writer *w, const struct cmig_sch_constraint *k)
{
	if (k->name) {
		put(w, "CONSTRAINT ");
		putq(w, k->name);
		put(w, " ");
	}
	if (w->sqlite && k->column_level && k->kind != CMIG_SCH_CHECK) {
		put(w, k->kind == CMIG_SCH_FOREIGN ? "FOREIGN KEY (" :
		       k->kind == CMIG_SCH_PRIMARY ? "PRIMARY KEY (" : "UNIQUE (");
		for (size_t i = 0; i < k->cols.n; i++) {
			if (i)
				put(w, ", ");
			putq(w, k->cols.items[i]);
		}
		put(w, ")");
		if (k->kind == CMIG_SCH_FOREIGN) {
			put(w, " ");
			put(w, k->definition);
		}
		return;
	}
	put(w, k->definition);
}

static const char *cons_name(const struct cmig_sch_constraint *k)
{
	return k->name ? k->name : k->pg_name;
}

static void pg_create_table(struct writer *w, const struct cmig_sch_table *t)
{
	size_t items = 0;
	put(w, "CREATE TABLE ");
	qname(w, t->schema, t->name);
	put(w, " (");
	for (size_t i = 0; i < t->columns.n; i++) {
		put(w, items++ ? ",\n    " : "\n    ");
		if (!w->rc)
			w->rc = cmig_schema_pg_column(w->b, w->c->to, t, &t->columns.items[i]);
	}
	for (size_t k = 0; k < t->constraints.n; k++) {
		const struct cmig_sch_constraint *ck = &t->constraints.items[k];
		if (ck->kind == CMIG_SCH_FOREIGN || ck->kind == CMIG_SCH_EXCLUDE)
			continue; /* foreign keys once every table exists */
		put(w, items++ ? ",\n    " : "\n    ");
		constraint_def(w, ck);
	}
	put(w, "\n)");
}

static void seq_body(struct writer *w, const struct cmig_sch_sequence *q)
{
	char num[256];
	snprintf(num, sizeof(num), " AS %s INCREMENT BY %lld MINVALUE %lld MAXVALUE %lld START WITH %lld "
	         "CACHE %lld %sCYCLE", q->data_type ? q->data_type : "bigint", q->increment, q->min,
	         q->max, q->start, q->cache, q->cycle ? "" : "NO ");
	put(w, num);
}

static void grant_object(struct writer *w, const struct cmig_sch_grant *g)
{
	switch (g->objkind) {
	case 's': put(w, "SEQUENCE "); break;
	case 'f': put(w, "FUNCTION "); break;
	default: put(w, "TABLE "); break;
	}
	if (g->objkind == 'f') {
		const char *paren = strchr(g->name, '(');
		char *fname = paren ? cmig_strndup(g->name, (size_t)(paren - g->name)) : NULL;
		if (!fname) {
			w->rc = -8;
			return;
		}
		qname(w, g->schema, fname);
		put(w, paren);
		free(fname);
	} else {
		qname(w, g->schema, g->name);
	}
}

static void grantee(struct writer *w, const char *who)
{
	if (strcmp(who, "PUBLIC") == 0)
		put(w, "PUBLIC");
	else
		putq(w, who);
}

/* One change's statement(s), without the final ";\n". */
static void write_change(struct writer *w, const struct cmig_change *c)
{
	switch (c->kind) {
	case CMIG_CHG_CREATE_EXTENSION:
		put(w, "CREATE EXTENSION IF NOT EXISTS ");
		putq(w, c->schema);
		if (c->name && strcmp(c->name, "public") != 0) {
			put(w, " WITH SCHEMA ");
			putq(w, c->name);
		}
		break;
	case CMIG_CHG_DROP_EXTENSION:
		put(w, "DROP EXTENSION ");
		putq(w, c->schema);
		break;
	case CMIG_CHG_CREATE_SCHEMA:
		put(w, "CREATE SCHEMA ");
		putq(w, c->schema);
		break;
	case CMIG_CHG_DROP_SCHEMA:
		put(w, "DROP SCHEMA ");
		putq(w, c->schema);
		break;
	case CMIG_CHG_CREATE_ENUM:
		put(w, "CREATE TYPE ");
		qname(w, c->enumtype->schema, c->enumtype->name);
		put(w, " AS ENUM (");
		for (size_t i = 0; i < c->enumtype->labels.n; i++) {
			if (i)
				put(w, ", ");
			literal(w, c->enumtype->labels.items[i]);
		}
		put(w, ")");
		break;
	case CMIG_CHG_ADD_ENUM_VALUE:
		put(w, "ALTER TYPE ");
		qname(w, c->enumtype->schema, c->enumtype->name);
		put(w, " ADD VALUE IF NOT EXISTS ");
		literal(w, c->name);
		if (c->new_name) {
			put(w, " AFTER ");
			literal(w, c->new_name);
		} else if (c->enumtype->labels.n > 1) {
			put(w, " BEFORE ");
			literal(w, c->enumtype->labels.items[1]);
		}
		break;
	case CMIG_CHG_DROP_ENUM:
		put(w, "DROP TYPE ");
		qname(w, c->enumtype->schema, c->enumtype->name);
		break;
	case CMIG_CHG_CREATE_DOMAIN: {
		const struct cmig_sch_domain *m = c->domain;
		put(w, "CREATE DOMAIN ");
		qname(w, m->schema, m->name);
		put(w, " AS ");
		put(w, m->base_type);
		if (m->collation) {
			put(w, " COLLATE ");
			putq(w, m->collation);
		}
		if (m->default_expr) {
			put(w, " DEFAULT ");
			put(w, m->default_expr);
		}
		if (m->not_null)
			put(w, " NOT NULL");
		for (size_t k = 0; k + 1 < m->checks.n; k += 2) {
			put(w, " CONSTRAINT ");
			putq(w, m->checks.items[k]);
			put(w, " ");
			put(w, m->checks.items[k + 1]);
		}
		break;
	}
	case CMIG_CHG_ALTER_DOMAIN: {
		/* each part of the domain as its own ALTER DOMAIN */
		const struct cmig_sch_domain *m = c->domain, *a = (const void *)c->name;
		bool first = true;
#define NEXT() do { if (!first) put(w, ";\n"); first = false; put(w, "ALTER DOMAIN "); \
		qname(w, m->schema, m->name); put(w, " "); } while (0)
		if (strcmp(a->base_type, m->base_type) != 0 || (a->collation != m->collation &&
		    (!a->collation || !m->collation || strcmp(a->collation, m->collation)))) {
			put(w, "-- cmig: the base type of domain ");
			put(w, m->name);
			put(w, " changed: not written (PostgreSQL cannot alter it)\n");
		}
		if (!a->default_expr != !m->default_expr ||
		    (a->default_expr && strcmp(a->default_expr, m->default_expr))) {
			NEXT();
			if (m->default_expr) {
				put(w, "SET DEFAULT ");
				put(w, m->default_expr);
			} else {
				put(w, "DROP DEFAULT");
			}
		}
		if (a->not_null != m->not_null) {
			NEXT();
			put(w, m->not_null ? "SET NOT NULL" : "DROP NOT NULL");
		}
		for (size_t k = 0; k + 1 < a->checks.n; k += 2) {
			bool keep = false;
			for (size_t j = 0; j + 1 < m->checks.n; j += 2)
				keep |= strcmp(a->checks.items[k + 1], m->checks.items[j + 1]) == 0 &&
				        strcmp(a->checks.items[k], m->checks.items[j]) == 0;
			if (!keep) {
				NEXT();
				put(w, "DROP CONSTRAINT ");
				putq(w, a->checks.items[k]);
			}
		}
		for (size_t j = 0; j + 1 < m->checks.n; j += 2) {
			bool have = false;
			for (size_t k = 0; k + 1 < a->checks.n; k += 2)
				have |= strcmp(a->checks.items[k + 1], m->checks.items[j + 1]) == 0 &&
				        strcmp(a->checks.items[k], m->checks.items[j]) == 0;
			if (!have) {
				NEXT();
				put(w, "ADD CONSTRAINT ");
				putq(w, m->checks.items[j]);
				put(w, " ");
				put(w, m->checks.items[j + 1]);
			}
		}
#undef NEXT
		if (first) /* nothing but a comment */
			put(w, "SELECT 1");
		break;
	}
	case CMIG_CHG_DROP_DOMAIN:
		put(w, "DROP DOMAIN ");
		qname(w, c->domain->schema, c->domain->name);
		break;
	case CMIG_CHG_CREATE_SEQUENCE:
		put(w, "CREATE SEQUENCE ");
		qname(w, c->sequence->schema, c->sequence->name);
		seq_body(w, c->sequence); /* OWNED BY comes later, as ALTER SEQUENCE */
		break;
	case CMIG_CHG_ALTER_SEQUENCE:
		put(w, "ALTER SEQUENCE ");
		qname(w, c->sequence->schema, c->sequence->name);
		seq_body(w, c->sequence);
		put(w, " OWNED BY ");
		if (c->sequence->owned_by_table) {
			qname(w, c->sequence->schema, c->sequence->owned_by_table);
			put(w, ".");
			putq(w, c->sequence->owned_by_column);
		} else {
			put(w, "NONE");
		}
		break;
	case CMIG_CHG_DROP_SEQUENCE:
		put(w, "DROP SEQUENCE ");
		qname(w, c->sequence->schema, c->sequence->name);
		break;
	case CMIG_CHG_CREATE_FUNCTION:
	case CMIG_CHG_REPLACE_FUNCTION:
		/* pg_get_functiondef writes CREATE OR REPLACE: a changed body replaces the old one
		 * in place (its triggers, grants and comment stay) */
		stmt_text(w, c->function->definition);
		break;
	case CMIG_CHG_DROP_FUNCTION:
		put(w, c->function->kind == 'p' ? "DROP PROCEDURE " : "DROP FUNCTION ");
		qname(w, c->function->schema, c->function->name);
		put(w, "(");
		put(w, c->function->identity_args);
		put(w, ")");
		break;
	case CMIG_CHG_CREATE_TABLE:
		if (w->sqlite)
			stmt_text(w, c->table->sql);
		else
			pg_create_table(w, c->table);
		break;
	case CMIG_CHG_DROP_TABLE:
		put(w, "DROP TABLE ");
		qname(w, c->table->schema, c->table->name);
		break;
	case CMIG_CHG_RENAME_TABLE:
		put(w, "ALTER TABLE ");
		qname(w, c->from_table->schema, c->name);
		put(w, " RENAME TO ");
		putq(w, c->new_name);
		break;
	case CMIG_CHG_ADD_COLUMN:
		alter_table(w, c->table);
		put(w, "ADD COLUMN ");
		if (w->sqlite)
			sqlite_column_text(w, c->table, c->column);
		else if (!w->rc)
			w->rc = cmig_schema_pg_column(w->b, w->c->to, c->table, c->column);
		break;
	case CMIG_CHG_DROP_COLUMN:
		alter_table(w, c->table);
		put(w, "DROP COLUMN ");
		putq(w, c->column->name);
		break;
	case CMIG_CHG_RENAME_COLUMN:
		alter_table(w, c->table);
		put(w, "RENAME COLUMN ");
		putq(w, c->name);
		put(w, " TO ");
		putq(w, c->new_name);
		break;
	case CMIG_CHG_ALTER_TYPE:
		alter_table(w, c->table);
		put(w, "ALTER COLUMN ");
		putq(w, c->column->name);
		put(w, " TYPE ");
		put(w, w->sqlite ? (*c->column->decl_type ? c->column->decl_type : "BLOB")
		                 : c->column->type);
		if (c->column->collation) {
			put(w, " COLLATE ");
			if (w->sqlite)
				put(w, c->column->collation);
			else
				putq(w, c->column->collation);
		} else if (c->from_column && c->from_column->collation) {
			/* back to the default collation */
			put(w, w->sqlite ? " COLLATE BINARY" : " COLLATE \"default\"");
		}
		if (!w->sqlite) {
			put(w, " USING ");
			putq(w, c->column->name);
			put(w, "::");
			put(w, c->column->type);
		}
		break;
	case CMIG_CHG_SET_DEFAULT:
		alter_table(w, c->table);
		put(w, "ALTER COLUMN ");
		putq(w, c->column->name);
		put(w, " SET DEFAULT ");
		put(w, c->column->default_expr);
		break;
	case CMIG_CHG_DROP_DEFAULT:
		alter_table(w, c->table);
		put(w, "ALTER COLUMN ");
		putq(w, c->column->name);
		put(w, " DROP DEFAULT");
		break;
	case CMIG_CHG_SET_NOT_NULL:
	case CMIG_CHG_DROP_NOT_NULL:
		alter_table(w, c->table);
		put(w, "ALTER COLUMN ");
		putq(w, c->column->name);
		put(w, c->kind == CMIG_CHG_SET_NOT_NULL ? " SET NOT NULL" : " DROP NOT NULL");
		break;
	case CMIG_CHG_ADD_IDENTITY:
		alter_table(w, c->table);
		put(w, "ALTER COLUMN ");
		putq(w, c->column->name);
		put(w, c->column->identity == 'a' ? " ADD GENERATED ALWAYS AS IDENTITY"
		                                  : " ADD GENERATED BY DEFAULT AS IDENTITY");
		if (c->text)
			put(w, c->text);
		break;
	case CMIG_CHG_ALTER_IDENTITY:
		alter_table(w, c->table);
		put(w, "ALTER COLUMN ");
		putq(w, c->column->name);
		put(w, c->text);
		break;
	case CMIG_CHG_DROP_IDENTITY:
		alter_table(w, c->table);
		put(w, "ALTER COLUMN ");
		putq(w, c->column->name);
		put(w, " DROP IDENTITY");
		break;
	case CMIG_CHG_ADD_CONSTRAINT:
		alter_table(w, c->table);
		put(w, "ADD ");
		constraint_def(w, c->cons);
		break;
	case CMIG_CHG_DROP_CONSTRAINT:
		alter_table(w, c->table);
		put(w, "DROP CONSTRAINT ");
		putq(w, cons_name(c->cons));
		break;
	case CMIG_CHG_RENAME_CONSTRAINT:
		alter_table(w, c->table);
		put(w, "RENAME CONSTRAINT ");
		putq(w, c->name);
		put(w, " TO ");
		putq(w, c->new_name);
		break;
	case CMIG_CHG_CREATE_INDEX:
		stmt_text(w, c->index->definition);
		break;
	case CMIG_CHG_DROP_INDEX:
		put(w, "DROP INDEX ");
		qname(w, c->index->schema, c->index->name);
		break;
	case CMIG_CHG_RENAME_INDEX:
		put(w, "ALTER INDEX ");
		qname(w, c->index->schema, c->name);
		put(w, " RENAME TO ");
		putq(w, c->new_name);
		break;
	case CMIG_CHG_CREATE_VIEW:
		if (w->sqlite) {
			stmt_text(w, c->view->definition);
		} else {
			put(w, "CREATE VIEW ");
			qname(w, c->view->schema, c->view->name);
			put(w, " AS\n");
			stmt_text(w, c->view->definition);
		}
		break;
	case CMIG_CHG_DROP_VIEW:
		put(w, "DROP VIEW ");
		qname(w, c->view->schema, c->view->name);
		break;
	case CMIG_CHG_CREATE_TRIGGER:
		stmt_text(w, c->trigger->definition);
		if (!c->trigger->enabled) {
			put(w, ";\nALTER TABLE ");
			qname(w, c->trigger->schema, c->trigger->table);
			put(w, " DISABLE TRIGGER ");
			putq(w, c->trigger->name);
		}
		break;
	case CMIG_CHG_DROP_TRIGGER:
		put(w, "DROP TRIGGER ");
		putq(w, c->trigger->name);
		if (!w->sqlite) {
			put(w, " ON ");
			qname(w, c->trigger->schema, c->trigger->table);
		}
		break;
	case CMIG_CHG_COMMENT:
		put(w, "COMMENT ON ");
		put(w, c->name);
		put(w, " ");
		if (c->trigger) {
			putq(w, c->trigger->name);
			put(w, " ON ");
			qname(w, c->trigger->schema, c->trigger->table);
		} else {
			/* target: schema \x1f name \x1f column */
			const char *t = c->target, *s1 = strchr(t, '\x1f'), *s2 = s1 ? strchr(s1 + 1, '\x1f') : NULL;
			char *schema = s1 ? cmig_strndup(t, (size_t)(s1 - t)) : NULL;
			char *name = s2 ? cmig_strndup(s1 + 1, (size_t)(s2 - s1 - 1)) : NULL;
			if (!schema || !name) {
				free(schema);
				free(name);
				w->rc = -8;
				return;
			}
			const char *paren = strchr(name, '(');
			if (paren) { /* function(args): quote the name only */
				char *fn = cmig_strndup(name, (size_t)(paren - name));
				qname(w, *schema ? schema : NULL, fn ? fn : name);
				put(w, paren);
				free(fn);
			} else {
				qname(w, *schema ? schema : NULL, name);
			}
			if (s2[1]) {
				put(w, ".");
				putq(w, s2 + 1);
			}
			free(schema);
			free(name);
		}
		put(w, " IS ");
		if (c->text)
			literal(w, c->text);
		else
			put(w, "NULL");
		break;
	case CMIG_CHG_GRANT:
		put(w, "GRANT ");
		put(w, c->grant->privilege);
		put(w, " ON ");
		grant_object(w, c->grant);
		put(w, " TO ");
		grantee(w, c->grant->grantee);
		if (c->grant->grantable)
			put(w, " WITH GRANT OPTION");
		break;
	case CMIG_CHG_REVOKE:
		put(w, "REVOKE ");
		put(w, c->grant->privilege);
		put(w, " ON ");
		grant_object(w, c->grant);
		put(w, " FROM ");
		grantee(w, c->grant->grantee);
		break;
	case CMIG_CHG_DROP_ENUM_VALUE:
	case CMIG_CHG_MAYBE_RENAME:
	case CMIG_CHG_UNSUPPORTED:
	case CMIG_CHG_NEEDS_HAND:
		break;
	}
}

static bool has_sql(cmig_change_kind k)
{
	return k != CMIG_CHG_MAYBE_RENAME && k != CMIG_CHG_UNSUPPORTED &&
	       k != CMIG_CHG_NEEDS_HAND && k != CMIG_CHG_DROP_ENUM_VALUE;
}

int cmig_changes_write(cmig_buf *out, const struct cmig_changes *c, cmig_sch_dialect dialect,
                       unsigned only_flags, unsigned skip_flags)
{
	struct writer w = { out, c, dialect == CMIG_SCH_SQLITE, 0 };
	for (size_t i = 0; i < c->items.n && !w.rc; i++) {
		const struct cmig_change *ch = &c->items.items[i];
		if (!has_sql(ch->kind) || (only_flags && !(ch->flags & only_flags)) ||
		    (ch->flags & skip_flags))
			continue;
		if (ch->flags & CMIG_CHGF_DROPS_DATA)
			put(&w, "-- cmig: drops data\n");
		if (ch->flags & CMIG_CHGF_FAILS_IF_ROWS) {
			put(&w, "-- cmig: fails if the table has rows that ");
			put(&w, ch->text);
			put(&w, "\n");
		}
		write_change(&w, ch);
		put(&w, ";\n");
	}
	return w.rc ? -8 : 0;
}

int cmig_change_describe(cmig_buf *out, const struct cmig_change *c)
{
	struct writer w = { out, NULL, false, 0 };
	switch (c->kind) {
	case CMIG_CHG_MAYBE_RENAME:
		if (c->from_column)
			cmig_buf_printf(out, "table %s: column %s is gone and column %s is new: a rename? "
			                "say --rename '%s.%s:%s' (or drop and add with a "
			                "'-- cmig:renamed-from' line saying otherwise)", c->table->name,
			                c->name, c->new_name, c->table->name, c->name, c->new_name);
		else
			cmig_buf_printf(out, "table %s is gone and table %s is new: a rename? say "
			                "--rename '%s:%s'", c->name, c->new_name, c->name, c->new_name);
		return 0;
	case CMIG_CHG_UNSUPPORTED:
		return cmig_buf_puts(out, c->text);
	case CMIG_CHG_NEEDS_HAND:
		if (!c->table)
			return cmig_buf_puts(out, c->text);
		return cmig_buf_printf(out, "table %s: %s", c->table->name, c->text);
	case CMIG_CHG_DROP_ENUM_VALUE:
		return cmig_buf_printf(out, "type %s: value '%s' was removed: %s", c->enumtype->name,
		                       c->name, c->text);
	default:
		break;
	}
	/* everything else: its SQL, on one line */
	size_t start = out->len;
	w.sqlite = true; /* any: the text is for people */
	w.c = NULL;
	if (c->kind == CMIG_CHG_CREATE_TABLE || c->kind == CMIG_CHG_ADD_COLUMN) {
		cmig_buf_printf(out, "%s %s%s%s", c->kind == CMIG_CHG_CREATE_TABLE ? "create table" :
		                "add column", c->table->name, c->column ? "." : "",
		                c->column ? c->column->name : "");
		return 0;
	}
	write_change(&w, c);
	for (size_t i = start; i < out->len; i++)
		if (out->ptr[i] == '\n')
			out->ptr[i] = ' ';
	return w.rc;
}
