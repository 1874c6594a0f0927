/*
 * emit.c - the SQL emitter shared by dump.c and write.c (see emit.h). Every function is a
 * no-op once e->rc is set, so output stops at the first failure and rc tells the caller.
 */
#include "emit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cmig_emit_put(struct cmig_emit *e, const char *text)
{
	if (!e->rc && text)
		e->rc = cmig_buf_puts(e->b, text);
}

void cmig_emit_add(struct cmig_emit *e, const char *text, size_t n)
{
	if (!e->rc)
		e->rc = cmig_buf_add(e->b, text, n);
}

void cmig_emit_name(struct cmig_emit *e, const char *name)
{
	if (!e->rc)
		e->rc = e->sqlite ? cmig_schema_quote_sqlite(e->b, name) : cmig_schema_quote(e->b, name);
}

void cmig_emit_qname(struct cmig_emit *e, const char *schema, const char *name)
{
	bool q = schema && (e->qualify == CMIG_EMIT_QUALIFY_ALWAYS ||
	                    (e->qualify == CMIG_EMIT_QUALIFY_NON_PUBLIC && strcmp(schema, "public") != 0));
	if (q) {
		cmig_emit_name(e, schema);
		cmig_emit_put(e, ".");
	}
	cmig_emit_name(e, name);
}

void cmig_emit_literal(struct cmig_emit *e, const char *text)
{
	cmig_emit_put(e, "'");
	if (!e->rc)
		e->rc = cmig_buf_add_quoted(e->b, text, '\'');
	cmig_emit_put(e, "'");
}

void cmig_emit_grantee(struct cmig_emit *e, const char *who)
{
	if (strcmp(who, "PUBLIC") == 0)
		cmig_emit_put(e, "PUBLIC");
	else
		cmig_emit_name(e, who);
}

void cmig_emit_signature(struct cmig_emit *e, const char *schema, const char *name_args)
{
	const char *paren = strchr(name_args, '(');
	char *fname = paren ? cmig_strndup(name_args, (size_t)(paren - name_args)) : NULL;
	if (!fname) {
		if (!e->rc)
			e->rc = -8;
		return;
	}
	cmig_emit_qname(e, schema, fname);
	cmig_emit_put(e, paren);
	free(fname);
}

void cmig_emit_create_enum(struct cmig_emit *e, const struct cmig_sch_enum *t)
{
	cmig_emit_put(e, "CREATE TYPE ");
	cmig_emit_qname(e, t->schema, t->name);
	cmig_emit_put(e, " AS ENUM (");
	for (size_t k = 0; k < t->labels.n; k++) {
		if (k)
			cmig_emit_put(e, ", ");
		cmig_emit_literal(e, t->labels.items[k]);
	}
	cmig_emit_put(e, ")");
}

void cmig_emit_create_domain(struct cmig_emit *e, const struct cmig_sch_domain *m)
{
	cmig_emit_put(e, "CREATE DOMAIN ");
	cmig_emit_qname(e, m->schema, m->name);
	cmig_emit_put(e, " AS ");
	cmig_emit_put(e, m->base_type);
	if (m->collation) {
		cmig_emit_put(e, " COLLATE ");
		cmig_emit_name(e, m->collation);
	}
	if (m->default_expr) {
		cmig_emit_put(e, " DEFAULT ");
		cmig_emit_put(e, m->default_expr);
	}
	if (m->not_null)
		cmig_emit_put(e, " NOT NULL");
	for (size_t k = 0; k + 1 < m->checks.n; k += 2) {
		cmig_emit_put(e, " CONSTRAINT ");
		cmig_emit_name(e, m->checks.items[k]);
		cmig_emit_put(e, " ");
		cmig_emit_put(e, m->checks.items[k + 1]);
	}
}

static bool eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static long long type_max(const char *type)
{
	if (eq(type, "smallint"))
		return 32767;
	if (eq(type, "integer"))
		return 2147483647;
	return 9223372036854775807LL;
}

void cmig_emit_seq_options(struct cmig_emit *e, const struct cmig_sch_sequence *q, bool with_type)
{
	long long tmax = type_max(q->data_type), tmin = -tmax - 1;
	bool up = q->increment > 0;
	long long dmin = up ? 1 : tmin, dmax = up ? tmax : -1;
	long long dstart = up ? q->min : q->max;
	char num[64];

	if (with_type && q->data_type && strcmp(q->data_type, "bigint") != 0) {
		cmig_emit_put(e, " AS ");
		cmig_emit_put(e, q->data_type);
	}
#define OPT(cond, text, v)                                                                       \
	if (cond) {                                                                              \
		snprintf(num, sizeof(num), " %s %lld", text, (long long)(v));                    \
		cmig_emit_put(e, num);                                                           \
	}
	OPT(q->increment != 1, "INCREMENT BY", q->increment)
	OPT(q->min != dmin, "MINVALUE", q->min)
	OPT(q->max != dmax, "MAXVALUE", q->max)
	OPT(q->start != dstart, "START WITH", q->start)
	OPT(q->cache != 1, "CACHE", q->cache)
#undef OPT
	if (q->cycle)
		cmig_emit_put(e, " CYCLE");
}

void cmig_emit_seq_all(struct cmig_emit *e, const struct cmig_sch_sequence *q)
{
	char num[256];
	snprintf(num, sizeof(num), " AS %s INCREMENT BY %lld MINVALUE %lld MAXVALUE %lld START WITH %lld "
	         "CACHE %lld %sCYCLE", q->data_type ? q->data_type : "bigint", q->increment, q->min,
	         q->max, q->start, q->cache, q->cycle ? "" : "NO ");
	cmig_emit_put(e, num);
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

void cmig_emit_pg_column(struct cmig_emit *e, const struct cmig_schema *s,
                         const struct cmig_sch_table *t, const struct cmig_sch_column *c)
{
	cmig_emit_name(e, c->name);
	cmig_emit_put(e, " ");
	cmig_emit_put(e, c->type);
	if (c->collation) {
		cmig_emit_put(e, " COLLATE ");
		cmig_emit_name(e, c->collation);
	}
	if (c->generated) {
		cmig_emit_put(e, " GENERATED ALWAYS AS (");
		cmig_emit_put(e, c->generated);
		cmig_emit_put(e, ") STORED");
	}
	if (c->identity) {
		const struct cmig_sch_sequence *q = identity_seq(s, t, c);
		cmig_emit_put(e, c->identity == 'a' ? " GENERATED ALWAYS AS IDENTITY" :
		                                      " GENERATED BY DEFAULT AS IDENTITY");
		if (q) {
			cmig_buf opts = CMIG_BUF_INIT;
			struct cmig_emit oe = CMIG_EMIT_INIT(&opts, false, CMIG_EMIT_QUALIFY_NEVER);
			cmig_emit_seq_options(&oe, q, false);
			if (oe.rc && !e->rc)
				e->rc = oe.rc;
			if (opts.len) { /* " INCREMENT BY 2 CACHE 5" → " (INCREMENT BY 2 CACHE 5)" */
				cmig_emit_put(e, " (");
				cmig_emit_put(e, opts.ptr + 1);
				cmig_emit_put(e, ")");
			}
			cmig_buf_release(&opts);
		}
	}
	if (c->default_expr) {
		cmig_emit_put(e, " DEFAULT ");
		cmig_emit_put(e, c->default_expr);
	}
	if (c->not_null)
		cmig_emit_put(e, " NOT NULL");
}
