/*
 * dump.c - the schema model → the SQL that recreates it (SPEC §8 `cmig dump`).
 *
 * Order, by kind: extensions (plpgsql omitted), schemas, types (enums, then domains),
 * sequences, functions, tables, foreign keys that close a reference cycle, indexes, views,
 * triggers, comments, privileges. Inside a kind, among the objects whose dependencies are
 * already written, the byte-wise smallest qualified name comes next (tables depend on the
 * parents of their foreign keys, views on the views they read).
 *
 * Fixpoint: the text is built only from the model, and every definition comes from the
 * database's own deparser (PostgreSQL) or its stored text (SQLite), so loading a dump and
 * dumping again gives the same bytes after the first line.
 */
#include "dump.h"
#include "diff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "order.h"
#include "sqltext.h"

struct dumper {
	struct cmig_emit e; /* qualify: ALWAYS when more than one schema holds objects */
	const struct cmig_schema *s;
};

/* Text without trailing blanks and one trailing ';', then ";\n". */
static void statement(struct dumper *w, const char *text)
{
	size_t n = strlen(text);
	while (n && (text[n - 1] == ' ' || text[n - 1] == '\n' || text[n - 1] == '\t'))
		n--;
	if (n && text[n - 1] == ';')
		n--;
	while (n && (text[n - 1] == ' ' || text[n - 1] == '\n' || text[n - 1] == '\t'))
		n--;
	cmig_emit_add(&w->e, text, n);
	cmig_emit_put(&w->e, ";\n");
}

static bool eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* ---- which schemas hold objects --------------------------------------------------------- */

static bool several_schemas(const struct cmig_schema *s)
{
	const char *first = NULL;
#define SEE(v)                                                                                   \
	for (size_t i = 0; i < (v).n; i++) {                                                     \
		const char *x = (v).items[i].schema;                                             \
		if (!x)                                                                          \
			continue;                                                                \
		if (!first)                                                                      \
			first = x;                                                               \
		else if (strcmp(first, x) != 0)                                                  \
			return true;                                                             \
	}
	SEE(s->tables) SEE(s->views) SEE(s->sequences) SEE(s->enums) SEE(s->domains)
	SEE(s->functions) SEE(s->indexes)
#undef SEE
	for (size_t i = 0; i < s->schemas.n; i++)
		if (strcmp(s->schemas.items[i].name, "public") != 0)
			return true;
	return false;
}

/* ---- PostgreSQL tables -------------------------------------------------------------------- */

int cmig_schema_pg_column(cmig_buf *out, const struct cmig_schema *s,
                          const struct cmig_sch_table *t, const struct cmig_sch_column *c)
{
	struct cmig_emit e = CMIG_EMIT_INIT(out, false, CMIG_EMIT_QUALIFY_NEVER);
	cmig_emit_pg_column(&e, s, t, c);
	return e.rc;
}

static void table_name(const void *ctx, size_t i, const char **schema, const char **name)
{
	const struct cmig_sch_table *t = &((const struct cmig_schema *)ctx)->tables.items[i];
	*schema = t->schema;
	*name = t->name;
}

static void view_name(const void *ctx, size_t i, const char **schema, const char **name)
{
	const struct cmig_sch_view *v = &((const struct cmig_schema *)ctx)->views.items[i];
	*schema = v->schema;
	*name = v->name;
}

/* The table named (schema, name) in byname (tables sorted by name), or -1 when the model has
 * none: nothing to wait for. The first of equal names, as a scan in model order would find. */
static long find_by_name(const struct cmig_schema *s, const size_t *byname, const char *schema,
                         const char *name)
{
	size_t lo = 0, hi = s->tables.n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct cmig_sch_table *t = &s->tables.items[byname[mid]];
		int c = strcmp(t->schema ? t->schema : "", schema ? schema : "");
		if (!c)
			c = strcmp(t->name, name);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < s->tables.n) {
		const struct cmig_sch_table *t = &s->tables.items[byname[lo]];
		if (eq(t->schema, schema) && eq(t->name, name))
			return (long)byname[lo];
	}
	return -1;
}

/* The table a foreign key of t waits for, or -1 (not a foreign key, a self-reference, a table
 * outside the model). */
static long fk_target(const struct cmig_schema *s, const size_t *byname, size_t ti,
                      const struct cmig_sch_constraint *k)
{
	const struct cmig_sch_table *t = &s->tables.items[ti];
	if (k->kind != CMIG_SCH_FOREIGN)
		return -1;
	if (eq(k->ref_table, t->name) && (!k->ref_schema || eq(k->ref_schema, t->schema)))
		return -1;
	long r = find_by_name(s, byname, k->ref_schema ? k->ref_schema : t->schema, k->ref_table);
	return r == (long)ti ? -1 : r;
}

static void pg_tables(struct dumper *w, cmig_buf *deferred)
{
	const struct cmig_schema *s = w->s;
	size_t n = s->tables.n, nk = 0;
	for (size_t i = 0; i < n; i++)
		nk += s->tables.items[i].constraints.n;
	size_t *byname = malloc((n ? n : 1) * sizeof(size_t)), *order = malloc((n ? n : 1) * sizeof(size_t));
	size_t *first = malloc((n + 1) * sizeof(size_t));
	long *target = malloc((nk ? nk : 1) * sizeof(long));
	struct cmig_sch_dep *deps = malloc((nk ? nk : 1) * sizeof(*deps));
	bool *done = calloc(n ? n : 1, sizeof(bool));
	size_t ndeps = 0;
	if (!byname || !order || !first || !target || !deps || !done) {
		w->e.rc = -8;
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		byname[i] = i;
	cmig_sch_sort_names(byname, n, table_name, s);
	first[0] = 0;
	for (size_t i = 0; i < n; i++) {
		const struct cmig_sch_table *t = &s->tables.items[i];
		first[i + 1] = first[i] + t->constraints.n;
		for (size_t k = 0; k < t->constraints.n; k++) {
			long r = fk_target(s, byname, i, &t->constraints.items[k]);
			target[first[i] + k] = r;
			if (r >= 0)
				deps[ndeps++] = (struct cmig_sch_dep){ i, (size_t)r };
		}
	}
	if (cmig_sch_order(order, n, byname, deps, ndeps)) {
		w->e.rc = -8;
		goto out;
	}
	for (size_t o = 0; o < n && !w->e.rc; o++) {
		size_t pick = order[o];
		const struct cmig_sch_table *t = &s->tables.items[pick];
		cmig_emit_put(&w->e, "CREATE TABLE ");
		cmig_emit_qname(&w->e, t->schema, t->name);
		cmig_emit_put(&w->e, " (");
		size_t items = 0;
		for (size_t c = 0; c < t->columns.n; c++) {
			cmig_emit_put(&w->e, items++ ? ",\n    " : "\n    ");
			cmig_emit_pg_column(&w->e, s, t, &t->columns.items[c]);
		}
		for (size_t k = 0; k < t->constraints.n; k++) {
			const struct cmig_sch_constraint *ck = &t->constraints.items[k];
			long r = target[first[pick] + k];
			if (ck->kind == CMIG_SCH_EXCLUDE)
				continue;
			if (r >= 0 && !done[r]) { /* a cycle: added once every table exists */
				struct cmig_emit dw = CMIG_EMIT_INIT(deferred, false, w->e.qualify);
				cmig_emit_put(&dw, "ALTER TABLE ");
				cmig_emit_qname(&dw, t->schema, t->name);
				cmig_emit_put(&dw, " ADD CONSTRAINT ");
				cmig_emit_name(&dw, ck->name);
				cmig_emit_put(&dw, " ");
				cmig_emit_put(&dw, ck->definition);
				cmig_emit_put(&dw, ";\n");
				if (dw.rc && !w->e.rc)
					w->e.rc = dw.rc;
				continue;
			}
			cmig_emit_put(&w->e, items++ ? ",\n    CONSTRAINT " : "\n    CONSTRAINT ");
			cmig_emit_name(&w->e, ck->name);
			cmig_emit_put(&w->e, " ");
			cmig_emit_put(&w->e, ck->definition);
		}
		cmig_emit_put(&w->e, "\n);\n");
		done[pick] = true;
		/* the sequences this table owns (serial) */
		for (size_t i = 0; i < s->sequences.n; i++) {
			const struct cmig_sch_sequence *q = &s->sequences.items[i];
			if (q->identity || !q->owned_by_table || !eq(q->owned_by_table, t->name) ||
			    !q->feeds.n || !eq(q->feeds.items[0].schema, t->schema))
				continue;
			cmig_emit_put(&w->e, "ALTER SEQUENCE ");
			cmig_emit_qname(&w->e, q->schema, q->name);
			cmig_emit_put(&w->e, " OWNED BY ");
			cmig_emit_qname(&w->e, t->schema, t->name);
			cmig_emit_put(&w->e, ".");
			cmig_emit_name(&w->e, q->owned_by_column);
			cmig_emit_put(&w->e, ";\n");
		}
	}
out:
	free(byname);
	free(order);
	free(first);
	free(target);
	free(deps);
	free(done);
}

/* ---- views in dependency order ------------------------------------------------------------ */

static bool view_depends(const struct cmig_schema *s, const struct cmig_sch_view *v,
                         const struct cmig_sch_view *on)
{
	if (v == on)
		return false;
	if (s->dialect == CMIG_SCH_SQLITE)
		return cmig_sqltext_mentions(v->definition, on->name);
	for (size_t i = 0; i < v->depends.n; i++) {
		const char *d = v->depends.items[i], *dot = strchr(d, '.');
		if (dot && strncmp(d, on->schema, (size_t)(dot - d)) == 0 &&
		    on->schema[dot - d] == '\0' && strcmp(dot + 1, on->name) == 0)
			return true;
	}
	return false;
}

static void views(struct dumper *w)
{
	const struct cmig_schema *s = w->s;
	size_t n = s->views.n;
	size_t *byname = malloc((n ? n : 1) * sizeof(size_t)), *order = malloc((n ? n : 1) * sizeof(size_t));
	struct cmig_sch_dep *deps = NULL;
	size_t ndeps = 0, cap = 0;
	if (!byname || !order) {
		w->e.rc = -8;
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		byname[i] = i;
	cmig_sch_sort_names(byname, n, view_name, s);
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			if (i == j || !view_depends(s, &s->views.items[i], &s->views.items[j]))
				continue;
			if (ndeps == cap) {
				size_t nc = cap ? 2 * cap : 16;
				struct cmig_sch_dep *g = realloc(deps, nc * sizeof(*deps));
				if (!g) {
					w->e.rc = -8;
					goto out;
				}
				deps = g;
				cap = nc;
			}
			deps[ndeps++] = (struct cmig_sch_dep){ i, j };
		}
	if (cmig_sch_order(order, n, byname, deps, ndeps)) {
		w->e.rc = -8;
		goto out;
	}
	for (size_t o = 0; o < n && !w->e.rc; o++) {
		const struct cmig_sch_view *v = &s->views.items[order[o]];
		if (s->dialect == CMIG_SCH_SQLITE) {
			statement(w, v->definition);
		} else {
			cmig_emit_put(&w->e, "CREATE VIEW ");
			cmig_emit_qname(&w->e, v->schema, v->name);
			cmig_emit_put(&w->e, " AS\n");
			statement(w, v->definition);
		}
	}
out:
	free(byname);
	free(order);
	free(deps);
}

/* ---- comments and privileges -------------------------------------------------------------- */

static void comment(struct dumper *w, const char *kind, const char *schema, const char *name,
                    const char *suffix, const char *text)
{
	if (!text)
		return;
	cmig_emit_put(&w->e, "COMMENT ON ");
	cmig_emit_put(&w->e, kind);
	cmig_emit_put(&w->e, " ");
	if (name)
		cmig_emit_qname(&w->e, schema, name);
	if (suffix)
		cmig_emit_put(&w->e, suffix);
	cmig_emit_put(&w->e, " IS ");
	cmig_emit_literal(&w->e, text);
	cmig_emit_put(&w->e, ";\n");
}

static void pg_comments(struct dumper *w)
{
	const struct cmig_schema *s = w->s;
	cmig_buf tmp = CMIG_BUF_INIT;
	for (size_t i = 0; i < s->schemas.n; i++)
		if (s->schemas.items[i].comment && strcmp(s->schemas.items[i].name, "public") != 0) {
			cmig_emit_put(&w->e, "COMMENT ON SCHEMA ");
			cmig_emit_name(&w->e, s->schemas.items[i].name);
			cmig_emit_put(&w->e, " IS ");
			cmig_emit_literal(&w->e, s->schemas.items[i].comment);
			cmig_emit_put(&w->e, ";\n");
		}
	for (size_t i = 0; i < s->enums.n; i++)
		comment(w, "TYPE", s->enums.items[i].schema, s->enums.items[i].name, NULL,
		        s->enums.items[i].comment);
	for (size_t i = 0; i < s->domains.n; i++)
		comment(w, "DOMAIN", s->domains.items[i].schema, s->domains.items[i].name, NULL,
		        s->domains.items[i].comment);
	for (size_t i = 0; i < s->functions.n; i++) {
		const struct cmig_sch_function *f = &s->functions.items[i];
		cmig_buf_clear(&tmp);
		cmig_buf_printf(&tmp, "(%s)", f->identity_args);
		comment(w, f->kind == 'p' ? "PROCEDURE" : "FUNCTION", f->schema, f->name, tmp.ptr,
		        f->comment);
	}
	for (size_t i = 0; i < s->tables.n; i++) {
		const struct cmig_sch_table *t = &s->tables.items[i];
		comment(w, "TABLE", t->schema, t->name, NULL, t->comment);
		for (size_t k = 0; k + 1 < t->column_comments.n; k += 2) {
			struct cmig_emit cw = CMIG_EMIT_INIT(&tmp, false, CMIG_EMIT_QUALIFY_NEVER);
			cmig_buf_clear(&tmp);
			cmig_emit_put(&cw, ".");
			cmig_emit_name(&cw, t->column_comments.items[k]);
			comment(w, "COLUMN", t->schema, t->name, tmp.ptr, t->column_comments.items[k + 1]);
		}
	}
	for (size_t i = 0; i < s->indexes.n; i++)
		comment(w, "INDEX", s->indexes.items[i].schema, s->indexes.items[i].name, NULL,
		        s->indexes.items[i].comment);
	for (size_t i = 0; i < s->views.n; i++)
		comment(w, "VIEW", s->views.items[i].schema, s->views.items[i].name, NULL,
		        s->views.items[i].comment);
	for (size_t i = 0; i < s->triggers.n; i++) {
		const struct cmig_sch_trigger *g = &s->triggers.items[i];
		if (!g->comment)
			continue;
		cmig_emit_put(&w->e, "COMMENT ON TRIGGER ");
		cmig_emit_name(&w->e, g->name);
		cmig_emit_put(&w->e, " ON ");
		cmig_emit_qname(&w->e, g->schema, g->table);
		cmig_emit_put(&w->e, " IS ");
		cmig_emit_literal(&w->e, g->comment);
		cmig_emit_put(&w->e, ";\n");
	}
	cmig_buf_release(&tmp);
}

static void pg_grants(struct dumper *w)
{
	const struct cmig_schema *s = w->s;
	for (size_t i = 0; i < s->grants.n; i++) {
		const struct cmig_sch_grant *g = &s->grants.items[i];
		cmig_emit_put(&w->e, "GRANT ");
		cmig_emit_put(&w->e, g->privilege);
		cmig_emit_put(&w->e, " ON ");
		switch (g->objkind) {
		case 's': cmig_emit_put(&w->e, "SEQUENCE "); break;
		case 'f': {
			/* a procedure's name(args) is granted ON PROCEDURE */
			bool proc = false;
			for (size_t k = 0; k < s->functions.n; k++) {
				const struct cmig_sch_function *f = &s->functions.items[k];
				size_t ln = strlen(f->name);
				if (eq(f->schema, g->schema) && strncmp(g->name, f->name, ln) == 0 &&
				    g->name[ln] == '(')
					proc = f->kind == 'p';
			}
			cmig_emit_put(&w->e, proc ? "PROCEDURE " : "FUNCTION ");
			break;
		}
		default: cmig_emit_put(&w->e, "TABLE "); break;
		}
		if (g->objkind == 'f')
			cmig_emit_signature(&w->e, g->schema, g->name);
		else
			cmig_emit_qname(&w->e, g->schema, g->name);
		cmig_emit_put(&w->e, " TO ");
		cmig_emit_grantee(&w->e, g->grantee);
		if (g->grantable)
			cmig_emit_put(&w->e, " WITH GRANT OPTION");
		cmig_emit_put(&w->e, ";\n");
	}
}

/* ---- the whole dump ----------------------------------------------------------------------- */

static void pg_dump(struct dumper *w)
{
	const struct cmig_schema *s = w->s;
	cmig_buf deferred = CMIG_BUF_INIT;

	/* SQL function bodies may name tables created further down */
	cmig_emit_put(&w->e, "SET check_function_bodies = false;\n");
	for (size_t i = 0; i < s->extensions.n; i++) {
		const struct cmig_sch_extension *x = &s->extensions.items[i];
		if (strcmp(x->name, "plpgsql") == 0)
			continue;
		cmig_emit_put(&w->e, "CREATE EXTENSION IF NOT EXISTS ");
		cmig_emit_name(&w->e, x->name);
		if (w->e.qualify == CMIG_EMIT_QUALIFY_ALWAYS || strcmp(x->schema, "public") != 0) {
			cmig_emit_put(&w->e, " WITH SCHEMA ");
			cmig_emit_name(&w->e, x->schema);
		}
		cmig_emit_put(&w->e, ";\n");
	}
	for (size_t i = 0; i < s->schemas.n; i++) {
		if (strcmp(s->schemas.items[i].name, "public") == 0)
			continue;
		cmig_emit_put(&w->e, "CREATE SCHEMA ");
		cmig_emit_name(&w->e, s->schemas.items[i].name);
		cmig_emit_put(&w->e, ";\n");
	}
	for (size_t i = 0; i < s->enums.n; i++) {
		cmig_emit_create_enum(&w->e, &s->enums.items[i]);
		cmig_emit_put(&w->e, ";\n");
	}
	for (size_t i = 0; i < s->domains.n; i++) {
		cmig_emit_create_domain(&w->e, &s->domains.items[i]);
		cmig_emit_put(&w->e, ";\n");
	}
	for (size_t i = 0; i < s->sequences.n; i++) {
		const struct cmig_sch_sequence *q = &s->sequences.items[i];
		if (q->identity)
			continue;
		cmig_emit_put(&w->e, "CREATE SEQUENCE ");
		cmig_emit_qname(&w->e, q->schema, q->name);
		cmig_emit_seq_options(&w->e, q, true);
		cmig_emit_put(&w->e, ";\n");
	}
	for (size_t i = 0; i < s->functions.n; i++)
		statement(w, s->functions.items[i].definition);
	pg_tables(w, &deferred);
	cmig_emit_put(&w->e, deferred.ptr);
	cmig_buf_release(&deferred);
	for (size_t i = 0; i < s->indexes.n; i++)
		statement(w, s->indexes.items[i].definition);
	views(w);
	for (size_t i = 0; i < s->triggers.n; i++) {
		const struct cmig_sch_trigger *g = &s->triggers.items[i];
		statement(w, g->definition);
		if (!g->enabled) {
			cmig_emit_put(&w->e, "ALTER TABLE ");
			cmig_emit_qname(&w->e, g->schema, g->table);
			cmig_emit_put(&w->e, " DISABLE TRIGGER ");
			cmig_emit_name(&w->e, g->name);
			cmig_emit_put(&w->e, ";\n");
		}
	}
	pg_comments(w);
	pg_grants(w);
}

static void sqlite_dump(struct dumper *w)
{
	const struct cmig_schema *s = w->s;
	/* SQLite checks no reference at CREATE TABLE time: tables go by name */
	for (size_t i = 0; i < s->tables.n; i++)
		statement(w, s->tables.items[i].sql);
	for (size_t i = 0; i < s->indexes.n; i++)
		statement(w, s->indexes.items[i].definition);
	views(w);
	for (size_t i = 0; i < s->triggers.n; i++)
		statement(w, s->triggers.items[i].definition);
}

int cmig_schema_dump(cmig_buf *out, const struct cmig_schema *s, const char *revision,
                     cmig_diags *d)
{
	struct dumper w = { CMIG_EMIT_INIT(out, false, CMIG_EMIT_QUALIFY_NEVER), s };

	if (s->unsupported.n) {
		for (size_t i = 0; i < s->unsupported.n; i++) {
			const struct cmig_sch_unsupported *u = &s->unsupported.items[i];
			cmig_diag_error(d, NULL, 0, CMIG_ERROR, "schema-unsupported",
			                "dump: the database holds a %s, %s%s%s, which the schema model does "
			                "not cover", u->kind, u->schema ? u->schema : "",
			                u->schema ? "." : "", u->name);
		}
		return CMIG_ERROR;
	}
	if (s->dialect == CMIG_SCH_POSTGRESQL && several_schemas(s))
		w.e.qualify = CMIG_EMIT_QUALIFY_ALWAYS;
	cmig_emit_put(&w.e, "-- cmig dump: the schema at revision ");
	cmig_emit_put(&w.e, revision ? revision : "base");
	cmig_emit_put(&w.e, "\n");
	if (s->dialect == CMIG_SCH_POSTGRESQL)
		pg_dump(&w);
	else
		sqlite_dump(&w);
	if (w.e.rc)
		return cmig_diag_error(d, NULL, 0, CMIG_ENOMEM, NULL, "out of memory");
	return CMIG_OK;
}
