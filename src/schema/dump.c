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

#include "order.h"
#include "sqltext.h"

struct dumper {
	cmig_buf *b;
	const struct cmig_schema *s;
	bool qualify;   /* more than one schema holds objects */
	int rc;
};

static void put(struct dumper *w, const char *str)
{
	if (!w->rc)
		w->rc = cmig_buf_puts(w->b, str);
}

static void putq(struct dumper *w, const char *name)
{
	if (!w->rc)
		w->rc = cmig_schema_quote(w->b, name);
}

static void qname(struct dumper *w, const char *schema, const char *name)
{
	if (w->qualify && schema) {
		putq(w, schema);
		put(w, ".");
	}
	putq(w, name);
}

static void literal(struct dumper *w, const char *text)
{
	put(w, "'");
	if (!w->rc)
		w->rc = cmig_buf_add_quoted(w->b, text, '\'');
	put(w, "'");
}

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
	if (!w->rc)
		w->rc = cmig_buf_add(w->b, text, n);
	put(w, ";\n");
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

/* ---- sequences ---------------------------------------------------------------------------- */

static long long type_max(const char *type)
{
	if (eq(type, "smallint"))
		return 32767;
	if (eq(type, "integer"))
		return 2147483647;
	return 9223372036854775807LL;
}

/* The options that differ from what PostgreSQL would choose; "" when none. */
static void seq_options(struct dumper *w, const struct cmig_sch_sequence *q, bool with_type)
{
	long long tmax = type_max(q->data_type), tmin = -tmax - 1;
	bool up = q->increment > 0;
	long long dmin = up ? 1 : tmin, dmax = up ? tmax : -1;
	long long dstart = up ? q->min : q->max;
	char num[64];

	if (with_type && q->data_type && strcmp(q->data_type, "bigint") != 0) {
		put(w, " AS ");
		put(w, q->data_type);
	}
#define OPT(cond, text, v)                                                                       \
	if (cond) {                                                                              \
		snprintf(num, sizeof(num), " %s %lld", text, (long long)(v));                    \
		put(w, num);                                                                     \
	}
	OPT(q->increment != 1, "INCREMENT BY", q->increment)
	OPT(q->min != dmin, "MINVALUE", q->min)
	OPT(q->max != dmax, "MAXVALUE", q->max)
	OPT(q->start != dstart, "START WITH", q->start)
	OPT(q->cache != 1, "CACHE", q->cache)
#undef OPT
	if (q->cycle)
		put(w, " CYCLE");
}

static const struct cmig_sch_sequence *identity_seq(const struct cmig_schema *s,
                                                    const struct cmig_sch_table *t,
                                                    const struct cmig_sch_column *c)
{
	for (size_t i = 0; i < s->sequences.n; i++) {
		const struct cmig_sch_sequence *q = &s->sequences.items[i];
		if (q->identity && q->feeds.n && eq(q->feeds.items[0].schema, t->schema) &&
		    eq(q->owned_by_table, t->name) && eq(q->owned_by_column, c->name))
			return q;
	}
	return NULL;
}

/* ---- PostgreSQL tables -------------------------------------------------------------------- */

static void pg_column(struct dumper *w, const struct cmig_sch_table *t,
                      const struct cmig_sch_column *c)
{
	putq(w, c->name);
	put(w, " ");
	put(w, c->type);
	if (c->collation) {
		put(w, " COLLATE ");
		putq(w, c->collation);
	}
	if (c->generated) {
		put(w, " GENERATED ALWAYS AS (");
		put(w, c->generated);
		put(w, ") STORED");
	}
	if (c->identity) {
		const struct cmig_sch_sequence *q = identity_seq(w->s, t, c);
		put(w, c->identity == 'a' ? " GENERATED ALWAYS AS IDENTITY" :
		                            " GENERATED BY DEFAULT AS IDENTITY");
		if (q) {
			cmig_buf opts = CMIG_BUF_INIT;
			struct dumper ow = { &opts, w->s, w->qualify, 0 };
			seq_options(&ow, q, false);
			if (ow.rc)
				w->rc = ow.rc;
			if (opts.len) { /* " INCREMENT BY 2 CACHE 5" → " (INCREMENT BY 2 CACHE 5)" */
				put(w, " (");
				put(w, opts.ptr + 1);
				put(w, ")");
			}
			cmig_buf_release(&opts);
		}
	}
	if (c->default_expr) {
		put(w, " DEFAULT ");
		put(w, c->default_expr);
	}
	if (c->not_null)
		put(w, " NOT NULL");
}

int cmig_schema_pg_column(cmig_buf *out, const struct cmig_schema *s,
                          const struct cmig_sch_table *t, const struct cmig_sch_column *c)
{
	struct dumper w = { out, s, false, 0 };
	pg_column(&w, t, c);
	return w.rc;
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
		w->rc = -8;
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
		w->rc = -8;
		goto out;
	}
	for (size_t o = 0; o < n && !w->rc; o++) {
		size_t pick = order[o];
		const struct cmig_sch_table *t = &s->tables.items[pick];
		put(w, "CREATE TABLE ");
		qname(w, t->schema, t->name);
		put(w, " (");
		size_t items = 0;
		for (size_t c = 0; c < t->columns.n; c++) {
			put(w, items++ ? ",\n    " : "\n    ");
			pg_column(w, t, &t->columns.items[c]);
		}
		for (size_t k = 0; k < t->constraints.n; k++) {
			const struct cmig_sch_constraint *ck = &t->constraints.items[k];
			long r = target[first[pick] + k];
			if (ck->kind == CMIG_SCH_EXCLUDE)
				continue;
			if (r >= 0 && !done[r]) { /* a cycle: added once every table exists */
				struct dumper dw = { deferred, s, w->qualify, 0 };
				put(&dw, "ALTER TABLE ");
				qname(&dw, t->schema, t->name);
				put(&dw, " ADD CONSTRAINT ");
				putq(&dw, ck->name);
				put(&dw, " ");
				put(&dw, ck->definition);
				put(&dw, ";\n");
				if (dw.rc)
					w->rc = dw.rc;
				continue;
			}
			put(w, items++ ? ",\n    CONSTRAINT " : "\n    CONSTRAINT ");
			putq(w, ck->name);
			put(w, " ");
			put(w, ck->definition);
		}
		put(w, "\n);\n");
		done[pick] = true;
		/* the sequences this table owns (serial) */
		for (size_t i = 0; i < s->sequences.n; i++) {
			const struct cmig_sch_sequence *q = &s->sequences.items[i];
			if (q->identity || !q->owned_by_table || !eq(q->owned_by_table, t->name) ||
			    !q->feeds.n || !eq(q->feeds.items[0].schema, t->schema))
				continue;
			put(w, "ALTER SEQUENCE ");
			qname(w, q->schema, q->name);
			put(w, " OWNED BY ");
			qname(w, t->schema, t->name);
			put(w, ".");
			putq(w, q->owned_by_column);
			put(w, ";\n");
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
		w->rc = -8;
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
					w->rc = -8;
					goto out;
				}
				deps = g;
				cap = nc;
			}
			deps[ndeps++] = (struct cmig_sch_dep){ i, j };
		}
	if (cmig_sch_order(order, n, byname, deps, ndeps)) {
		w->rc = -8;
		goto out;
	}
	for (size_t o = 0; o < n && !w->rc; o++) {
		const struct cmig_sch_view *v = &s->views.items[order[o]];
		if (s->dialect == CMIG_SCH_SQLITE) {
			statement(w, v->definition);
		} else {
			put(w, "CREATE VIEW ");
			qname(w, v->schema, v->name);
			put(w, " AS\n");
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
	put(w, "COMMENT ON ");
	put(w, kind);
	put(w, " ");
	if (name)
		qname(w, schema, name);
	if (suffix)
		put(w, suffix);
	put(w, " IS ");
	literal(w, text);
	put(w, ";\n");
}

static void pg_comments(struct dumper *w)
{
	const struct cmig_schema *s = w->s;
	cmig_buf tmp = CMIG_BUF_INIT;
	for (size_t i = 0; i < s->schemas.n; i++)
		if (s->schemas.items[i].comment && strcmp(s->schemas.items[i].name, "public") != 0) {
			put(w, "COMMENT ON SCHEMA ");
			putq(w, s->schemas.items[i].name);
			put(w, " IS ");
			literal(w, s->schemas.items[i].comment);
			put(w, ";\n");
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
			struct dumper cw = { &tmp, s, false, 0 };
			cmig_buf_clear(&tmp);
			put(&cw, ".");
			putq(&cw, t->column_comments.items[k]);
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
		put(w, "COMMENT ON TRIGGER ");
		putq(w, g->name);
		put(w, " ON ");
		qname(w, g->schema, g->table);
		put(w, " IS ");
		literal(w, g->comment);
		put(w, ";\n");
	}
	cmig_buf_release(&tmp);
}

static void pg_grants(struct dumper *w)
{
	const struct cmig_schema *s = w->s;
	for (size_t i = 0; i < s->grants.n; i++) {
		const struct cmig_sch_grant *g = &s->grants.items[i];
		put(w, "GRANT ");
		put(w, g->privilege);
		put(w, " ON ");
		switch (g->objkind) {
		case 's': put(w, "SEQUENCE "); break;
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
			put(w, proc ? "PROCEDURE " : "FUNCTION ");
			break;
		}
		default: put(w, "TABLE "); break;
		}
		if (g->objkind == 'f') {
			/* name(args): quote the name part only */
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
		put(w, " TO ");
		if (strcmp(g->grantee, "PUBLIC") == 0)
			put(w, "PUBLIC");
		else
			putq(w, g->grantee);
		if (g->grantable)
			put(w, " WITH GRANT OPTION");
		put(w, ";\n");
	}
}

/* ---- the whole dump ----------------------------------------------------------------------- */

static void pg_dump(struct dumper *w)
{
	const struct cmig_schema *s = w->s;
	cmig_buf deferred = CMIG_BUF_INIT;

	/* SQL function bodies may name tables created further down */
	put(w, "SET check_function_bodies = false;\n");
	for (size_t i = 0; i < s->extensions.n; i++) {
		const struct cmig_sch_extension *x = &s->extensions.items[i];
		if (strcmp(x->name, "plpgsql") == 0)
			continue;
		put(w, "CREATE EXTENSION IF NOT EXISTS ");
		putq(w, x->name);
		if (w->qualify || strcmp(x->schema, "public") != 0) {
			put(w, " WITH SCHEMA ");
			putq(w, x->schema);
		}
		put(w, ";\n");
	}
	for (size_t i = 0; i < s->schemas.n; i++) {
		if (strcmp(s->schemas.items[i].name, "public") == 0)
			continue;
		put(w, "CREATE SCHEMA ");
		putq(w, s->schemas.items[i].name);
		put(w, ";\n");
	}
	for (size_t i = 0; i < s->enums.n; i++) {
		const struct cmig_sch_enum *e = &s->enums.items[i];
		put(w, "CREATE TYPE ");
		qname(w, e->schema, e->name);
		put(w, " AS ENUM (");
		for (size_t k = 0; k < e->labels.n; k++) {
			if (k)
				put(w, ", ");
			literal(w, e->labels.items[k]);
		}
		put(w, ");\n");
	}
	for (size_t i = 0; i < s->domains.n; i++) {
		const struct cmig_sch_domain *m = &s->domains.items[i];
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
		put(w, ";\n");
	}
	for (size_t i = 0; i < s->sequences.n; i++) {
		const struct cmig_sch_sequence *q = &s->sequences.items[i];
		if (q->identity)
			continue;
		put(w, "CREATE SEQUENCE ");
		qname(w, q->schema, q->name);
		seq_options(w, q, true);
		put(w, ";\n");
	}
	for (size_t i = 0; i < s->functions.n; i++)
		statement(w, s->functions.items[i].definition);
	pg_tables(w, &deferred);
	put(w, deferred.ptr);
	cmig_buf_release(&deferred);
	for (size_t i = 0; i < s->indexes.n; i++)
		statement(w, s->indexes.items[i].definition);
	views(w);
	for (size_t i = 0; i < s->triggers.n; i++) {
		const struct cmig_sch_trigger *g = &s->triggers.items[i];
		statement(w, g->definition);
		if (!g->enabled) {
			put(w, "ALTER TABLE ");
			qname(w, g->schema, g->table);
			put(w, " DISABLE TRIGGER ");
			putq(w, g->name);
			put(w, ";\n");
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
	struct dumper w = { out, s, false, 0 };

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
	w.qualify = s->dialect == CMIG_SCH_POSTGRESQL && several_schemas(s);
	put(&w, "-- cmig dump: the schema at revision ");
	put(&w, revision ? revision : "base");
	put(&w, "\n");
	if (s->dialect == CMIG_SCH_POSTGRESQL)
		pg_dump(&w);
	else
		sqlite_dump(&w);
	if (w.rc)
		return cmig_diag_error(d, NULL, 0, CMIG_ENOMEM, NULL, "out of memory");
	return CMIG_OK;
}
