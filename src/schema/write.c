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

#include "emit.h"
#include "sqltext.h"
#include "table.h"

struct writer {
	struct cmig_emit e; /* qualified outside public on PostgreSQL, never on SQLite */
	const struct cmig_changes *c;
	bool sqlite;
};

static void stmt_text(struct writer *w, const char *text)
{
	size_t n = strlen(text);
	while (n && (text[n - 1] == ' ' || text[n - 1] == '\n' || text[n - 1] == ';' ||
	             text[n - 1] == '\t'))
		n--;
	cmig_emit_add(&w->e, text, n);
}

static void alter_table(struct writer *w, const struct cmig_sch_table *t)
{
	cmig_emit_put(&w->e, "ALTER TABLE ");
	cmig_emit_qname(&w->e, t->schema, t->name);
	cmig_emit_put(&w->e, " ");
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
			cmig_emit_put(&w->e, parsed.cols[i].text);
		cmig_table_release(&parsed);
		if (i >= 0) {
			cmig_diags_release(&d);
			return;
		}
	}
	cmig_diags_release(&d);
	/* not parseable: print it from its parts */
	cmig_emit_name(&w->e, col->name);
	if (col->decl_type && *col->decl_type) {
		cmig_emit_put(&w->e, " ");
		cmig_emit_put(&w->e, col->decl_type);
	}
	if (col->not_null)
		cmig_emit_put(&w->e, " NOT NULL");
	if (col->default_expr) {
		cmig_emit_put(&w->e, " DEFAULT ");
		cmig_emit_put(&w->e, col->default_expr);
	}
}

/* A constraint as a table constraint ("FOREIGN KEY (c) REFERENCES …" for one written on a
 * column). */
static void constraint_def(struct writer *w, const struct cmig_sch_constraint *k)
{
	if (k->name) {
		cmig_emit_put(&w->e, "CONSTRAINT ");
		cmig_emit_name(&w->e, k->name);
		cmig_emit_put(&w->e, " ");
	}
	if (w->sqlite && k->column_level && k->kind != CMIG_SCH_CHECK) {
		cmig_emit_put(&w->e, k->kind == CMIG_SCH_FOREIGN ? "FOREIGN KEY (" :
		       k->kind == CMIG_SCH_PRIMARY ? "PRIMARY KEY (" : "UNIQUE (");
		for (size_t i = 0; i < k->cols.n; i++) {
			if (i)
				cmig_emit_put(&w->e, ", ");
			cmig_emit_name(&w->e, k->cols.items[i]);
		}
		cmig_emit_put(&w->e, ")");
		if (k->kind == CMIG_SCH_FOREIGN) {
			cmig_emit_put(&w->e, " ");
			cmig_emit_put(&w->e, k->definition);
		}
		return;
	}
	cmig_emit_put(&w->e, k->definition);
}

static const char *cons_name(const struct cmig_sch_constraint *k)
{
	return k->name ? k->name : k->pg_name;
}

static void pg_create_table(struct writer *w, const struct cmig_sch_table *t)
{
	size_t items = 0;
	cmig_emit_put(&w->e, "CREATE TABLE ");
	cmig_emit_qname(&w->e, t->schema, t->name);
	cmig_emit_put(&w->e, " (");
	for (size_t i = 0; i < t->columns.n; i++) {
		cmig_emit_put(&w->e, items++ ? ",\n    " : "\n    ");
		cmig_emit_pg_column(&w->e, w->c->to, t, &t->columns.items[i]);
	}
	for (size_t k = 0; k < t->constraints.n; k++) {
		const struct cmig_sch_constraint *ck = &t->constraints.items[k];
		if (ck->kind == CMIG_SCH_FOREIGN || ck->kind == CMIG_SCH_EXCLUDE)
			continue; /* foreign keys once every table exists */
		cmig_emit_put(&w->e, items++ ? ",\n    " : "\n    ");
		constraint_def(w, ck);
	}
	cmig_emit_put(&w->e, "\n)");
}

static void grant_object(struct writer *w, const struct cmig_sch_grant *g)
{
	switch (g->objkind) {
	case 's': cmig_emit_put(&w->e, "SEQUENCE "); break;
	case 'f': cmig_emit_put(&w->e, "FUNCTION "); break;
	default: cmig_emit_put(&w->e, "TABLE "); break;
	}
	if (g->objkind == 'f')
		cmig_emit_signature(&w->e, g->schema, g->name);
	else
		cmig_emit_qname(&w->e, g->schema, g->name);
}

/* One change's statement(s), without the final ";\n". */
static void write_change(struct writer *w, const struct cmig_change *c)
{
	switch (c->kind) {
	case CMIG_CHG_CREATE_EXTENSION:
		cmig_emit_put(&w->e, "CREATE EXTENSION IF NOT EXISTS ");
		cmig_emit_name(&w->e, c->schema);
		if (c->name && strcmp(c->name, "public") != 0) {
			cmig_emit_put(&w->e, " WITH SCHEMA ");
			cmig_emit_name(&w->e, c->name);
		}
		break;
	case CMIG_CHG_DROP_EXTENSION:
		cmig_emit_put(&w->e, "DROP EXTENSION ");
		cmig_emit_name(&w->e, c->schema);
		break;
	case CMIG_CHG_CREATE_SCHEMA:
		cmig_emit_put(&w->e, "CREATE SCHEMA ");
		cmig_emit_name(&w->e, c->schema);
		break;
	case CMIG_CHG_DROP_SCHEMA:
		cmig_emit_put(&w->e, "DROP SCHEMA ");
		cmig_emit_name(&w->e, c->schema);
		break;
	case CMIG_CHG_CREATE_ENUM:
		cmig_emit_create_enum(&w->e, c->enumtype);
		break;
	case CMIG_CHG_ADD_ENUM_VALUE:
		cmig_emit_put(&w->e, "ALTER TYPE ");
		cmig_emit_qname(&w->e, c->enumtype->schema, c->enumtype->name);
		cmig_emit_put(&w->e, " ADD VALUE IF NOT EXISTS ");
		cmig_emit_literal(&w->e, c->name);
		if (c->new_name) {
			cmig_emit_put(&w->e, " AFTER ");
			cmig_emit_literal(&w->e, c->new_name);
		} else if (c->target) {
			cmig_emit_put(&w->e, " BEFORE ");
			cmig_emit_literal(&w->e, c->target);
		}
		break;
	case CMIG_CHG_DROP_ENUM:
		cmig_emit_put(&w->e, "DROP TYPE ");
		cmig_emit_qname(&w->e, c->enumtype->schema, c->enumtype->name);
		break;
	case CMIG_CHG_CREATE_DOMAIN:
		cmig_emit_create_domain(&w->e, c->domain);
		break;
	case CMIG_CHG_ALTER_DOMAIN: {
		/* each part of the domain as its own ALTER DOMAIN */
		const struct cmig_sch_domain *m = c->domain, *a = (const void *)c->name;
		bool first = true;
#define NEXT() do { if (!first) cmig_emit_put(&w->e, ";\n"); first = false; cmig_emit_put(&w->e, "ALTER DOMAIN "); \
		cmig_emit_qname(&w->e, m->schema, m->name); cmig_emit_put(&w->e, " "); } while (0)
		if (strcmp(a->base_type, m->base_type) != 0 || (a->collation != m->collation &&
		    (!a->collation || !m->collation || strcmp(a->collation, m->collation)))) {
			cmig_emit_put(&w->e, "-- cmig: the base type of domain ");
			cmig_emit_put(&w->e, m->name);
			cmig_emit_put(&w->e, " changed: not written (PostgreSQL cannot alter it)\n");
		}
		if (!a->default_expr != !m->default_expr ||
		    (a->default_expr && strcmp(a->default_expr, m->default_expr))) {
			NEXT();
			if (m->default_expr) {
				cmig_emit_put(&w->e, "SET DEFAULT ");
				cmig_emit_put(&w->e, m->default_expr);
			} else {
				cmig_emit_put(&w->e, "DROP DEFAULT");
			}
		}
		if (a->not_null != m->not_null) {
			NEXT();
			cmig_emit_put(&w->e, m->not_null ? "SET NOT NULL" : "DROP NOT NULL");
		}
		for (size_t k = 0; k + 1 < a->checks.n; k += 2) {
			bool keep = false;
			for (size_t j = 0; j + 1 < m->checks.n; j += 2)
				keep |= strcmp(a->checks.items[k + 1], m->checks.items[j + 1]) == 0 &&
				        strcmp(a->checks.items[k], m->checks.items[j]) == 0;
			if (!keep) {
				NEXT();
				cmig_emit_put(&w->e, "DROP CONSTRAINT ");
				cmig_emit_name(&w->e, a->checks.items[k]);
			}
		}
		for (size_t j = 0; j + 1 < m->checks.n; j += 2) {
			bool have = false;
			for (size_t k = 0; k + 1 < a->checks.n; k += 2)
				have |= strcmp(a->checks.items[k + 1], m->checks.items[j + 1]) == 0 &&
				        strcmp(a->checks.items[k], m->checks.items[j]) == 0;
			if (!have) {
				NEXT();
				cmig_emit_put(&w->e, "ADD CONSTRAINT ");
				cmig_emit_name(&w->e, m->checks.items[j]);
				cmig_emit_put(&w->e, " ");
				cmig_emit_put(&w->e, m->checks.items[j + 1]);
			}
		}
#undef NEXT
		if (first) /* nothing but a comment */
			cmig_emit_put(&w->e, "SELECT 1");
		break;
	}
	case CMIG_CHG_DROP_DOMAIN:
		cmig_emit_put(&w->e, "DROP DOMAIN ");
		cmig_emit_qname(&w->e, c->domain->schema, c->domain->name);
		break;
	case CMIG_CHG_CREATE_SEQUENCE:
		cmig_emit_put(&w->e, "CREATE SEQUENCE ");
		cmig_emit_qname(&w->e, c->sequence->schema, c->sequence->name);
		cmig_emit_seq_all(&w->e, c->sequence); /* OWNED BY comes later, as ALTER SEQUENCE */
		break;
	case CMIG_CHG_ALTER_SEQUENCE:
		cmig_emit_put(&w->e, "ALTER SEQUENCE ");
		cmig_emit_qname(&w->e, c->sequence->schema, c->sequence->name);
		cmig_emit_seq_all(&w->e, c->sequence);
		cmig_emit_put(&w->e, " OWNED BY ");
		if (c->sequence->owned_by_table) {
			cmig_emit_qname(&w->e, c->sequence->schema, c->sequence->owned_by_table);
			cmig_emit_put(&w->e, ".");
			cmig_emit_name(&w->e, c->sequence->owned_by_column);
		} else {
			cmig_emit_put(&w->e, "NONE");
		}
		break;
	case CMIG_CHG_DROP_SEQUENCE:
		cmig_emit_put(&w->e, "DROP SEQUENCE ");
		cmig_emit_qname(&w->e, c->sequence->schema, c->sequence->name);
		break;
	case CMIG_CHG_CREATE_FUNCTION:
	case CMIG_CHG_REPLACE_FUNCTION:
		/* pg_get_functiondef writes CREATE OR REPLACE: a changed body replaces the old one
		 * in place (its triggers, grants and comment stay) */
		stmt_text(w, c->function->definition);
		break;
	case CMIG_CHG_DROP_FUNCTION:
		cmig_emit_put(&w->e, c->function->kind == 'p' ? "DROP PROCEDURE " : "DROP FUNCTION ");
		cmig_emit_qname(&w->e, c->function->schema, c->function->name);
		cmig_emit_put(&w->e, "(");
		cmig_emit_put(&w->e, c->function->identity_args);
		cmig_emit_put(&w->e, ")");
		break;
	case CMIG_CHG_CREATE_TABLE:
		if (w->sqlite)
			stmt_text(w, c->table->sql);
		else
			pg_create_table(w, c->table);
		break;
	case CMIG_CHG_DROP_TABLE:
		cmig_emit_put(&w->e, "DROP TABLE ");
		cmig_emit_qname(&w->e, c->table->schema, c->table->name);
		break;
	case CMIG_CHG_RENAME_TABLE:
		cmig_emit_put(&w->e, "ALTER TABLE ");
		cmig_emit_qname(&w->e, c->from_table->schema, c->name);
		cmig_emit_put(&w->e, " RENAME TO ");
		cmig_emit_name(&w->e, c->new_name);
		break;
	case CMIG_CHG_ADD_COLUMN:
		alter_table(w, c->table);
		cmig_emit_put(&w->e, "ADD COLUMN ");
		if (w->sqlite)
			sqlite_column_text(w, c->table, c->column);
		else
			cmig_emit_pg_column(&w->e, w->c->to, c->table, c->column);
		break;
	case CMIG_CHG_DROP_COLUMN:
		alter_table(w, c->table);
		cmig_emit_put(&w->e, "DROP COLUMN ");
		cmig_emit_name(&w->e, c->column->name);
		break;
	case CMIG_CHG_RENAME_COLUMN:
		alter_table(w, c->table);
		cmig_emit_put(&w->e, "RENAME COLUMN ");
		cmig_emit_name(&w->e, c->name);
		cmig_emit_put(&w->e, " TO ");
		cmig_emit_name(&w->e, c->new_name);
		break;
	case CMIG_CHG_ALTER_TYPE:
		alter_table(w, c->table);
		cmig_emit_put(&w->e, "ALTER COLUMN ");
		cmig_emit_name(&w->e, c->column->name);
		cmig_emit_put(&w->e, " TYPE ");
		cmig_emit_put(&w->e, w->sqlite ? (*c->column->decl_type ? c->column->decl_type : "BLOB")
		                 : c->column->type);
		if (c->column->collation) {
			cmig_emit_put(&w->e, " COLLATE ");
			if (w->sqlite)
				cmig_emit_put(&w->e, c->column->collation);
			else
				cmig_emit_name(&w->e, c->column->collation);
		} else if (c->from_column && c->from_column->collation) {
			/* back to the default collation */
			cmig_emit_put(&w->e, w->sqlite ? " COLLATE BINARY" : " COLLATE \"default\"");
		}
		if (!w->sqlite) {
			cmig_emit_put(&w->e, " USING ");
			cmig_emit_name(&w->e, c->column->name);
			cmig_emit_put(&w->e, "::");
			cmig_emit_put(&w->e, c->column->type);
		}
		break;
	case CMIG_CHG_SET_DEFAULT:
		alter_table(w, c->table);
		cmig_emit_put(&w->e, "ALTER COLUMN ");
		cmig_emit_name(&w->e, c->column->name);
		cmig_emit_put(&w->e, " SET DEFAULT ");
		cmig_emit_put(&w->e, c->column->default_expr);
		break;
	case CMIG_CHG_DROP_DEFAULT:
		alter_table(w, c->table);
		cmig_emit_put(&w->e, "ALTER COLUMN ");
		cmig_emit_name(&w->e, c->column->name);
		cmig_emit_put(&w->e, " DROP DEFAULT");
		break;
	case CMIG_CHG_SET_NOT_NULL:
	case CMIG_CHG_DROP_NOT_NULL:
		alter_table(w, c->table);
		cmig_emit_put(&w->e, "ALTER COLUMN ");
		cmig_emit_name(&w->e, c->column->name);
		cmig_emit_put(&w->e, c->kind == CMIG_CHG_SET_NOT_NULL ? " SET NOT NULL" : " DROP NOT NULL");
		break;
	case CMIG_CHG_ADD_IDENTITY:
		alter_table(w, c->table);
		cmig_emit_put(&w->e, "ALTER COLUMN ");
		cmig_emit_name(&w->e, c->column->name);
		cmig_emit_put(&w->e, c->column->identity == 'a' ? " ADD GENERATED ALWAYS AS IDENTITY"
		                                  : " ADD GENERATED BY DEFAULT AS IDENTITY");
		if (c->text)
			cmig_emit_put(&w->e, c->text);
		break;
	case CMIG_CHG_ALTER_IDENTITY:
		alter_table(w, c->table);
		cmig_emit_put(&w->e, "ALTER COLUMN ");
		cmig_emit_name(&w->e, c->column->name);
		cmig_emit_put(&w->e, c->text);
		break;
	case CMIG_CHG_DROP_IDENTITY:
		alter_table(w, c->table);
		cmig_emit_put(&w->e, "ALTER COLUMN ");
		cmig_emit_name(&w->e, c->column->name);
		cmig_emit_put(&w->e, " DROP IDENTITY");
		break;
	case CMIG_CHG_ADD_CONSTRAINT:
		alter_table(w, c->table);
		cmig_emit_put(&w->e, "ADD ");
		constraint_def(w, c->cons);
		break;
	case CMIG_CHG_DROP_CONSTRAINT:
		/* drops run before renames: a renamed table still has its old name here */
		alter_table(w, c->from_table ? c->from_table : c->table);
		cmig_emit_put(&w->e, "DROP CONSTRAINT ");
		cmig_emit_name(&w->e, cons_name(c->cons));
		break;
	case CMIG_CHG_RENAME_CONSTRAINT:
		alter_table(w, c->table);
		cmig_emit_put(&w->e, "RENAME CONSTRAINT ");
		cmig_emit_name(&w->e, c->name);
		cmig_emit_put(&w->e, " TO ");
		cmig_emit_name(&w->e, c->new_name);
		break;
	case CMIG_CHG_CREATE_INDEX:
		stmt_text(w, c->index->definition);
		break;
	case CMIG_CHG_DROP_INDEX:
		cmig_emit_put(&w->e, "DROP INDEX ");
		cmig_emit_qname(&w->e, c->index->schema, c->index->name);
		break;
	case CMIG_CHG_RENAME_INDEX:
		cmig_emit_put(&w->e, "ALTER INDEX ");
		cmig_emit_qname(&w->e, c->index->schema, c->name);
		cmig_emit_put(&w->e, " RENAME TO ");
		cmig_emit_name(&w->e, c->new_name);
		break;
	case CMIG_CHG_CREATE_VIEW:
		if (w->sqlite) {
			stmt_text(w, c->view->definition);
		} else {
			cmig_emit_put(&w->e, "CREATE VIEW ");
			cmig_emit_qname(&w->e, c->view->schema, c->view->name);
			cmig_emit_put(&w->e, " AS\n");
			stmt_text(w, c->view->definition);
		}
		break;
	case CMIG_CHG_DROP_VIEW:
		cmig_emit_put(&w->e, "DROP VIEW ");
		cmig_emit_qname(&w->e, c->view->schema, c->view->name);
		break;
	case CMIG_CHG_CREATE_TRIGGER:
		stmt_text(w, c->trigger->definition);
		if (!c->trigger->enabled) {
			cmig_emit_put(&w->e, ";\nALTER TABLE ");
			cmig_emit_qname(&w->e, c->trigger->schema, c->trigger->table);
			cmig_emit_put(&w->e, " DISABLE TRIGGER ");
			cmig_emit_name(&w->e, c->trigger->name);
		}
		break;
	case CMIG_CHG_DROP_TRIGGER:
		cmig_emit_put(&w->e, "DROP TRIGGER ");
		cmig_emit_name(&w->e, c->trigger->name);
		if (!w->sqlite) {
			cmig_emit_put(&w->e, " ON ");
			cmig_emit_qname(&w->e, c->trigger->schema, c->trigger->table);
		}
		break;
	case CMIG_CHG_COMMENT:
		cmig_emit_put(&w->e, "COMMENT ON ");
		cmig_emit_put(&w->e, c->name);
		cmig_emit_put(&w->e, " ");
		if (c->trigger) {
			cmig_emit_name(&w->e, c->trigger->name);
			cmig_emit_put(&w->e, " ON ");
			cmig_emit_qname(&w->e, c->trigger->schema, c->trigger->table);
		} else {
			/* target: schema \x1f name \x1f column */
			const char *t = c->target, *s1 = strchr(t, '\x1f'), *s2 = s1 ? strchr(s1 + 1, '\x1f') : NULL;
			char *schema = s1 ? cmig_strndup(t, (size_t)(s1 - t)) : NULL;
			char *name = s2 ? cmig_strndup(s1 + 1, (size_t)(s2 - s1 - 1)) : NULL;
			if (!schema || !name) {
				free(schema);
				free(name);
				w->e.rc = -8;
				return;
			}
			const char *paren = strchr(name, '(');
			if (paren) { /* function(args): quote the name only */
				char *fn = cmig_strndup(name, (size_t)(paren - name));
				cmig_emit_qname(&w->e, *schema ? schema : NULL, fn ? fn : name);
				cmig_emit_put(&w->e, paren);
				free(fn);
			} else {
				cmig_emit_qname(&w->e, *schema ? schema : NULL, name);
			}
			if (s2[1]) {
				cmig_emit_put(&w->e, ".");
				cmig_emit_name(&w->e, s2 + 1);
			}
			free(schema);
			free(name);
		}
		cmig_emit_put(&w->e, " IS ");
		if (c->text)
			cmig_emit_literal(&w->e, c->text);
		else
			cmig_emit_put(&w->e, "NULL");
		break;
	case CMIG_CHG_GRANT:
		cmig_emit_put(&w->e, "GRANT ");
		cmig_emit_put(&w->e, c->grant->privilege);
		cmig_emit_put(&w->e, " ON ");
		grant_object(w, c->grant);
		cmig_emit_put(&w->e, " TO ");
		cmig_emit_grantee(&w->e, c->grant->grantee);
		if (c->grant->grantable)
			cmig_emit_put(&w->e, " WITH GRANT OPTION");
		break;
	case CMIG_CHG_REVOKE:
		cmig_emit_put(&w->e, "REVOKE ");
		cmig_emit_put(&w->e, c->grant->privilege);
		cmig_emit_put(&w->e, " ON ");
		grant_object(w, c->grant);
		cmig_emit_put(&w->e, " FROM ");
		cmig_emit_grantee(&w->e, c->grant->grantee);
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
	bool sqlite = dialect == CMIG_SCH_SQLITE;
	struct writer w = { CMIG_EMIT_INIT(out, sqlite, sqlite ? CMIG_EMIT_QUALIFY_NEVER :
	                                   CMIG_EMIT_QUALIFY_NON_PUBLIC), c, sqlite };
	for (size_t i = 0; i < c->items.n && !w.e.rc; i++) {
		const struct cmig_change *ch = &c->items.items[i];
		if (!has_sql(ch->kind) || (only_flags && !(ch->flags & only_flags)) ||
		    (ch->flags & skip_flags))
			continue;
		if (ch->flags & CMIG_CHGF_DROPS_DATA)
			cmig_emit_put(&w.e, "-- cmig: drops data\n");
		if (ch->flags & CMIG_CHGF_FAILS_IF_ROWS) {
			cmig_emit_put(&w.e, "-- cmig: fails if the table has rows that ");
			cmig_emit_put(&w.e, ch->text);
			cmig_emit_put(&w.e, "\n");
		}
		write_change(&w, ch);
		cmig_emit_put(&w.e, ";\n");
	}
	return w.e.rc ? -8 : 0;
}

int cmig_change_describe(cmig_buf *out, const struct cmig_change *c)
{
	struct writer w = { CMIG_EMIT_INIT(out, false, CMIG_EMIT_QUALIFY_NON_PUBLIC), NULL, false };
	switch (c->kind) {
	case CMIG_CHG_MAYBE_RENAME:
		if (c->from_column)
			cmig_buf_printf(out, "table %s: column %s is gone and column %s is new: a rename? "
			                "say --rename '%s.%s:%s' (or drop and add with a "
			                "'-- cmig:renamed-from' line saying otherwise)", c->table->name,
			                c->name, c->new_name,
			                (c->from_table ? c->from_table : c->table)->name, c->name,
			                c->new_name);
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
	w.e.sqlite = true;
	w.e.qualify = CMIG_EMIT_QUALIFY_NEVER;
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
	return w.e.rc;
}
